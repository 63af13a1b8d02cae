"""The coverage an import declares: stored with the import, each row once (docs/coverage.md).

A row's natural key is the whole row (source, issuer kind, State, start, end, completeness):
re-importing a file, or importing its export, finds its rows stored and adds nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from prevention.sources.importers.base import COVERAGE_RECORD_COLUMNS, ParsedImport
from prevention.sources.ingest.cells import as_text, iso_dates
from prevention.sources.ingest.lookup import fetch_in, isin_mask
from prevention.sources.ingest.report import IngestError
from prevention.sources.ingest.rows import RowOutcomes
from triggers.bundle import COMPLETENESS
from triggers.vocabulary import ISSUER_KINDS

COVERAGE_TABLE = sa.table("coverage", *(sa.column(c) for c in [
    *COVERAGE_RECORD_COLUMNS, "import_id", "declared_by", "note", "created_at"]))


def derived_source(parsed: ParsedImport) -> str:
    """The source id of coverage an import declares for itself: kind and file name."""
    return f"{parsed.kind}:{Path(parsed.file_name).name}"


def declared(conn, parsed: ParsedImport, rejected_keys: set[str]) -> pd.DataFrame:
    """The import's coverage rows as stored text, with `key` (the source row, or '')."""
    cov = parsed.coverage
    if cov.empty and parsed.span_coverage:
        cov = _span_of_signals(conn, parsed, rejected_keys)
    frame = pd.DataFrame({c: as_text(cov[c]) if c in cov.columns else ""
                          for c in COVERAGE_RECORD_COLUMNS}).reset_index(drop=True)
    frame["completeness"] = frame["completeness"].where(frame["completeness"] != "", "complete")
    frame["key"] = (cov["source_row"].astype(str).to_numpy() if "source_row" in cov.columns
                    else "")
    _check(parsed, frame)
    return frame


def _check(parsed: ParsedImport, frame: pd.DataFrame) -> None:
    """Declared rows come from parsers (a bundle's coverage.csv was validated by the engine's
    checks already), so a bad one is a parser bug: refuse the import rather than store it."""
    for rec in frame.to_dict("records"):
        bad = (not rec["source"] or rec["issuer_kind"] not in ISSUER_KINDS
               or rec["completeness"] not in COMPLETENESS or not rec["start"] or not rec["end"]
               or rec["end"] < rec["start"])
        if bad:
            raise IngestError(f"{parsed.file_name}: the {parsed.kind!r} importer declared a coverage "
                              f"row that cannot be stored ({rec}); nothing was stored, please "
                              "report it with the file")


def _span_of_signals(conn, parsed: ParsedImport, rejected_keys: set[str]) -> pd.DataFrame:
    """The file's span (first to last signal date) for every issuer kind its signals hold."""
    sig = parsed.signals
    if sig.empty:
        return pd.DataFrame(columns=COVERAGE_RECORD_COLUMNS)
    keys = sig["source_row"].astype(str) if "source_row" in sig.columns else sig["signal_id"]
    sig = sig[~isin_mask(keys, rejected_keys)]
    if sig.empty:
        return pd.DataFrame(columns=COVERAGE_RECORD_COLUMNS)
    days = pd.to_datetime(iso_dates(sig["date"], "a signal date"), format="%Y-%m-%d",
                          errors="coerce").dropna()
    links = parsed.links
    if len(sig) < len(parsed.signals):
        links = links[isin_mask(links["signal_id"], sig["signal_id"])]
    ids = set(links["issuer_id"].unique())
    kind = dict(zip(parsed.issuers["issuer_id"], parsed.issuers["kind"])) if len(parsed.issuers) else {}
    unknown = sorted(ids - set(kind))
    if unknown:
        kind |= {r[0]: r[1] for r in fetch_in(conn, "SELECT issuer_id, kind FROM issuers",
                                              "issuer_id", unknown)}
    kinds = sorted({kind[i] for i in ids if i in kind})
    if days.empty or not kinds:
        return pd.DataFrame(columns=COVERAGE_RECORD_COLUMNS)
    span = ParsedImport(kind=parsed.kind, file_name=parsed.file_name, rows_read=0)
    span.declare(derived_source(parsed), kinds, days.min().strftime("%Y-%m-%d"),
                 days.max().strftime("%Y-%m-%d"), parsed.span_coverage)
    return span.coverage


def store_coverage(conn, frame: pd.DataFrame, rows: RowOutcomes, import_id: int,
                   user: str, now) -> pd.DataFrame:
    """Insert the rows not stored yet; account the file's own rows. Returns the new rows."""
    if frame.empty:
        return frame
    stored = {tuple("" if v is None else str(v) for v in r) for r in conn.execute(sa.text(
        'SELECT source, issuer_kind, country, CAST(start AS TEXT), CAST("end" AS TEXT), '
        "completeness FROM coverage"))}
    key = [tuple(r) for r in frame[COVERAGE_RECORD_COLUMNS].itertuples(index=False)]
    seen: set[tuple] = set()
    new = np.zeros(len(frame), dtype=bool)
    for i, k in enumerate(key):
        if k not in stored and k not in seen:
            new[i] = True
            seen.add(k)
    own = (frame["key"] != "").to_numpy()
    if own.any():
        rows.add(frame.loc[own, "key"], new[own])
    fresh = frame[new]
    if len(fresh):
        conn.execute(sa.insert(COVERAGE_TABLE), [
            {**{c: r[c] for c in COVERAGE_RECORD_COLUMNS}, "import_id": import_id,
             "declared_by": user[:120], "note": "", "created_at": now}
            for r in fresh.to_dict("records")])
    return fresh
