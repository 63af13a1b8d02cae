"""Cells of parser frames as the database stores them: stripped text, ISO days, flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from prevention.sources.ingest.report import IngestError


def arrow_text(series: pd.Series) -> pd.Series:
    """Stripped Arrow-backed strings, '' for missing: the checks run in Arrow compute, with
    no Python call per cell."""
    if not isinstance(series.dtype, pd.StringDtype):
        series = series.astype(object).where(series.notna(), "").astype(str)
    text = series.fillna("").str.strip()
    if may_hold_nul(text) and text.str.contains("\x00", regex=False).any():
        text = text.map(clean_text).astype(str)
    return text


def may_hold_nul(text: pd.Series) -> bool:
    """False when no string of `text` holds a NUL character: a NUL byte in UTF-8 is only ever
    that character, so one scan of Arrow's character buffers answers for the whole column,
    far faster than searching each string."""
    values = pa.array(text)
    for chunk in values.chunks if isinstance(values, pa.ChunkedArray) else [values]:
        data = chunk.buffers()[2]
        if data is not None and not np.frombuffer(data, dtype=np.uint8).all():
            return True
    return False


def as_text(series: pd.Series) -> pd.Series:
    """Stripped Python strings in an object column: hash lookups (isin, duplicated) on
    object columns are an order of magnitude faster than on Arrow-backed strings, and the
    database driver takes Python strings anyway."""
    return arrow_text(series).astype(object)


TRUE_TEXT = {"true", "1", "yes", ""}


def concern_flags(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=bool)
    return as_text(series).str.lower().isin(TRUE_TEXT).to_numpy()


def iso_dates(series: pd.Series, what: str) -> pd.Series:
    """Dates as YYYY-MM-DD text ('' for none); a parser that passed anything else has a bug."""
    if pd.api.types.is_datetime64_any_dtype(series):
        # Arrow's cast is C; strftime formats one Python call per day.
        days = pc.cast(pc.cast(pc.floor_temporal(pa.array(series), unit="day"), pa.date32()),
                       pa.string())
        return pd.Series(pc.fill_null(days, "").to_numpy(zero_copy_only=False),
                         index=series.index, dtype=object)
    text = arrow_text(series)
    ok = (text == "") | text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    if not ok.all():
        bad = text[~ok].iloc[0]
        raise IngestError(f"the parser passed {what} {bad!r}, not YYYY-MM-DD; this is a bug in "
                          "the importer, please report it with the file")
    return text.astype(object)


def clean_text(value: str) -> str:
    # Lone surrogates (a wrongly decoded file) and NUL bytes cannot be stored as text on
    # PostgreSQL; keep them visible as escapes instead of failing the import.
    if "\x00" in value:
        value = value.replace("\x00", "\\x00")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def clipped(value) -> str | None:
    return None if value is None else clean_text(str(value))[:10_000]


def jsonable(raw) -> dict:
    raw = raw if isinstance(raw, dict) else {"value": raw}
    return {clean_text(str(k)): clean_text(str(v)) if v is not None else None
            for k, v in raw.items()}
