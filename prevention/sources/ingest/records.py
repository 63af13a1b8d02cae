"""Reference records: memberships, Council outcomes, NHRI accreditation, the NGO registry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa

from prevention.sources.importers.base import ParsedImport
from prevention.sources.ingest.cells import as_text, iso_dates
from prevention.sources.ingest.lookup import fetch_in, isin_mask
from prevention.sources.ingest.rows import RowOutcomes, first_difference
from prevention.sources.ingest.writer import ACCREDITATIONS_TABLE, ISSUERS_TABLE, Writer
from triggers.problems import Problem


def records_frame(parsed: ParsedImport, columns: list[str]) -> pd.DataFrame:
    rec = parsed.records if parsed.records is not None else pd.DataFrame()
    out = pd.DataFrame({c: as_text(rec[c]) if c in rec.columns else pd.Series([""] * len(rec))
                        for c in columns})
    out["key"] = rec["source_row"].astype(str).to_numpy() if "source_row" in rec.columns \
        else [str(i) for i in range(len(rec))]
    return out.reset_index(drop=True)


def store_keyed(conn, rows: RowOutcomes, frame: pd.DataFrame, what: str, key_cols: list[str],
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
        diff = first_difference(before, rec, content_cols)
        if diff is None:
            state[i] = 0
            continue
        state[i] = 2
        label = ", ".join(f"{c} {rec[c]!r}" for c in key_cols)
        where = "already stored" if k in stored else "already given earlier in this file"
        rows.conflict(rec["key"], Problem(
            field=content_cols[0] if diff else None, value=rec.get(diff.split(":")[0]),
            raw={c: rec[c] for c in key_cols + content_cols},
            message=f"{what} with {label} is {where} with different content ({diff}); correct "
                    "the row, or edit the stored record"))
    rows.add(frame["key"], np.where(state == 2, 0, state))
    return frame[state == 1]


def null_dates(frame: pd.DataFrame, cols: list[str], what: str) -> pd.DataFrame:
    frame = frame.copy()
    for c in cols:
        dates = iso_dates(frame[c], what).astype(object)
        frame[c] = dates.where(dates != "", None).astype(object)
    return frame


MEMBERSHIP_RECORD = ["org_id", "country", "since", "until"]
OUTCOME_RECORD = ["country", "date", "kind", "reference", "title", "url"]
ACCREDITATION_RECORD = ["issuer_id", "name", "country", "status", "scope", "reviewed_on"]


def store_memberships(conn, parsed, rows, w: Writer) -> int:
    frame = records_frame(parsed, MEMBERSHIP_RECORD)
    frame["since"] = iso_dates(frame["since"], "a membership date")
    frame["until"] = iso_dates(frame["until"], "a membership date")
    new = store_keyed(conn, rows, frame, "membership", ["org_id", "country", "since"], ["until"],
                 "SELECT org_id, country, CAST(since AS TEXT), CAST(until AS TEXT) "
                 "FROM memberships")
    return deferred(w, "memberships", "memberships",
                     null_dates(new, ["since", "until"], "a membership date"),
                     MEMBERSHIP_RECORD)


def store_outcomes(conn, parsed, rows, w: Writer) -> int:
    frame = records_frame(parsed, OUTCOME_RECORD)
    frame["date"] = iso_dates(frame["date"], "an outcome date")
    new = store_keyed(conn, rows, frame, "outcome", ["kind", "reference", "country"],
                 ["date", "title", "url"],
                 "SELECT kind, reference, country, CAST(date AS TEXT), title, url FROM outcomes")
    return deferred(w, "outcomes", "outcomes", new, OUTCOME_RECORD)


def store_accreditations(conn, parsed, rows, w: Writer, kind: str) -> int:
    """NHRI accreditation or NGO status rows: the issuer (created or its current status
    updated when this review is the latest) and one history row per (issuer, date)."""
    frame = records_frame(parsed, ACCREDITATION_RECORD)
    frame["reviewed_on"] = iso_dates(frame["reviewed_on"], "a review date")
    new = store_keyed(conn, rows, frame, f"{kind} accreditation", ["issuer_id", "reviewed_on"],
                 ["status", "scope"],
                 "SELECT issuer_id, COALESCE(CAST(reviewed_on AS TEXT), ''), status, scope "
                 "FROM issuer_accreditations")
    w.pending.append(lambda: write_accreditations(conn, w, new, kind))
    return len(new)


def store_history(conn, parsed: ParsedImport, rows, w: Writer) -> int:
    """A bundle's accreditations.csv as review history: a row's `since` is a review date.
    (The database keeps reviews; a status holds until the next one, so `until` is implied.)"""
    acc = parsed.accreditations
    issuers = parsed.issuers.set_index("issuer_id") if len(parsed.issuers) else pd.DataFrame()
    frame = acc.assign(
        name=[issuers["name"].get(i, i) if len(issuers) else i for i in acc["issuer_id"]],
        country=[issuers["country"].get(i, "") if len(issuers) else "" for i in acc["issuer_id"]],
        scope=[issuers["scope"].get(i, "") if len(issuers) else "" for i in acc["issuer_id"]],
        reviewed_on=acc["since"])
    history = ParsedImport(kind=parsed.kind, file_name=parsed.file_name, rows_read=0, records=frame)
    return store_accreditations(conn, history, rows, w, "nhri")


def write_accreditations(conn, w: Writer, new: pd.DataFrame, kind: str) -> None:
    if new.empty:
        return
    new = new[~isin_mask(new["key"], w.blocked)]
    stored = {r[0] for r in fetch_in(conn, "SELECT issuer_id FROM issuers", "issuer_id",
                                      new["issuer_id"].unique().tolist())}
    for issuer_id, group in new.sort_values("reviewed_on").groupby("issuer_id", sort=False):
        last = group.iloc[-1]
        if issuer_id not in stored:
            conn.execute(sa.insert(ISSUERS_TABLE), [{
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
    w.insert("accreditations", ACCREDITATIONS_TABLE, [
        {"issuer_id": r["issuer_id"], "status": r["status"], "scope": r["scope"],
         "reviewed_on": r["reviewed_on"] or None, "import_id": w.import_id}
        for r in new.to_dict("records")])


def deferred(w: Writer, stage: str, table, frame: pd.DataFrame, columns: list[str]) -> int:
    # Written after every row's fate is known, so a quarantined row stores nothing.
    def write() -> None:
        keep = frame[~isin_mask(frame["key"], w.blocked)]
        w.insert_frame(stage, table, keep, columns, import_id=w.import_id)
    w.pending.append(write)
    return len(frame)
