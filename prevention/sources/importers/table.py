"""A generic table of signals kept by hand (CSV, XLSX or JSON records) with a column mapping.

The mapping says which source column holds each bundle field: a dict, or a YAML/JSON file of
`field: column` lines. A value starting with "=" is a constant for every row ("issuer_kind:
=ngo"). Without a mapping, columns named like the bundle fields are used. Fields:

  signal_id   the source's own id (optional)        date        required
  country     name in any UN language, or a code    concern     true/false (default true)
  issuers     issuer ids, ';'-joined                 issuer_name + issuer_kind  instead of ids
  title, url, reference, summary, language          free text

Stable ids (so a re-import or an overlapping file adds nothing): with a signal_id column,
"table:<source>:<id>"; else "table:<source>:<reference>:<country>" when the row has a
reference, else "table:<source>:h<hash of date, country, issuers and title>". `source` is an
option (default "table"): give each family of spreadsheets its own.

Issuers given by name get the id "<kind>-<slug of name>", and NHRIs and NGOs
"<kind>-<iso3>-<slug>", the same ids the NHRI and NGO registries produce; their country is the
signal's country. Large files are read by pandas and checked column by column; each distinct
country name and date text is looked up once.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from prevention.sources import countries
from prevention.sources.importers.base import ParsedImport
from prevention.sources.importers.dates import DateProblem, to_day
from prevention.sources.importers.reference import slug
from prevention.sources.importers.rows import decode, file_problem, read_table
from triggers import days
from triggers.bundle import split_ids
from triggers.csvfile import MAX_FIELD
from triggers.memfiles import as_path
from triggers.problems import Problem
from triggers.vocabulary import ISSUER_KINDS

KIND = "table"
FIELDS = ["signal_id", "date", "country", "issuers", "issuer_name", "issuer_kind", "concern",
          "title", "url", "reference", "summary", "language"]
TEXT_FIELDS = ["title", "url", "reference", "summary", "language"]
_TRUE = {"true", "1", "yes", "y", ""}
_FALSE = {"false", "0", "no", "n"}


class MappingError(ValueError):
    """The mapping itself is wrong; nothing can be read."""


def load_mapping(mapping: dict | str | Path | None) -> dict[str, str] | None:
    if mapping is None or isinstance(mapping, dict):
        return mapping
    path = Path(mapping)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"cannot read the mapping file {path}: {exc}") from None
    try:
        import yaml
        data = yaml.safe_load(text) if path.suffix.lower() in (".yaml", ".yml") else json.loads(text)
    except Exception as exc:  # noqa: BLE001 - any syntax error of either format
        raise MappingError(f"{path.name}: not valid {path.suffix.lstrip('.') or 'JSON'}: {exc}") \
            from None
    if not isinstance(data, dict):
        raise MappingError(f"{path.name}: a mapping maps bundle fields to columns, "
                           "e.g. `date: Date sent`")
    return data


def _check_mapping(mapping: dict, header: list[str]) -> dict[str, str]:
    problems = []
    unknown = [k for k in mapping if k not in FIELDS]
    if unknown:
        problems.append(f"unknown field(s) {', '.join(map(str, unknown))}; allowed: "
                        f"{', '.join(FIELDS)}")
    clean = {str(k): str(v) for k, v in mapping.items() if k in FIELDS and v not in (None, "")}
    missing_cols = [v for v in clean.values() if not v.startswith("=") and v not in header]
    if missing_cols:
        problems.append(f"column(s) {', '.join(map(repr, missing_cols))} not in the file; its "
                        f"columns are {', '.join(map(repr, header))}")
    for need in ("date", "country"):
        if need not in clean:
            problems.append(f"no column for {need!r}")
    if "issuers" not in clean and "issuer_name" not in clean:
        problems.append("no column for the issuers: map 'issuers' (ids) or 'issuer_name' and "
                        "'issuer_kind'")
    if "issuer_name" in clean and "issuer_kind" not in clean:
        problems.append("'issuer_name' needs 'issuer_kind' (a column, or a constant like =ngo; "
                        f"kinds: {', '.join(ISSUER_KINDS)})")
    if problems:
        raise MappingError("the column mapping does not fit this file: " + "; ".join(problems))
    return clean


def _default_mapping(header: list[str]) -> dict[str, str]:
    by_lower = {h.strip().lower(): h for h in header}
    return {f: by_lower[f] for f in FIELDS if f in by_lower}


# --- reading ---------------------------------------------------------------------------------

def _read(path: Path, sheet: str | None, rejected: list[Problem]) \
        -> tuple[pd.DataFrame, np.ndarray, int] | None:
    """(cells as strings or objects, row numbers, rows read) or None when unreadable."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet, rejected)
    if suffix == ".json":
        return _read_json(path, rejected)
    return _read_csv(path, rejected)


def _read_csv(path: Path, rejected: list[Problem]):
    read = read_table(path, rejected)
    if read is None:
        return None
    frame = read.frame
    frame.columns = read.header
    return frame, read.lines, read.rows_read


def _read_xlsx(path: Path, sheet: str | None, rejected: list[Problem]):
    import openpyxl
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        rejected.append(file_problem(path, f"not a readable XLSX workbook ({type(exc).__name__}: "
                                           f"{exc})"))
        return None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            rejected.append(file_problem(path, f"no sheet {sheet!r}; sheets: "
                                               f"{', '.join(book.sheetnames)}"))
            return None
        ws = book[sheet] if sheet else book.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if not header or all(h is None for h in header):
            rejected.append(file_problem(path, "the first row of the sheet must be the header"))
            return None
        header = [str(h).strip() if h is not None else f"column {i + 1}"
                  for i, h in enumerate(header)]
        repeated = sorted({h for h in header if header.count(h) > 1})
        if repeated:
            rejected.append(file_problem(path, f"column(s) {', '.join(map(repr, repeated))} appear "
                                               "more than once in the header row; which one is "
                                               "meant is unclear: rename or remove the extra column"))
            return None
        rows, lines = [], []
        for number, values in enumerate(it, start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue  # blank spreadsheet rows are not rows
            values = list(values)[:len(header)] + [None] * (len(header) - len(values))
            rows.append(["" if v is None else v for v in values])
            lines.append(number)
    finally:
        book.close()
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    return frame, np.asarray(lines, dtype=np.int64), len(rows)


def _read_json(path: Path, rejected: list[Problem]):
    text = decode(path, rejected)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        rejected.append(file_problem(path, f"not valid JSON (line {exc.lineno}: {exc.msg})"))
        return None
    except RecursionError:
        rejected.append(file_problem(path, "JSON nested too deeply to read; records are objects "
                                           "of field: value, a list of them, or "
                                           "{\"records\": [...]}"))
        return None
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        data = data["records"]
    if not isinstance(data, list):
        rejected.append(file_problem(path, "expected a list of records (objects), or "
                                           "{\"records\": [...]}"))
        return None
    header: list[str] = []
    rows, lines, read = [], [], 0
    for number, rec in enumerate(data, start=1):
        read += 1
        if not isinstance(rec, dict):
            rejected.append(Problem(row=number, field=None, value=None, raw={"record": str(rec)[:1000]},
                                     message="not a record: each item must be an object of "
                                            "field: value"))
            continue
        for k in rec:
            if str(k) not in header:
                header.append(str(k))
        try:
            rows.append({str(k): ("" if v is None else v if isinstance(v, (str, int, float, bool))
                                  else json.dumps(v)) for k, v in rec.items()})
        except RecursionError:
            rejected.append(Problem(row=number, field=None, value=None, raw={"record": "(nested too "
                                     "deeply to keep)"}, message="a value nested too deeply to read"))
            continue
        lines.append(number)
    frame = pd.DataFrame(rows, columns=header, dtype=object).fillna("") if rows else \
        pd.DataFrame(columns=header, dtype=object)
    return frame, np.asarray(lines, dtype=np.int64), read


# --- checking ---------------------------------------------------------------------------------

class _RowProblems:
    """The Problems of each row position (the file's lines are put in when the row is
    rejected); a row with any problem is rejected whole, with all of them."""

    def __init__(self, n: int):
        self.bad = np.zeros(n, dtype=bool)
        self.by_row: dict[int, list[Problem]] = {}

    def add(self, mask: np.ndarray, fld: str, values: pd.Series, reason, suggest=None) -> None:
        for pos in np.flatnonzero(mask):
            value = values.iloc[pos]
            text = reason(value) if callable(reason) else reason
            hint = tuple(suggest(value)) if suggest else ()
            self.add_one(int(pos), fld, value, text, hint)

    def add_one(self, pos: int, fld: str, value, reason: str, hint: tuple[str, ...] = ()) -> None:
        self.by_row.setdefault(pos, []).append(
            Problem(field=fld, value=value, message=reason, suggestions=hint))
        self.bad[pos] = True


def _text(frame: pd.DataFrame, column: str | None, text_cells: bool) -> pd.Series:
    """A mapped column; cells stay as read (XLSX gives numbers and dates) unless text."""
    if column is None:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    if column.startswith("="):
        return pd.Series([column[1:]] * len(frame), index=frame.index, dtype=object)
    col = frame[column]
    if text_cells:
        return col.str.strip()
    return col.map(lambda v: v.strip() if isinstance(v, str) else v).astype(object)


def _as_str(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "" if v is None else v if isinstance(v, str) else
                      (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)))


def _dates(values: pd.Series, problems: _RowProblems, text_only: bool) -> pd.Series:
    out = pd.Series([""] * len(values), index=values.index, dtype=object)
    if text_only:
        iso = values.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        # ISO days compare as text: one out of range goes the slow way, which says why.
        iso &= (values >= days.EARLIEST.isoformat()) & (values <= days.latest().isoformat())
        parsed = pd.to_datetime(values.where(iso), format="%Y-%m-%d", errors="coerce")
        ok = iso & parsed.notna()
        out[ok] = values[ok]
        rest = ~ok
    else:
        rest = pd.Series(True, index=values.index)
    cache: dict = {}
    for pos in np.flatnonzero(rest.to_numpy()):
        value = values.iloc[pos]
        key = (type(value), value if not isinstance(value, float) else repr(value))
        if key not in cache:
            try:
                cache[key] = to_day(value)
            except DateProblem as exc:
                cache[key] = exc
        got = cache[key]
        if isinstance(got, DateProblem):
            problems.add_one(int(pos), "date", str(value), str(got))
        else:
            out.iloc[pos] = got
    return out


def parse(path: Path, mapping: dict | str | Path | None = None, source: str = "table",
          sheet: str | None = None, complete: bool = False, **options) -> ParsedImport:
    """Parse a CSV (UTF-8), XLSX or JSON table of signals; see the module docstring.
    `complete`: the user says the file holds everything its source published over its span
    (coverage is then declared complete; otherwise a sample, docs/coverage.md)."""
    if options:
        raise TypeError(f"the table importer takes the options mapping, source, sheet and "
                        f"complete, not {sorted(options)}")
    path = as_path(path)
    rejected: list[Problem] = []
    parsed = ParsedImport(kind=KIND, file_name=str(path), rows_read=0, rejected=rejected,
                          span_coverage="complete" if complete else "sample")
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,60}", source or ""):
        raise ValueError(f"option source={source!r}: use 1-60 letters, digits, '.', '_' or '-'")
    try:
        mapping = load_mapping(mapping)
    except MappingError as exc:
        rejected.append(file_problem(path, str(exc)))
        return parsed
    got = _read(path, sheet, rejected)
    if got is None:
        return parsed
    frame, lines, rows_read = got
    try:
        cols = _check_mapping(mapping if mapping is not None else
                              _default_mapping(list(frame.columns)), list(frame.columns))
    except MappingError as exc:
        # Nothing can be read without a mapping: row problems found while reading are moot.
        parsed.rejected = [r for r in rejected if r.row is None] + [file_problem(path, str(exc))]
        return parsed
    parsed.rows_read = rows_read
    if frame.empty:
        return parsed
    frame = frame.reset_index(drop=True)
    text_cells = path.suffix.lower() not in (".xlsx", ".xlsm", ".json")
    return _build(parsed, frame, lines, cols, source, text_cells)


def _build(parsed: ParsedImport, frame: pd.DataFrame, lines: np.ndarray, cols: dict[str, str],
           source: str, text_cells: bool) -> ParsedImport:
    problems = _RowProblems(len(frame))
    get = {f: _text(frame, cols.get(f), text_cells) for f in FIELDS}
    if not text_cells:
        for f in FIELDS:
            if f != "date":
                get[f] = _as_str(get[f])
            # The CSV reader already refuses oversized cells; XLSX and JSON cells are checked here.
            long = get[f].map(lambda v: isinstance(v, str) and len(v) > MAX_FIELD).to_numpy()
            problems.add(long, f, get[f].map(lambda v: str(v)[:80] + "…"),
                         f"longer than {MAX_FIELD:,} characters; is this the right column?")

    day = _dates(get["date"], problems, text_cells)

    codes, failed = countries.map_names(get["country"])
    bad = codes.eq("").to_numpy()
    problems.add(bad, "country", get["country"],
                 lambda v: failed[v].reason if v in failed else "unknown country",
                 lambda v: failed[v].suggestions if v in failed else ())

    concern_text = get["concern"].str.lower()
    problems.add((~concern_text.isin(_TRUE | _FALSE)).to_numpy(), "concern", get["concern"],
                 "not allowed; write true or false (or yes/no, 1/0); empty means true")
    concern = ~concern_text.isin(_FALSE)

    links, issuer_rows = _issuers(get, codes, problems)

    sid = _signal_ids(get, codes, day, links, source, "signal_id" in cols)
    ok = ~problems.bad
    signals = pd.DataFrame({"signal_id": sid, "date": day, "country": codes,
                            "concern": concern.to_numpy(),
                            **{f: get[f] for f in TEXT_FIELDS}, "source_row": lines})
    parsed.signals = signals[ok].reset_index(drop=True)
    links = links[ok[links["_pos"].to_numpy()]]
    parsed.links = pd.DataFrame({
        "signal_id": sid.iloc[links["_pos"].to_numpy()].reset_index(drop=True),
        "issuer_id": links["issuer_id"].reset_index(drop=True)})
    # Repeated (signal, issuer) pairs are dropped by the ingest step, once for all parsers.
    if issuer_rows is not None:
        keep = issuer_rows[ok[issuer_rows["_pos"].to_numpy()]]
        parsed.issuers = keep.drop(columns="_pos").drop_duplicates("issuer_id") \
            .reset_index(drop=True)
    for pos, plist in sorted(problems.by_row.items()):
        fld, value = plist[0].field, plist[0].value
        hint = next((p.suggestions for p in plist if p.suggestions), ())
        reason = "; ".join(f"{p.field}: {p.message}" for p in plist)
        raw = {str(k): ("" if v is None else str(v)) for k, v in frame.iloc[pos].items()}
        if any(len(v) > MAX_FIELD for v in raw.values()):
            raw = {k: v[:MAX_FIELD] for k, v in raw.items()}
        parsed.rejected.append(Problem(row=int(lines[pos]), field=cols.get(fld, fld),
                                        value=str(value)[:1000], message=reason, raw=raw,
                                        suggestions=tuple(hint)))
    return parsed


def _split(series: pd.Series) -> pd.DataFrame:
    """';'-joined cells -> one row per item: _pos (row position), item."""
    parts = split_ids(series)
    return pd.DataFrame({"_pos": parts.index.to_numpy(dtype=np.int64),
                         "item": parts.reset_index(drop=True)})


def _issuers(get: dict[str, pd.Series], codes: pd.Series, problems: _RowProblems):
    """(links as _pos, issuer_id; issuer rows made from names, with _pos, or None)."""
    by_id = _split(get["issuers"]).rename(columns={"item": "issuer_id"})
    by_name = _split(get["issuer_name"])
    has = np.zeros(len(codes), dtype=bool)
    has[by_id["_pos"].to_numpy()] = True
    has[by_name["_pos"].to_numpy()] = True
    problems.add(~has, "issuers", get["issuers"], "no issuer; give issuer ids (';'-joined) "
                                                  "or an issuer name and kind")
    if by_name.empty:
        return by_id, None
    kinds = get["issuer_kind"].str.strip().str.lower().str.replace(" ", "_")
    named_rows = np.zeros(len(codes), dtype=bool)
    named_rows[by_name["_pos"].to_numpy()] = True
    bad_kind = named_rows & ~kinds.isin(ISSUER_KINDS).to_numpy()
    problems.add(bad_kind, "issuer_kind", get["issuer_kind"],
                 f"unknown issuer kind; allowed: {', '.join(ISSUER_KINDS)}")
    pos = by_name["_pos"].to_numpy()
    kind = kinds.to_numpy()[pos].astype(str)
    code = codes.to_numpy()[pos].astype(str)
    national = np.isin(kind, ["nhri", "ngo"])
    slugs = by_name["item"].map({n: slug(n) for n in by_name["item"].unique()}).to_numpy()
    iid = np.where(national, pd.Series(kind) + "-" + pd.Series(code).str.lower() + "-" + slugs,
                   pd.Series(kind) + "-" + slugs)
    rows = pd.DataFrame({"issuer_id": iid, "name": by_name["item"].to_numpy(), "kind": kind,
                         "country": np.where(national, code, ""),
                         "accreditation": np.where(national, "none", ""),
                         "scope": np.where(national, "national", ""), "_pos": pos})
    links = pd.concat([by_id, rows[["_pos", "issuer_id"]]], ignore_index=True)
    return links, rows


def _signal_ids(get, codes, day, links, source: str, has_id: bool) -> pd.Series:
    prefix = "table:" + source + ":"
    if has_id:
        sid = prefix + get["signal_id"]
        need = get["signal_id"].eq("").to_numpy()
    else:
        sid = prefix + get["reference"] + ":" + codes
        need = get["reference"].eq("").to_numpy()
    if need.any():
        sid = sid.copy()
        sid[need] = _hashed(get, codes, day, links, prefix, need)
    return sid


def _hashed(get, codes, day, links, prefix: str, need: np.ndarray) -> list[str]:
    """Ids of rows without an id or reference: a hash of what makes the signal itself."""
    sub = links[need[links["_pos"].to_numpy()]]
    joined = sub.groupby("_pos")["issuer_id"].agg(lambda v: ";".join(sorted(v)))
    rows = np.flatnonzero(need)
    keys = [f"{d}|{c}|{joined.get(pos, '')}|{t}" for pos, d, c, t in zip(
        rows, day.iloc[rows], codes.iloc[rows], get["title"].iloc[rows])]
    return [prefix + "h" + hashlib.sha1(k.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            for k in keys]
