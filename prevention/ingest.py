"""Store a parsed file: one transaction, natural keys, every row accounted for.

`store()` takes a `ParsedImport` (see importers/base.py) and writes, inside ONE transaction,
the import row, the new records, the quarantined rows and the counts. An exception, a crash or
a killed process before the commit leaves the database exactly as it was.

Each data row of the file ends in one bucket:
- accepted: at least one of its records is new;
- duplicate: every record it yields is already stored with the same content (re-importing the
  same or an overlapping file adds nothing);
- quarantined: the parser rejected it, or one of its records has a stored key with different
  content (the stored record wins; the row waits in quarantine with the reason);
- skipped: out of scope (the parser says why).

A row is all or nothing: when one record of a row is quarantined, none of its records is stored,
so a fixed row re-submitted later brings all of them in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from prevention import audit
from prevention.db import get_engine
from prevention.frames import bump_version, invalidate
from prevention.importers.base import ParsedImport, Rejected
from prevention.models.core import Import, QuarantinedRow
from prevention.settings import get_settings

# (stage, done, total): called after each written batch, so a CLI or page can show progress.
Progress = Callable[[str, int, int], None]

SIGNAL_FIELDS = ["date", "country", "concern", "title", "url", "reference", "summary", "language"]
ISSUER_FIELDS = ["name", "kind", "country", "accreditation", "scope"]
SHOWN_PROBLEMS = 200  # problems kept in the import row's summary; all are in quarantine
MAX_BOUND = 999  # values bound per statement: SQLite's smallest compiled-in limit

# Bulk INSERTs skip SQLAlchemy's per-value bind processing, which would otherwise dominate a
# million-row import: big frames go in as tuples (`_Writer.insert_frame`), small ones through
# these untyped table clauses. Dates go in as ISO text, the form SQLAlchemy's Date type stores
# on SQLite and PostgreSQL casts on input.
_issuers = sa.table("issuers", *(sa.column(c) for c in ["issuer_id", *ISSUER_FIELDS, "import_id"]))
_accreditations = sa.table("issuer_accreditations", *(sa.column(c) for c in
                           ["issuer_id", "status", "scope", "reviewed_on", "import_id"]))


class IngestError(Exception):
    """The import could not be stored; nothing was written. The message says what to do."""


@dataclass
class ImportReport:
    """What happened to every row of one import; the counts always add up to rows_read."""

    import_id: int | None
    kind: str
    file_name: str
    sha256: str
    rows_read: int
    accepted: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped: int = 0
    skipped_by_reason: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # file-level first, then by row
    problem_count: int = 0
    notes: list[str] = field(default_factory=list)  # things stored differently than given

    @property
    def read_anything(self) -> bool:
        """False when the file could not be read at all (the CLI exits with 2)."""
        return self.import_id is not None

    def to_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        skipped = "".join(f"\n    {n} {reason}" for reason, n in self.skipped_by_reason.items())
        lines = [f"{self.file_name} ({self.kind}): {self.rows_read} rows read",
                 f"  accepted    {self.accepted}", f"  duplicates  {self.duplicates}",
                 f"  quarantined {self.quarantined}", f"  skipped     {self.skipped}{skipped}"]
        if self.import_id is not None:
            lines.insert(1, f"  import #{self.import_id}, sha256 {self.sha256[:12]}")
        if self.problem_count:
            lines.append(f"{self.problem_count} problem(s):")
            lines += [f"  {p}" for p in self.problems]
            if self.problem_count > len(self.problems):
                lines.append(f"  ... and {self.problem_count - len(self.problems)} more "
                             "(all are in the quarantine)")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, or of a folder's files (names and contents, in name order)."""
    path = Path(path)
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            digest.update(str(f.relative_to(path)).encode() + b"\0")
        try:
            with f.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# Row bookkeeping


def row_key(source_row) -> str:
    """The accounting key of a record's source row ("12", or "signals.csv:12" in a bundle)."""
    return str(source_row)


def rejected_key(r: Rejected) -> str | None:
    if r.row is None:
        return None
    where = r.raw.get("_file") if isinstance(r.raw, dict) else None
    return f"{where}:{r.row}" if where else str(r.row)


@dataclass
class _Conflict:
    key: str
    field: str | None
    value: str | None
    reason: str
    raw: dict


class _Rows:
    """Outcome per source row: 0 duplicate, 1 accepted, 2 quarantined."""

    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []
        self.conflicts: dict[str, _Conflict] = {}

    def add(self, keys: Iterable[str], new: Iterable[bool]) -> None:
        keys = keys.to_numpy(dtype=object) if isinstance(keys, pd.Series) else list(keys)
        self.frames.append(pd.DataFrame({"key": pd.Series(keys, dtype=object),
                                         "state": np.asarray(new, dtype=np.int8)}))

    def conflict(self, c: _Conflict) -> None:
        self.conflicts.setdefault(c.key, c)

    def states(self) -> pd.Series:
        frames = [f for f in self.frames if len(f)]
        if frames:
            states = pd.concat(frames).groupby("key", sort=False)["state"].max()
        else:
            states = pd.Series(dtype=np.int8)
        if self.conflicts:
            states = states.copy()
            for k in self.conflicts:
                states[k] = 2
        return states


# ---------------------------------------------------------------------------------------------
# Normalising parser frames


def _arrow_text(series: pd.Series) -> pd.Series:
    """Stripped Arrow-backed strings, '' for missing: the checks run in Arrow compute, with
    no Python call per cell."""
    if not isinstance(series.dtype, pd.StringDtype):
        series = series.astype(object).where(series.notna(), "").astype(str)
    text = series.fillna("").str.strip()
    if _may_hold_nul(text) and text.str.contains("\x00", regex=False).any():
        text = text.map(_clean_text).astype(str)
    return text


def _may_hold_nul(text: pd.Series) -> bool:
    """False when no string of `text` holds a NUL character: a NUL byte in UTF-8 is only ever
    that character, so one scan of Arrow's character buffers answers for the whole column,
    far faster than searching each string."""
    values = pa.array(text)
    for chunk in values.chunks if isinstance(values, pa.ChunkedArray) else [values]:
        data = chunk.buffers()[2]
        if data is not None and not np.frombuffer(data, dtype=np.uint8).all():
            return True
    return False


def _text(series: pd.Series) -> pd.Series:
    """Stripped Python strings in an object column: hash lookups (isin, duplicated) on
    object columns are an order of magnitude faster than on Arrow-backed strings, and the
    database driver takes Python strings anyway."""
    return _arrow_text(series).astype(object)


_TRUE = {"true", "1", "yes", ""}


def _concern(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=bool)
    return _text(series).str.lower().isin(_TRUE).to_numpy()


def _iso_dates(series: pd.Series, what: str) -> pd.Series:
    """Dates as YYYY-MM-DD text ('' for none); a parser that passed anything else has a bug."""
    if pd.api.types.is_datetime64_any_dtype(series):
        # Arrow's cast is C; strftime formats one Python call per day.
        days = pc.cast(pc.cast(pc.floor_temporal(pa.array(series), unit="day"), pa.date32()),
                       pa.string())
        return pd.Series(pc.fill_null(days, "").to_numpy(zero_copy_only=False),
                         index=series.index, dtype=object)
    text = _arrow_text(series)
    ok = (text == "") | text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    if not ok.all():
        bad = text[~ok].iloc[0]
        raise IngestError(f"the parser passed {what} {bad!r}, not YYYY-MM-DD; this is a bug in "
                          "the importer, please report it with the file")
    return text.astype(object)


def _signals_frame(parsed: ParsedImport) -> pd.DataFrame:
    sig = parsed.signals
    out = pd.DataFrame({"signal_id": _text(sig["signal_id"])})
    out["date"] = _iso_dates(sig["date"], "a signal date")
    for c in ["country", "title", "url", "reference", "summary", "language"]:
        out[c] = _text(sig[c]) if c in sig.columns else ""
    out["concern"] = _concern(sig["concern"]) if "concern" in sig.columns else True
    out["key"] = pd.Series(sig["source_row"].astype(str).to_numpy(dtype=object)
                           if "source_row" in sig.columns else out["signal_id"].to_numpy(),
                           dtype=object, index=out.index)
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Looking up what is stored


def _isin(series, values) -> np.ndarray:
    """series.isin(values) as a boolean array, skipping the hashing when values is empty."""
    if len(values) == 0:
        return np.zeros(len(series), dtype=bool)
    return np.asarray(series.isin(values), dtype=bool)


def _chunks(values: list, size: int = 900) -> Iterable[list]:
    # 900 stays under SQLite's default limit of 999 bound parameters per statement.
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _stored_ids(conn: Connection, table: str, column: str, ids: np.ndarray) -> set[str]:
    """Which of `ids` are stored; reads the whole key column when that is cheaper."""
    if len(ids) == 0:
        return set()
    total = conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    if total == 0:
        return set()
    unique = pd.unique(ids)
    if len(unique) > total / 20:
        stored = pd.Index([r[0] for r in conn.execute(sa.text(f"SELECT {column} FROM {table}"))])
        return set(pd.Index(unique)[pd.Index(unique).isin(stored)])
    found: set[str] = set()
    for chunk in _chunks(list(unique)):
        stmt = sa.text(f"SELECT {column} FROM {table} WHERE {column} IN :ids") \
            .bindparams(sa.bindparam("ids", expanding=True))
        found.update(r[0] for r in conn.execute(stmt, {"ids": chunk}))
    return found


def _fetch_in(conn: Connection, sql: str, column: str, ids: list[str]) -> list[tuple]:
    rows: list[tuple] = []
    for chunk in _chunks(ids):
        stmt = sa.text(f"{sql} WHERE {column} IN :ids").bindparams(
            sa.bindparam("ids", expanding=True))
        rows += [tuple(r) for r in conn.execute(stmt, {"ids": chunk})]
    return rows


def stored_issuer_ids(engine: Engine | None = None) -> set[str]:
    with (engine or get_engine()).connect() as conn:
        return {r[0] for r in conn.execute(sa.text("SELECT issuer_id FROM issuers"))}


# ---------------------------------------------------------------------------------------------
# Writing


class _Writer:
    def __init__(self, conn: Connection, import_id: int, progress: Progress | None):
        self.conn = conn
        self.import_id = import_id
        self.progress = progress
        self.batch = get_settings().import_batch_size
        self.pending: list[Callable[[], None]] = []
        self.blocked: set[str] = set()
        self.placeholder = "?" if conn.dialect.paramstyle == "qmark" else "%s"

    def insert(self, stage: str, table, records: list) -> None:
        """INSERT in batches through Core executemany, reporting progress per batch.
        `table` is a Table/TableClause with dict records, or a table name with tuples in
        `table_columns` order (the fast path for big frames: no per-row processing)."""
        total = len(records)
        if isinstance(table, tuple):
            name, columns = table
            sql = (f"INSERT INTO {name} ({', '.join(columns)}) "
                   f"VALUES ({', '.join([self.placeholder] * len(columns))})")
        for start in range(0, total, self.batch):
            chunk = records[start:start + self.batch]
            if isinstance(table, tuple):
                self.conn.exec_driver_sql(sql, chunk)
            else:
                self.conn.execute(sa.insert(table), chunk)
            if self.progress:
                self.progress(stage, min(start + self.batch, total), total)

    def insert_frame(self, stage: str, name: str, frame: pd.DataFrame, columns: list[str],
                     **constants) -> None:
        """INSERT a big frame as multi-row statements (up to MAX_BOUND values each) through
        executemany: a fraction of the statements to step through, and no tuple per row, make
        a million-row insert about a third faster than one statement per row."""
        names = [*columns, *constants]
        total = len(frame)
        if total == 0:
            return
        grid = np.empty((total, len(names)), dtype=object)
        for j, c in enumerate(columns):
            grid[:, j] = frame[c].to_numpy(dtype=object)
        for j, value in enumerate(constants.values(), start=len(columns)):
            grid[:, j] = value
        per = max(1, MAX_BOUND // len(names))  # rows per statement
        row = "(" + ", ".join([self.placeholder] * len(names)) + ")"
        head = f"INSERT INTO {name} ({', '.join(names)}) VALUES "
        whole = total // per * per
        step = max(per, self.batch // per * per)  # rows per executemany (and progress report)
        for start in range(0, whole, step):
            stop = min(start + step, whole)
            block = grid[start:stop].reshape(-1, per * len(names))
            self.conn.exec_driver_sql(head + ", ".join([row] * per),
                                      list(map(tuple, block.tolist())))
            if self.progress:
                self.progress(stage, stop, total)
        if whole < total:
            rest = grid[whole:]
            self.conn.exec_driver_sql(head + ", ".join([row] * len(rest)),
                                      tuple(rest.reshape(-1).tolist()))
            if self.progress:
                self.progress(stage, total, total)


def _diff(stored: dict, given: dict, fields: list[str]) -> str | None:
    for f in fields:
        a, b = stored.get(f), given.get(f)
        if str(a if a is not None else "") != str(b if b is not None else ""):
            return f"{f}: stored {a!r}, this row {b!r}"
    return None


# ---------------------------------------------------------------------------------------------
# Signals, issuers and links


def _store_issuers(conn, parsed: ParsedImport, rows: _Rows, notes: list[str]) -> tuple[pd.DataFrame, set[str]]:
    """New issuers to insert, and every issuer id a signal of this import may link to."""
    iss = parsed.issuers
    if iss.empty:
        return iss, set()
    frame = pd.DataFrame({c: _text(iss[c]) if c in iss.columns else ""
                          for c in ["issuer_id", *ISSUER_FIELDS]})
    has_rows = "source_row" in iss.columns
    frame["key"] = iss["source_row"].astype(str).to_numpy() if has_rows else ""
    frame = frame.reset_index(drop=True)
    ids = frame["issuer_id"].unique().tolist()
    stored = {r[0]: dict(zip(["issuer_id", *ISSUER_FIELDS], r)) for r in _fetch_in(
        conn, "SELECT issuer_id, name, kind, country, accreditation, scope FROM issuers",
        "issuer_id", ids)} if ids else {}
    is_new = np.ones(len(frame), dtype=bool)
    seen: dict[str, dict] = {}
    for i, rec in enumerate(frame.to_dict("records")):
        before = stored.get(rec["issuer_id"]) or seen.get(rec["issuer_id"])
        if before is None:
            seen[rec["issuer_id"]] = rec
            continue
        is_new[i] = False
        diff = _diff(before, rec, ISSUER_FIELDS)
        if diff is None:
            continue
        if has_rows and rec["key"]:
            rows.conflict(_Conflict(
                rec["key"], "issuer_id", rec["issuer_id"],
                f"issuer {rec['issuer_id']!r} is already {'stored' if rec['issuer_id'] in stored else 'defined earlier in this file'}"
                f" with different content ({diff}); give a different issuer_id if it is another "
                "issuer, or correct the row to match", _raw_issuer(rec)))
        else:
            notes.append(f"issuer {rec['issuer_id']!r} kept as stored ({diff})")
    if has_rows:
        keyed = frame[frame["key"] != ""]
        rows.add(keyed["key"], is_new[frame["key"].to_numpy() != ""])
    conflicted = set(rows.conflicts)
    new = frame[is_new & ~_isin(frame["key"], conflicted)]
    return new, set(stored) | set(new["issuer_id"])


def _raw_issuer(rec: dict) -> dict:
    file, _, line = rec["key"].partition(":")
    raw = {c: rec[c] for c in ["issuer_id", *ISSUER_FIELDS]}
    if line:
        raw["_file"] = file
    return raw


def _raw_signal(rec: dict, issuers: str) -> dict:
    raw = {"signal_id": rec["signal_id"], "date": rec["date"], "country": rec["country"],
           "issuers": issuers, "concern": "true" if rec["concern"] else "false",
           **{c: rec[c] for c in ["title", "url", "reference", "summary", "language"]},
           "_file": "signals.csv"}
    return raw


def _joined_issuers(links: pd.DataFrame, u: Iterable[int]) -> dict[int, str]:
    """The ';'-joined issuer ids of the signals at positions `u` (as _u), for messages."""
    sub = links[np.isin(links["_u"].to_numpy(), np.asarray(list(u), dtype=np.int64))]
    return {int(k): ";".join(sorted(set(g))) for k, g in sub.groupby("_u")["issuer_id"]}


@dataclass
class _NewSignals:
    """The signals of an import that are new, and their links, both keyed by `_u`: the
    position of the signal id among the import's distinct ids. Filtering and ordering links
    by that integer avoids hashing millions of id strings again."""

    signals: pd.DataFrame  # new signals, one row per id, with key and _u
    links: pd.DataFrame  # signal_id, issuer_id, _u, _issuer (code into issuer_ids)
    issuer_ids: pd.Index  # distinct issuer ids of the links
    n_ids: int  # distinct signal ids of the import

    def writable(self, blocked: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Signals not blocked by a quarantined row, in signal_id order, and their links in
        (signal_id, issuer_id) order: key order turns primary-key inserts into appends,
        several times faster for a million rows than random order."""
        keep = self.signals[~_isin(self.signals["key"], blocked)]
        keep = keep.iloc[np.argsort(keep["signal_id"].to_numpy(dtype=str), kind="stable")]
        rank = np.full(self.n_ids, -1, dtype=np.int64)
        rank[keep["_u"].to_numpy()] = np.arange(len(keep))
        signal_rank = rank[self.links["_u"].to_numpy()]
        kept = signal_rank >= 0
        issuer_rank = np.argsort(np.argsort(self.issuer_ids.to_numpy(dtype=str), kind="stable"))
        links = self.links[kept]
        order = np.lexsort((issuer_rank[links["_issuer"].to_numpy()], signal_rank[kept]))
        return keep, links.iloc[order]


def _store_signals(conn, parsed: ParsedImport, rows: _Rows, known_issuers: set[str],
                   blocked: set[str]) -> _NewSignals:
    """Classify signals: new, duplicate (same content stored or earlier in the file) or in
    conflict (recorded in `rows`); return the new ones, not yet filtered for row conflicts."""
    sig = _signals_frame(parsed)
    sig = sig[~_isin(sig["key"], blocked)].reset_index(drop=True)
    # _u: each signal id's position among the distinct ids, first occurrence first.
    u, ids = pd.factorize(sig["signal_id"])
    sig["_u"] = u
    ids = pd.Index(ids, dtype=object)
    links, issuer_ids = _links_frame(parsed, ids)
    state = np.ones(len(sig), dtype=np.int8)
    if sig.empty:
        return _NewSignals(sig, links, issuer_ids, 0)

    # Links to issuers that exist neither in the file nor in the database.
    known = _isin(issuer_ids, known_issuers)
    if not known.all():
        known |= _isin(issuer_ids, _stored_ids(conn, "issuers", "issuer_id",
                                               issuer_ids[~known].to_numpy()))
    unknown = links[~known[links["_issuer"].to_numpy()]]
    if len(unknown):
        first = unknown.drop_duplicates("_u").set_index("_u")["issuer_id"]
        bad = np.zeros(len(ids), dtype=bool)
        bad[first.index.to_numpy()] = True
        bad = bad[u]
        joined = _joined_issuers(links, sig.loc[bad, "_u"])
        for rec in sig[bad].to_dict("records"):
            rows.conflict(_Conflict(rec["key"], "issuers", first[rec["_u"]],
                                    "unknown issuer id; add the issuer first (issuers.csv of a "
                                    "bundle, or the reference import) or correct the id",
                                    _raw_signal(rec, joined.get(rec["_u"], ""))))
        state[bad] = 2
    has_link = np.zeros(len(ids), dtype=bool)
    has_link[links["_u"].to_numpy()] = True
    no_link = ~has_link[u]
    for rec in sig[no_link].to_dict("records"):
        rows.conflict(_Conflict(rec["key"], "issuers", "", "a signal needs at least one issuer",
                                _raw_signal(rec, "")))
    state[no_link] = 2

    # Repeats inside the file and records already stored: compare content only for those.
    repeated = pd.Series(u).duplicated(keep="first").to_numpy()
    stored_ids = _stored_ids(conn, "signals", "signal_id", ids.to_numpy())
    in_db = _isin(ids, stored_ids)[u] if stored_ids else np.zeros(len(sig), dtype=bool)
    check = repeated | in_db
    if check.any():
        checked = np.unique(u[check])
        joined = _joined_issuers(links, checked)
        reference: dict[str, tuple[dict, str]] = {}
        for r in _fetch_in(conn, "SELECT signal_id, CAST(date AS TEXT), country, concern, title, "
                                 "url, reference, summary, language, import_id FROM signals",
                           "signal_id", [i for i in ids[checked] if i in stored_ids]):
            reference[r[0]] = (dict(zip(["signal_id", *SIGNAL_FIELDS], r[:9])) |
                               {"concern": bool(r[3])}, f"import #{r[9]}")
        stored_links = _fetch_in(conn, "SELECT signal_id, issuer_id FROM signal_issuers",
                                 "signal_id", list(reference))
        stored_joined: dict[str, list[str]] = {}
        for sid, iid in stored_links:
            stored_joined.setdefault(sid, []).append(iid)
        for sid, (rec, _) in reference.items():
            rec["issuers"] = ";".join(sorted(set(stored_joined.get(sid, []))))
        first_rows = sig[~repeated].set_index("signal_id")
        for i in np.flatnonzero(check):
            rec = sig.iloc[i].to_dict()
            rec["issuers"] = joined.get(rec["_u"], "")
            if rec["signal_id"] in reference:
                before, where = reference[rec["signal_id"]]
                where = f"already stored ({where})"
            else:
                first = first_rows.loc[rec["signal_id"]].to_dict()
                before = first | {"issuers": rec["issuers"]}
                where = f"already used on row {first['key']} of this file"
            diff = _diff(before, rec, [*SIGNAL_FIELDS, "issuers"])
            if diff is None:
                state[i] = min(state[i], 0) if state[i] != 2 else 2
            else:
                state[i] = 2
                rows.conflict(_Conflict(rec["key"], "signal_id", rec["signal_id"],
                                        f"signal_id {where} with different content ({diff}); "
                                        "give it a new signal_id if it is a different signal",
                                        _raw_signal(rec, rec["issuers"])))
    rows.add(sig["key"], np.where(state == 2, 0, state))
    new = sig[(state == 1) & ~repeated]
    is_new = np.zeros(len(ids), dtype=bool)
    is_new[new["_u"].to_numpy()] = True
    return _NewSignals(new, links[is_new[links["_u"].to_numpy()]], issuer_ids, len(ids))


def _links_frame(parsed: ParsedImport, ids: pd.Index) -> tuple[pd.DataFrame, pd.Index]:
    """The parser's links to the signals `ids`, each (signal, issuer) pair once, with _u (the
    signal's position in `ids`) and _issuer (a code into the distinct issuer ids returned)."""
    sid = _arrow_text(parsed.links["signal_id"])
    u = _in_signal_order(sid, ids)
    if u is None:
        u = ids.get_indexer(sid.astype(object)) if len(ids) else \
            np.full(len(sid), -1, dtype=np.int64)
    issuer, issuer_ids = pd.factorize(_arrow_text(parsed.links["issuer_id"]))
    issuer_ids = pd.Index(np.asarray(issuer_ids, dtype=object), dtype=object)
    # A link to a signal that is not in the frame belongs to a rejected row.
    ok = (u >= 0) & (issuer >= 0)
    pair = pd.Series(u.astype(np.int64) * max(len(issuer_ids), 1) + issuer)
    ok &= ~pair.duplicated().to_numpy()
    # The id strings are taken from the distinct values: no text is converted per link.
    links = pd.DataFrame({"signal_id": pd.Series(ids.to_numpy()[u[ok]], dtype=object),
                          "issuer_id": pd.Series(issuer_ids.to_numpy()[issuer[ok]], dtype=object),
                          "_u": u[ok], "_issuer": issuer[ok]})
    return links, issuer_ids


def _in_signal_order(sid: pd.Series, ids: pd.Index) -> np.ndarray | None:
    """Each link's signal position when the links come in runs, one per distinct signal id,
    in the order of `ids` (as the bundle and table parsers write them); None otherwise. It is
    checked, not assumed, and saves looking a million id strings up one by one."""
    if len(sid) == 0 or len(ids) == 0:
        return None
    text = pa.array(sid)
    start = np.ones(len(sid), dtype=bool)
    start[1:] = pc.not_equal(text[1:], text[:-1]).to_numpy(zero_copy_only=False)
    heads = pc.filter(text, start)
    if len(heads) != len(ids):
        return None
    if not pc.all(pc.equal(heads, pa.array(ids.to_numpy(), type=text.type))).as_py():
        return None
    return np.cumsum(start) - 1


# ---------------------------------------------------------------------------------------------
# Reference records (memberships, outcomes, NHRI accreditation, NGO registry)


def _records_frame(parsed: ParsedImport, columns: list[str]) -> pd.DataFrame:
    rec = parsed.records if parsed.records is not None else pd.DataFrame()
    out = pd.DataFrame({c: _text(rec[c]) if c in rec.columns else pd.Series([""] * len(rec))
                        for c in columns})
    out["key"] = rec["source_row"].astype(str).to_numpy() if "source_row" in rec.columns \
        else [str(i) for i in range(len(rec))]
    return out.reset_index(drop=True)


def _keyed(conn, rows: _Rows, frame: pd.DataFrame, what: str, key_cols: list[str],
           content_cols: list[str], stored_sql: str) -> pd.DataFrame:
    """Generic natural-key store: new / duplicate / conflicting content. Returns new rows."""
    stored = {}
    for r in conn.execute(sa.text(stored_sql)):
        r = ["" if v is None else str(v) for v in r]
        stored[tuple(r[:len(key_cols)])] = dict(zip(key_cols + content_cols, r))
    state = np.ones(len(frame), dtype=np.int8)
    seen: dict[tuple, dict] = {}
    for i, rec in enumerate(frame.to_dict("records")):
        k = tuple(rec[c] for c in key_cols)
        before = stored.get(k) or seen.get(k)
        if before is None:
            seen[k] = rec
            continue
        diff = _diff(before, rec, content_cols)
        if diff is None:
            state[i] = 0
            continue
        state[i] = 2
        label = ", ".join(f"{c} {rec[c]!r}" for c in key_cols)
        where = "already stored" if k in stored else "already given earlier in this file"
        rows.conflict(_Conflict(rec["key"], content_cols[0] if diff else None,
                                rec.get(diff.split(":")[0]), f"{what} with {label} is {where} "
                                f"with different content ({diff}); correct the row, or edit the "
                                "stored record", {c: rec[c] for c in key_cols + content_cols}))
    rows.add(frame["key"], np.where(state == 2, 0, state))
    return frame[state == 1]


def _null_dates(frame: pd.DataFrame, cols: list[str], what: str) -> pd.DataFrame:
    frame = frame.copy()
    for c in cols:
        dates = _iso_dates(frame[c], what).astype(object)
        frame[c] = dates.where(dates != "", None).astype(object)
    return frame


MEMBERSHIP_RECORD = ["org_id", "country", "since", "until"]
OUTCOME_RECORD = ["country", "date", "kind", "reference", "title", "url"]
ACCREDITATION_RECORD = ["issuer_id", "name", "country", "status", "scope", "reviewed_on"]


def _store_memberships(conn, parsed, rows, w: _Writer) -> int:
    frame = _records_frame(parsed, MEMBERSHIP_RECORD)
    frame["since"] = _iso_dates(frame["since"], "a membership date")
    frame["until"] = _iso_dates(frame["until"], "a membership date")
    new = _keyed(conn, rows, frame, "membership", ["org_id", "country", "since"], ["until"],
                 "SELECT org_id, country, CAST(since AS TEXT), CAST(until AS TEXT) "
                 "FROM memberships")
    return _deferred(w, "memberships", "memberships",
                     _null_dates(new, ["since", "until"], "a membership date"),
                     MEMBERSHIP_RECORD)


def _store_outcomes(conn, parsed, rows, w: _Writer) -> int:
    frame = _records_frame(parsed, OUTCOME_RECORD)
    frame["date"] = _iso_dates(frame["date"], "an outcome date")
    new = _keyed(conn, rows, frame, "outcome", ["kind", "reference", "country"],
                 ["date", "title", "url"],
                 "SELECT kind, reference, country, CAST(date AS TEXT), title, url FROM outcomes")
    return _deferred(w, "outcomes", "outcomes", new, OUTCOME_RECORD)


def _store_accreditations(conn, parsed, rows, w: _Writer, kind: str) -> int:
    """NHRI accreditation or NGO status rows: the issuer (created or its current status
    updated when this review is the latest) and one history row per (issuer, date)."""
    frame = _records_frame(parsed, ACCREDITATION_RECORD)
    frame["reviewed_on"] = _iso_dates(frame["reviewed_on"], "a review date")
    new = _keyed(conn, rows, frame, f"{kind} accreditation", ["issuer_id", "reviewed_on"],
                 ["status", "scope"],
                 "SELECT issuer_id, COALESCE(CAST(reviewed_on AS TEXT), ''), status, scope "
                 "FROM issuer_accreditations")
    w.pending.append(lambda: _write_accreditations(conn, w, new, kind))
    return len(new)


def _write_accreditations(conn, w: _Writer, new: pd.DataFrame, kind: str) -> None:
    if new.empty:
        return
    new = new[~_isin(new["key"], w.blocked)]
    stored = {r[0] for r in _fetch_in(conn, "SELECT issuer_id FROM issuers", "issuer_id",
                                      new["issuer_id"].unique().tolist())}
    for issuer_id, group in new.sort_values("reviewed_on").groupby("issuer_id", sort=False):
        last = group.iloc[-1]
        if issuer_id not in stored:
            conn.execute(sa.insert(_issuers), [{
                "issuer_id": issuer_id, "name": last["name"], "kind": kind,
                "country": last["country"], "accreditation": last["status"],
                "scope": last["scope"], "import_id": w.import_id}])
        else:
            newest = conn.execute(sa.text(
                "SELECT MAX(CAST(reviewed_on AS TEXT)) FROM issuer_accreditations "
                "WHERE issuer_id = :i"), {"i": issuer_id}).scalar() or ""
            if last["reviewed_on"] >= newest:
                conn.execute(sa.text("UPDATE issuers SET accreditation = :a, scope = :s "
                                     "WHERE issuer_id = :i"),
                             {"a": last["status"], "s": last["scope"], "i": issuer_id})
    w.insert("accreditations", _accreditations, [
        {"issuer_id": r["issuer_id"], "status": r["status"], "scope": r["scope"],
         "reviewed_on": r["reviewed_on"] or None, "import_id": w.import_id}
        for r in new.to_dict("records")])


def _deferred(w: _Writer, stage: str, table, frame: pd.DataFrame, columns: list[str]) -> int:
    # Written after every row's fate is known, so a quarantined row stores nothing.
    def write() -> None:
        keep = frame[~_isin(frame["key"], w.blocked)]
        w.insert_frame(stage, table, keep, columns, import_id=w.import_id)
    w.pending.append(write)
    return len(frame)


# ---------------------------------------------------------------------------------------------
# The import


AUDITED_COUNTS = ("kind", "file_name", "sha256", "rows_read", "accepted", "duplicates",
                  "quarantined", "skipped", "problem_count")


def store(parsed: ParsedImport, *, user: str, sha256: str = "", options: dict | None = None,
          engine: Engine | None = None, progress: Progress | None = None) -> ImportReport:
    """Store one parsed file in one transaction and return its report."""
    report = new_report(parsed, sha256)
    if nothing_read(parsed):
        return report
    try:
        with (engine or get_engine()).begin() as conn:
            store_in(conn, parsed, report, user=user, options=options, progress=progress)
            audit.record(conn, user, "import.run", "import", report.import_id,
                         detail=parsed.file_name,
                         after={k: getattr(report, k) for k in AUDITED_COUNTS})
    except sa.exc.IntegrityError as exc:
        raise IngestError(
            f"{parsed.file_name}: the database refused the import ({exc.orig}); nothing was "
            "stored. If another import ran at the same time, run this one again.") from exc
    invalidate()
    return report


def new_report(parsed: ParsedImport, sha256: str) -> ImportReport:
    report = ImportReport(import_id=None, kind=parsed.kind, file_name=parsed.file_name,
                          sha256=sha256, rows_read=parsed.rows_read,
                          skipped=parsed.skipped_rows, skipped_by_reason=dict(parsed.skipped))
    file_level = [r for r in parsed.rejected if rejected_key(r) is None]
    report.problems = [str(r) for r in file_level]
    report.problem_count = len(file_level)
    return report


def nothing_read(parsed: ParsedImport) -> bool:
    """True when the file could not be read at all: no import is recorded."""
    return parsed.rows_read == 0 and any(rejected_key(r) is None for r in parsed.rejected)


def import_file(path: str | Path, kind: str, *, user: str, engine: Engine | None = None,
                progress: Progress | None = None, **options) -> ImportReport:
    """Parse `path` with the parser registered for `kind` and store it (see `store`)."""
    from prevention.importers import get_parser

    parser = get_parser(kind)
    engine = engine or get_engine()
    parser_options = dict(options)
    if kind == "bundle":
        parser_options["known_issuers"] = stored_issuer_ids(engine)
    parsed = parser(Path(path), **parser_options)
    return store(parsed, user=user, sha256=file_sha256(path), options=options, engine=engine,
                 progress=progress)


def store_in(conn: Connection, parsed: ParsedImport, report: ImportReport, *, user: str,
             options: dict | None = None, progress: Progress | None = None) -> None:
    """Store inside the caller's transaction (the quarantine's re-submission uses this)."""
    options = options or {}
    if conn.dialect.name == "sqlite":
        # A bigger page cache for this connection keeps the indexes of a big import in memory
        # (the default, 2 MB, makes each insert of a million-row import read pages from disk).
        conn.exec_driver_sql("PRAGMA cache_size = -262144")
    imports = Import.__table__
    import_id = conn.execute(sa.insert(imports).values(
        user_name=user[:120], created_at=datetime.now(timezone.utc),
        file_name=parsed.file_name[:500], sha256=report.sha256, source_kind=parsed.kind,
        options=json.loads(json.dumps(options, default=str)), rows_read=0, accepted=0,
        duplicates=0, quarantined=0, skipped=0, problems={}).returning(imports.c.id)).scalar_one()
    report.import_id = import_id
    rows = _Rows()
    w = _Writer(conn, import_id, progress)
    rejected_keys = {rejected_key(r) for r in parsed.rejected} - {None}

    new_issuers, known = _store_issuers(conn, parsed, rows, report.notes)
    new_signals = _store_signals(conn, parsed, rows, known, rejected_keys)
    if parsed.records is not None:
        if parsed.kind in ("memberships", "bundle"):
            _store_memberships(conn, parsed, rows, w)
        elif parsed.kind == "outcomes":
            _store_outcomes(conn, parsed, rows, w)
        elif parsed.kind in ("nhri", "ngos"):
            _store_accreditations(conn, parsed, rows, w, "nhri" if parsed.kind == "nhri" else "ngo")
        else:
            raise IngestError(f"records of kind {parsed.kind!r} have no storage; this is a bug")

    states = rows.states()
    # A row the parser rejected cannot also count as accepted or duplicate.
    states = states[~_isin(states.index, rejected_keys)]
    w.blocked = set(states.index[states.to_numpy() == 2])
    report.accepted = int((states == 1).sum())
    report.duplicates = int((states == 0).sum())
    report.quarantined = int((states == 2).sum()) + len(rejected_keys)
    total = report.accepted + report.duplicates + report.quarantined + report.skipped
    if total != report.rows_read:
        raise IngestError(
            f"{parsed.file_name}: {report.rows_read} rows read but {total} accounted for "
            f"(accepted {report.accepted}, duplicates {report.duplicates}, quarantined "
            f"{report.quarantined}, skipped {report.skipped}); this is a bug in the "
            f"{parsed.kind!r} importer: nothing was stored, please report it with the file")

    if len(new_issuers):
        w.insert_frame("issuers", "issuers", new_issuers, ["issuer_id", *ISSUER_FIELDS],
                       import_id=import_id)
        national = new_issuers[new_issuers["kind"].isin(["nhri", "ngo"])]
        if len(national):
            w.insert("accreditations", _accreditations, [
                {"issuer_id": r["issuer_id"], "status": r["accreditation"] or "none",
                 "scope": r["scope"], "reviewed_on": None, "import_id": import_id}
                for r in national.to_dict("records")])
    if len(new_signals.signals):
        keep, links = new_signals.writable(w.blocked)
        w.insert_frame("signals", "signals", keep, ["signal_id", *SIGNAL_FIELDS],
                       import_id=import_id)
        w.insert_frame("links", "signal_issuers", links, ["signal_id", "issuer_id"])
    for write in w.pending:
        write()

    problems = _quarantine(w, parsed.rejected, rows.conflicts, w.blocked)
    report.problem_count = len(problems)
    report.problems = problems[:SHOWN_PROBLEMS]
    conn.execute(sa.update(imports).where(imports.c.id == import_id).values(
        rows_read=report.rows_read, accepted=report.accepted, duplicates=report.duplicates,
        quarantined=report.quarantined, skipped=report.skipped,
        problems={"skipped": report.skipped_by_reason, "problem_count": len(problems),
                  "problems": report.problems, "notes": report.notes[:SHOWN_PROBLEMS]}))
    bump_version(conn)


def _quarantine(w: _Writer, rejected: list[Rejected], conflicts: dict[str, _Conflict],
                blocked: set[str]) -> list[str]:
    """Every rejected row and every conflicting row into quarantine; returns problem texts."""
    records, problems = [], []
    for r in sorted(rejected, key=lambda r: (r.row is not None, rejected_key(r) or "")):
        file = r.raw.get("_file") if isinstance(r.raw, dict) and r.row is not None else None
        problems.append(f"{file}, {r}" if file else str(r))
        if r.row is None:
            continue
        records.append({"import_id": w.import_id, "row": r.row, "field": _maybe(r.field),
                        "value": _maybe(r.value), "reason": _clean_text(r.reason),
                        "raw": _jsonable(r.raw), "suggestions": list(r.suggestions),
                        "status": "open"})
    for key, c in conflicts.items():
        if key not in blocked:
            continue
        file, _, line = key.rpartition(":")
        row = int(line) if line.isdigit() else None
        where = f"{file}, row {row}" if file else f"row {row}"
        problems.append(f"{where}, field {c.field!r}: {c.value!r} {c.reason}")
        records.append({"import_id": w.import_id, "row": row, "field": _maybe(c.field),
                        "value": _maybe(c.value), "reason": _clean_text(c.reason), "raw": _jsonable(c.raw),
                        "suggestions": [], "status": "open"})
    w.insert("quarantine", QuarantinedRow.__table__, records)
    return problems


def _clean_text(value: str) -> str:
    # Lone surrogates (a wrongly decoded file) and NUL bytes cannot be stored as text on
    # PostgreSQL; keep them visible as escapes instead of failing the import.
    if "\x00" in value:
        value = value.replace("\x00", "\\x00")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def _maybe(value) -> str | None:
    return None if value is None else _clean_text(str(value))[:10_000]


def _jsonable(raw) -> dict:
    raw = raw if isinstance(raw, dict) else {"value": raw}
    return {_clean_text(str(k)): _clean_text(str(v)) if v is not None else None
            for k, v in raw.items()}
