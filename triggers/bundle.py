"""The signal bundle: read, validate and write the folder of CSV files the product exchanges.

Validation is lazy: every problem in every file is collected, with the file, the row (the
line number a spreadsheet shows, header = 1), the field, the value and what is allowed, and
reported together in one BundleError. See docs/bundle.md for the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from triggers.vocabulary import (
    COUNTRY_CODES,
    ISSUER_KINDS,
    NGO_SCOPES,
    NGO_STATUSES,
    NHRI_STATUSES,
)

SIGNAL_COLUMNS = ["signal_id", "date", "country", "issuers", "concern", "title", "url",
                  "reference", "summary", "language", "category"]
SIGNAL_REQUIRED = ["signal_id", "date", "country", "issuers"]
ISSUER_COLUMNS = ["issuer_id", "name", "kind", "country", "accreditation", "scope"]
ISSUER_REQUIRED = ["issuer_id", "name", "kind"]
MEMBERSHIP_COLUMNS = ["org_id", "country", "since", "until"]
MEMBERSHIP_REQUIRED = ["org_id", "country"]
COVERAGE_COLUMNS = ["source", "issuer_kind", "country", "start", "end", "completeness"]
COVERAGE_REQUIRED = ["source", "issuer_kind", "start", "end"]
COMPLETENESS = ("complete", "sample")

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    field: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row is not None else "")
        where += f", field {self.field!r}" if self.field else ""
        shown = "" if self.value is None else f" {_clip(self.value)!r}"
        return f"{where}:{shown} {self.message}"


def _clip(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class BundleError(Exception):
    """Every problem found in a bundle; nothing was read."""

    def __init__(self, problems: list[Problem], source: str = "bundle", shown: int = 50):
        self.problems = sorted(problems, key=lambda p: (p.file, p.row or 0))
        problems = self.problems
        self.source = source
        lines = [f"{len(problems)} problem(s) in {source}; fix them and read the bundle again:"]
        lines += [f"  {p}" for p in problems[:shown]]
        if len(problems) > shown:
            lines.append(f"  ... and {len(problems) - shown} more")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Bundle:
    """Validated frames. Dates are datetime64[ns] days; `until` is exclusive (NaT = open)."""

    signals: pd.DataFrame
    issuers: pd.DataFrame
    links: pd.DataFrame  # one row per distinct (signal_id, issuer_id)
    memberships: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"org_id": pd.Series(dtype=str), "country": pd.Series(dtype=str),
             "since": pd.Series(dtype="datetime64[ns]"), "until": pd.Series(dtype="datetime64[ns]")}
        )
    )
    duplicates: int = 0  # exact repeats of earlier rows, counted once
    # What was searched (coverage.csv): source, issuer_kind, country ("" = every State),
    # start, end (days, both included), completeness. None: the bundle has no coverage.csv,
    # which reads as complete for every kind over all time (docs/criteria.md, "Coverage").
    coverage: pd.DataFrame | None = None

    @property
    def countries(self) -> list[str]:
        return sorted(self.signals["country"].unique())

    @property
    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        if self.signals.empty:
            return None
        return self.signals["date"].min(), self.signals["date"].max()


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def rows(self, file: str, frame: pd.DataFrame, mask, fld: str, message: str) -> None:
        """Record one problem per row where mask is true."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        values = frame.loc[mask, fld] if fld in frame.columns else pd.Series([None] * mask.sum())
        for line, value in zip(frame.index[mask], values):
            self.problems.append(Problem(file, int(line), fld, value, message))

    def add(self, *args) -> None:
        self.problems.append(Problem(*args))


def _read_csv(path: Path, name: str, columns: list[str], required: list[str],
              errors: _Collector) -> pd.DataFrame | None:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        errors.add(name, None, None, None, f"file not found at {path}")
        return None
    except UnicodeDecodeError as exc:
        errors.add(name, None, None, None,
                   f"not UTF-8 (byte {exc.start}); save the file as UTF-8 CSV")
        return None
    return _frame_from_text(text, name, columns, required, errors)


def _frame_from_text(text: str, name: str, columns: list[str], required: list[str],
                     errors: _Collector) -> pd.DataFrame | None:
    import io

    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            skipinitialspace=False)
    except pd.errors.EmptyDataError:
        errors.add(name, None, None, None, f"empty file; expected a header row with {', '.join(required)}")
        return None
    except pd.errors.ParserError as exc:
        errors.add(name, None, None, None, f"not a readable CSV file: {exc}")
        return None
    return _conform(frame, name, columns, required, errors)


def _conform(frame: pd.DataFrame, name: str, columns: list[str], required: list[str],
             errors: _Collector) -> pd.DataFrame | None:
    """Check the header, add absent optional columns, strip cells, number rows as lines."""
    frame = frame.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        # One problem per column, named in `field`, so a report can point at each one; the
        # message still lists them all, as callers and their users read it.
        for column in missing:
            errors.add(name, 1, column, None,
                       f"missing column(s) {', '.join(missing)}; the header must have {', '.join(required)}"
                       f" (optional: {', '.join(c for c in columns if c not in required)})")
        return None
    unknown = [c for c in frame.columns if c not in columns]
    if unknown:
        errors.add(name, 1, None, ", ".join(unknown),
                   f"unknown column(s); allowed: {', '.join(columns)}")
    for c in columns:
        if c not in frame.columns:
            frame[c] = ""
    frame = frame[columns].apply(lambda s: s.str.strip())
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # spreadsheet line numbers
    return frame


def _parse_dates(file: str, frame: pd.DataFrame, fld: str, errors: _Collector,
                 required: bool) -> pd.Series:
    text = frame[fld]
    empty = text == ""
    shaped = text.str.match(_DATE_RE)
    parsed = pd.to_datetime(text.where(shaped & ~empty), format="%Y-%m-%d", errors="coerce")
    bad = ~empty & parsed.isna()
    errors.rows(file, frame, bad, fld, "not a date; write it as YYYY-MM-DD (ISO 8601 day)")
    if required:
        errors.rows(file, frame, empty, fld, "a date is required (YYYY-MM-DD)")
    return parsed.astype("datetime64[ns]")


def _check_countries(file: str, frame: pd.DataFrame, fld: str, errors: _Collector,
                     required_mask) -> None:
    codes = frame[fld]
    empty = (codes == "").to_numpy()
    known = codes.isin(COUNTRY_CODES).to_numpy()
    lower_ok = known.copy()
    if not known.all():
        others = ~known
        lower_ok[others] = codes[others].str.upper().isin(COUNTRY_CODES).to_numpy()
    errors.rows(file, frame, ~empty & ~known & lower_ok, fld,
                "country codes are upper case ISO 3166-1 alpha-3 (e.g. SYR)")
    errors.rows(file, frame, ~empty & ~lower_ok, fld,
                "unknown country code; use ISO 3166-1 alpha-3 (e.g. SYR, CIV), or XKX for Kosovo")
    errors.rows(file, frame, empty & np.asarray(required_mask, bool), fld,
                "a country code is required (ISO 3166-1 alpha-3)")


def _dedupe(file: str, frame: pd.DataFrame, key: str, errors: _Collector) -> tuple[pd.DataFrame, int]:
    """Drop exact repeats; a repeated key with different content is an error."""
    if frame[key].is_unique:
        return frame, 0  # an exact repeat repeats its key: nothing more to compare
    exact = frame.duplicated(keep="first")
    frame_u = frame[~exact]
    clash = frame_u[key].duplicated(keep="first")
    if clash.any():
        first_line = frame_u[~frame_u[key].duplicated(keep="first")].reset_index().set_index(key)["index"]
        for line, value in zip(frame_u.index[clash.to_numpy()], frame_u.loc[clash, key]):
            errors.add(file, int(line), key, value,
                       f"already defined on row {int(first_line[value])} with different content; "
                       f"each {key} must be unique (an exact repeat is counted once)")
    return frame_u[~clash.to_numpy()], int(exact.sum())


def _check_issuers(frame: pd.DataFrame, errors: _Collector) -> pd.DataFrame:
    f = "issuers.csv"
    errors.rows(f, frame, frame["issuer_id"] == "", "issuer_id", "an issuer_id is required")
    errors.rows(f, frame, frame["issuer_id"].str.contains(";", regex=False), "issuer_id",
                "an issuer_id cannot contain ';' (it separates issuers in signals.csv)")
    errors.rows(f, frame, frame["name"] == "", "name", "a name is required")
    kind = frame["kind"]
    errors.rows(f, frame, ~kind.isin(ISSUER_KINDS), "kind",
                f"unknown kind; allowed: {', '.join(ISSUER_KINDS)}")
    national = kind.isin(["nhri", "ngo"])
    _check_countries(f, frame, "country", errors, required_mask=national)
    acc = frame["accreditation"]
    errors.rows(f, frame, (kind == "nhri") & (acc != "") & ~acc.isin(NHRI_STATUSES),
                "accreditation", f"NHRI accreditation must be one of {', '.join(NHRI_STATUSES)}")
    errors.rows(f, frame, (kind == "ngo") & (acc != "") & ~acc.isin(NGO_STATUSES),
                "accreditation", f"NGO ECOSOC status must be one of {', '.join(NGO_STATUSES)}")
    scope = frame["scope"]
    errors.rows(f, frame, (scope != "") & ~scope.isin(NGO_SCOPES), "scope",
                f"scope must be one of {', '.join(NGO_SCOPES)} (or empty)")
    out = frame.copy()
    # An unaccredited NHRI or NGO is written "none"; an empty cell means the same.
    out.loc[national & (acc == ""), "accreditation"] = "none"
    return out


def _check_signals(frame: pd.DataFrame, issuer_ids: set[str] | None,
                   errors: _Collector) -> tuple[pd.DataFrame, pd.DataFrame]:
    f = "signals.csv"
    errors.rows(f, frame, frame["signal_id"] == "", "signal_id", "a signal_id is required")
    dates = _parse_dates(f, frame, "date", errors, required=True)
    _check_countries(f, frame, "country", errors, required_mask=np.ones(len(frame), bool))
    concern_text = frame["concern"].str.lower()
    bad_concern = ~(concern_text.isin(_TRUE | _FALSE) | (concern_text == ""))
    errors.rows(f, frame, bad_concern, "concern", "must be true or false (empty means true)")
    concern = ~concern_text.isin(_FALSE)

    links = split_ids(frame["issuers"])
    no_issuer = ~frame.index.isin(links.index)
    errors.rows(f, frame, no_issuer, "issuers",
                "at least one issuer id is required (ids from issuers.csv joined by ';')")
    if issuer_ids is not None:
        unknown = ~links.isin(issuer_ids)
        for line, value in zip(links.index[unknown.to_numpy()], links[unknown]):
            errors.add(f, int(line), "issuers", value,
                       "unknown issuer id; add it to issuers.csv or correct the id")
    signals = frame.drop(columns=["issuers"]).assign(date=dates, concern=concern)
    # Signal ids are unique here (see _dedupe), so a repeated (row, issuer) pair is a repeated
    # link; comparing integer codes is far cheaper than comparing pairs of id strings.
    rows = links.index.to_numpy()
    issuer_code = pd.factorize(links)[0].astype(np.int64)
    repeat = pd.Series(rows.astype(np.int64) * (int(issuer_code.max(initial=0)) + 1)
                       + issuer_code).duplicated().to_numpy()
    at = frame.index.get_indexer(rows[~repeat])
    link_frame = pd.DataFrame({"signal_id": frame["signal_id"].iloc[at].reset_index(drop=True),
                               "issuer_id": links[~repeat].reset_index(drop=True)})
    return signals, link_frame


def split_ids(cells: pd.Series) -> pd.Series:
    """';'-joined cells ('a; b') as one stripped, non-empty id per row, indexed by the cell's
    row, in row order. Arrow compute does this in C: a Python split per cell was most of the
    time of validating a million signals."""
    lists = pc.split_pattern(pa.array(cells.fillna("")), ";")
    ids = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    keep = pc.not_equal(ids, "")
    rows = cells.index.to_numpy()[pc.filter(pc.list_parent_indices(lists), keep).to_numpy()]
    return pd.Series(pd.array(pc.filter(ids, keep), dtype=str), index=rows)


def _check_memberships(frame: pd.DataFrame, errors: _Collector) -> pd.DataFrame:
    f = "memberships.csv"
    errors.rows(f, frame, frame["org_id"] == "", "org_id", "an org_id is required")
    _check_countries(f, frame, "country", errors, required_mask=np.ones(len(frame), bool))
    since = _parse_dates(f, frame, "since", errors, required=False)
    until = _parse_dates(f, frame, "until", errors, required=False)
    errors.rows(f, frame, (since.notna() & until.notna() & (until <= since)).to_numpy(), "until",
                "until must be after since (until is the first day the State is no longer a member)")
    return frame.assign(since=since, until=until).drop_duplicates().reset_index(drop=True)


def _check_coverage(frame: pd.DataFrame, errors: _Collector) -> pd.DataFrame:
    f = "coverage.csv"
    errors.rows(f, frame, frame["source"] == "", "source",
                "a source id is required (e.g. undl-2025-10): it names what was searched")
    kind = frame["issuer_kind"]
    errors.rows(f, frame, kind == "", "issuer_kind",
                f"an issuer_kind is required; allowed: {', '.join(ISSUER_KINDS)}")
    errors.rows(f, frame, (kind != "") & ~kind.isin(ISSUER_KINDS), "issuer_kind",
                f"unknown kind; allowed: {', '.join(ISSUER_KINDS)}")
    # An empty country is a row for every State, so it is allowed; a bad code is not.
    _check_countries(f, frame, "country", errors, required_mask=np.zeros(len(frame), bool))
    start = _parse_dates(f, frame, "start", errors, required=True)
    end = _parse_dates(f, frame, "end", errors, required=True)
    errors.rows(f, frame, (start.notna() & end.notna() & (end < start)).to_numpy(), "end",
                "end must be on or after start (both days are included)")
    completeness = frame["completeness"]
    errors.rows(f, frame, (completeness != "") & ~completeness.isin(COMPLETENESS), "completeness",
                f"must be one of {', '.join(COMPLETENESS)} (empty means complete)")
    out = frame.assign(start=start, end=end,
                       completeness=completeness.where(completeness != "", "complete"))
    return out.drop_duplicates().reset_index(drop=True)


def validate_coverage(coverage: pd.DataFrame, source: str = "coverage") -> pd.DataFrame:
    """Check coverage rows on their own (rows a user declares), or raise BundleError."""
    errors = _Collector()
    frame = _normalise(coverage, "coverage.csv", COVERAGE_COLUMNS, COVERAGE_REQUIRED, errors)
    if frame is not None:
        frame = _check_coverage(frame, errors)
    if errors.problems:
        raise BundleError(errors.problems, source)
    return frame


def validate_frames(signals: pd.DataFrame, issuers: pd.DataFrame,
                    memberships: pd.DataFrame | None = None, source: str = "bundle", *,
                    coverage: pd.DataFrame | None = None, unique_ids: bool = False) -> Bundle:
    """Validate raw string frames (bundle column names) and build a Bundle, or raise BundleError.
    `unique_ids`: the caller has found every signal_id and issuer_id unique already (an
    import does, to place repeated rows), so the repeat check is skipped: it is the costliest
    check of a million signals."""
    errors = _Collector()
    sig = _normalise(signals, "signals.csv", SIGNAL_COLUMNS, SIGNAL_REQUIRED, errors)
    iss = _normalise(issuers, "issuers.csv", ISSUER_COLUMNS, ISSUER_REQUIRED, errors)
    mem = (None if memberships is None else
           _normalise(memberships, "memberships.csv", MEMBERSHIP_COLUMNS, MEMBERSHIP_REQUIRED, errors))
    cov = (None if coverage is None else
           _normalise(coverage, "coverage.csv", COVERAGE_COLUMNS, COVERAGE_REQUIRED, errors))
    return _build(sig, iss, mem, errors, source, unique_ids, cov)


def _normalise(frame, name, columns, required, errors) -> pd.DataFrame | None:
    as_text = pd.DataFrame({col: _as_text(frame[col]) for col in frame.columns})
    return _conform(as_text.reset_index(drop=True), name, columns, required, errors)


def _as_text(col: pd.Series) -> pd.Series:
    """A column as strings, '' for missing. Columns that already hold strings are not
    converted: a round trip through Python objects costs more than all the checks."""
    if pd.api.types.is_datetime64_any_dtype(col):
        return col.dt.strftime("%Y-%m-%d").fillna("").astype(str)
    if pd.api.types.is_bool_dtype(col):
        return pd.Series(np.where(col, "true", "false"), index=col.index, dtype=str)
    if isinstance(col.dtype, pd.StringDtype):
        return col.fillna("").astype(str) if col.hasnans else col.astype(str)
    return col.astype(object).where(col.notna(), "").astype(str)


def read_bundle(path: str | Path) -> Bundle:
    """Read and validate a bundle folder, or raise BundleError listing every problem."""
    path = Path(path)
    errors = _Collector()
    if not path.is_dir():
        raise BundleError([Problem(str(path), None, None, None,
                                   "not a folder; a bundle is a folder with signals.csv and issuers.csv")],
                          source=str(path))
    sig = _read_csv(path / "signals.csv", "signals.csv", SIGNAL_COLUMNS, SIGNAL_REQUIRED, errors)
    iss = _read_csv(path / "issuers.csv", "issuers.csv", ISSUER_COLUMNS, ISSUER_REQUIRED, errors)
    mem = None
    if (path / "memberships.csv").exists():
        mem = _read_csv(path / "memberships.csv", "memberships.csv", MEMBERSHIP_COLUMNS,
                        MEMBERSHIP_REQUIRED, errors)
    cov = None
    if (path / "coverage.csv").exists():
        # Present but unreadable is a problem reported (and so raised), never read as absent.
        cov = _read_csv(path / "coverage.csv", "coverage.csv", COVERAGE_COLUMNS,
                        COVERAGE_REQUIRED, errors)
    return _build(sig, iss, mem, errors, str(path), coverage=cov)


def _build(sig, iss, mem, errors: _Collector, source: str, unique_ids: bool = False,
           coverage: pd.DataFrame | None = None) -> Bundle:
    duplicates = 0
    issuer_ids = None
    if iss is not None:
        if not unique_ids:
            iss, dup = _dedupe("issuers.csv", iss, "issuer_id", errors)
            duplicates += dup
        iss = _check_issuers(iss, errors)
        issuer_ids = set(iss["issuer_id"])
    links = None
    if sig is not None:
        if not unique_ids:
            sig, dup = _dedupe("signals.csv", sig, "signal_id", errors)
            duplicates += dup
        sig, links = _check_signals(sig, issuer_ids, errors)
    memberships = _check_memberships(mem, errors) if mem is not None else None
    if coverage is not None:
        coverage = _check_coverage(coverage, errors)
    if errors.problems:
        raise BundleError(errors.problems, source)
    kwargs = {} if memberships is None else {"memberships": memberships}
    return Bundle(signals=sig.reset_index(drop=True), issuers=iss.reset_index(drop=True),
                  links=links.reset_index(drop=True), duplicates=duplicates, coverage=coverage,
                  **kwargs)


def write_bundle(bundle: Bundle, path: str | Path) -> Path:
    """Write a bundle folder that read_bundle reads back to the same frames."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    joined = (bundle.links.groupby("signal_id", sort=False)["issuer_id"]
              .agg(lambda ids: ";".join(sorted(ids))))
    signals = bundle.signals.assign(
        date=bundle.signals["date"].dt.strftime("%Y-%m-%d"),
        concern=np.where(bundle.signals["concern"], "true", "false"),
        issuers=bundle.signals["signal_id"].map(joined).fillna(""),
    )[SIGNAL_COLUMNS].sort_values(["date", "signal_id"])
    signals.to_csv(path / "signals.csv", index=False)
    bundle.issuers[ISSUER_COLUMNS].sort_values("issuer_id").to_csv(path / "issuers.csv", index=False)
    mem = bundle.memberships
    if not mem.empty:
        mem.assign(since=mem["since"].dt.strftime("%Y-%m-%d").fillna(""),
                   until=mem["until"].dt.strftime("%Y-%m-%d").fillna(""))[MEMBERSHIP_COLUMNS] \
            .sort_values(MEMBERSHIP_COLUMNS).to_csv(path / "memberships.csv", index=False)
    if bundle.coverage is not None:
        # Written even when empty: a header-only coverage.csv says "nothing was searched",
        # which is not what a bundle without the file says.
        cov = bundle.coverage
        cov.assign(start=cov["start"].dt.strftime("%Y-%m-%d"),
                   end=cov["end"].dt.strftime("%Y-%m-%d"))[COVERAGE_COLUMNS] \
            .sort_values(COVERAGE_COLUMNS).to_csv(path / "coverage.csv", index=False)
    return path
