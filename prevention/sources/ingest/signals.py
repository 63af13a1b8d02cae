"""Signals, their issuers and the links between them: new, duplicate or in conflict."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from prevention.sources.importers.base import ParsedImport
from prevention.sources.ingest.cells import (
    arrow_text,
    as_text,
    concern_flags,
    iso_dates,
)
from prevention.sources.ingest.fields import ISSUER_FIELDS, SIGNAL_FIELDS
from prevention.sources.ingest.lookup import fetch_in, find_stored, isin_mask
from prevention.sources.ingest.rows import RowOutcomes, first_difference
from triggers.problems import Problem

# Columns a connector's signals carry beyond the stored fields (prevention/sources): the
# archived response each came from, which prevention.sources links after the import, and the
# other States an item names, kept in the archived response only. Not stored here, never refused.
CONNECTOR_COLUMNS = ("response_sha256", "countries_other")


def signals_frame(parsed: ParsedImport) -> pd.DataFrame:
    """The parser's signals as stored, plus `key`: the source row each came from. Only the
    stored fields are read: CONNECTOR_COLUMNS and any other extra column are left alone."""
    sig = parsed.signals
    out = pd.DataFrame({"signal_id": as_text(sig["signal_id"])})
    out["date"] = iso_dates(sig["date"], "a signal date")
    for c in ["country", "title", "url", "reference", "summary", "language", "category"]:
        out[c] = as_text(sig[c]) if c in sig.columns else ""
    out["concern"] = concern_flags(sig["concern"]) if "concern" in sig.columns else True
    out["key"] = pd.Series(sig["source_row"].astype(str).to_numpy(dtype=object)
                           if "source_row" in sig.columns else out["signal_id"].to_numpy(),
                           dtype=object, index=out.index)
    return out.reset_index(drop=True)


def store_issuers(conn, parsed: ParsedImport, rows: RowOutcomes, notes: list[str]) -> tuple[pd.DataFrame, set[str]]:
    """New issuers to insert, and every issuer id a signal of this import may link to."""
    iss = parsed.issuers
    if iss.empty:
        return iss, set()
    frame = pd.DataFrame({c: as_text(iss[c]) if c in iss.columns else ""
                          for c in ["issuer_id", *ISSUER_FIELDS]})
    has_rows = "source_row" in iss.columns
    frame["key"] = iss["source_row"].astype(str).to_numpy() if has_rows else ""
    frame = frame.reset_index(drop=True)
    ids = frame["issuer_id"].unique().tolist()
    stored = {r[0]: dict(zip(["issuer_id", *ISSUER_FIELDS], r)) for r in fetch_in(
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
        diff = first_difference(before, rec, ISSUER_FIELDS)
        if diff is None:
            continue
        if has_rows and rec["key"]:
            where = "stored" if rec["issuer_id"] in stored else "defined earlier in this file"
            rows.conflict(rec["key"], Problem(
                field="issuer_id", value=rec["issuer_id"], raw=raw_issuer(rec),
                message=f"issuer {rec['issuer_id']!r} is already {where} with different content "
                        f"({diff}); give a different issuer_id if it is another issuer, or "
                        "correct the row to match"))
        else:
            notes.append(f"issuer {rec['issuer_id']!r} kept as stored ({diff})")
    if has_rows:
        keyed = frame[frame["key"] != ""]
        rows.add(keyed["key"], is_new[frame["key"].to_numpy() != ""])
    conflicted = set(rows.conflicts)
    new = frame[is_new & ~isin_mask(frame["key"], conflicted)]
    return new, set(stored) | set(new["issuer_id"])


def raw_issuer(rec: dict) -> dict:
    file, _, line = rec["key"].partition(":")
    raw = {c: rec[c] for c in ["issuer_id", *ISSUER_FIELDS]}
    if line:
        raw["_file"] = file
    return raw


def raw_signal(rec: dict, issuers: str) -> dict:
    raw = {"signal_id": rec["signal_id"], "date": rec["date"], "country": rec["country"],
           "issuers": issuers, "concern": "true" if rec["concern"] else "false",
           **{c: rec[c] for c in ["title", "url", "reference", "summary", "language"]},
           "_file": "signals.csv"}
    return raw


def joined_issuers(links: pd.DataFrame, u: Iterable[int]) -> dict[int, str]:
    """The ';'-joined issuer ids of the signals at positions `u` (as _u), for messages."""
    sub = links[np.isin(links["_u"].to_numpy(), np.asarray(list(u), dtype=np.int64))]
    return {int(k): ";".join(sorted(set(g))) for k, g in sub.groupby("_u")["issuer_id"]}


@dataclass
class NewSignals:
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
        keep = self.signals[~isin_mask(self.signals["key"], blocked)]
        keep = keep.iloc[np.argsort(keep["signal_id"].to_numpy(dtype=str), kind="stable")]
        rank = np.full(self.n_ids, -1, dtype=np.int64)
        rank[keep["_u"].to_numpy()] = np.arange(len(keep))
        signal_rank = rank[self.links["_u"].to_numpy()]
        kept = signal_rank >= 0
        issuer_rank = np.argsort(np.argsort(self.issuer_ids.to_numpy(dtype=str), kind="stable"))
        links = self.links[kept]
        order = np.lexsort((issuer_rank[links["_issuer"].to_numpy()], signal_rank[kept]))
        return keep, links.iloc[order]


def store_signals(conn, parsed: ParsedImport, rows: RowOutcomes, known_issuers: set[str],
                  blocked: set[str]) -> NewSignals:
    """Classify signals: new, duplicate (same content stored or earlier in the file) or in
    conflict (recorded in `rows`); return the new ones, not yet filtered for row conflicts."""
    sig = signals_frame(parsed)
    sig = sig[~isin_mask(sig["key"], blocked)].reset_index(drop=True)
    # _u: each signal id's position among the distinct ids, first occurrence first.
    u, ids = pd.factorize(sig["signal_id"])
    sig["_u"] = u
    ids = pd.Index(ids, dtype=object)
    links, issuer_ids = links_frame(parsed, ids)
    state = np.ones(len(sig), dtype=np.int8)
    if sig.empty:
        return NewSignals(sig, links, issuer_ids, 0)

    # Links to issuers that exist neither in the file nor in the database.
    known = isin_mask(issuer_ids, known_issuers)
    if not known.all():
        known |= isin_mask(issuer_ids, find_stored(conn, "issuers", "issuer_id",
                                               issuer_ids[~known].to_numpy()))
    unknown = links[~known[links["_issuer"].to_numpy()]]
    if len(unknown):
        first = unknown.drop_duplicates("_u").set_index("_u")["issuer_id"]
        bad = np.zeros(len(ids), dtype=bool)
        bad[first.index.to_numpy()] = True
        bad = bad[u]
        joined = joined_issuers(links, sig.loc[bad, "_u"])
        for rec in sig[bad].to_dict("records"):
            rows.conflict(rec["key"], Problem(
                field="issuers", value=first[rec["_u"]],
                raw=raw_signal(rec, joined.get(rec["_u"], "")),
                message="unknown issuer id; add the issuer first (issuers.csv of a bundle, or "
                        "the reference import) or correct the id"))
        state[bad] = 2
    has_link = np.zeros(len(ids), dtype=bool)
    has_link[links["_u"].to_numpy()] = True
    no_link = ~has_link[u]
    for rec in sig[no_link].to_dict("records"):
        rows.conflict(rec["key"], Problem(field="issuers", value="", raw=raw_signal(rec, ""),
                                          message="a signal needs at least one issuer"))
    state[no_link] = 2

    # Repeats inside the file and records already stored: compare content only for those.
    repeated = pd.Series(u).duplicated(keep="first").to_numpy()
    stored_ids = find_stored(conn, "signals", "signal_id", ids.to_numpy())
    in_db = isin_mask(ids, stored_ids)[u] if stored_ids else np.zeros(len(sig), dtype=bool)
    check = repeated | in_db
    if check.any():
        checked = np.unique(u[check])
        joined = joined_issuers(links, checked)
        reference: dict[str, tuple[dict, str]] = {}
        for r in fetch_in(conn, "SELECT signal_id, CAST(date AS TEXT), country, concern, title, "
                                 "url, reference, summary, language, category, import_id "
                                 "FROM signals",
                           "signal_id", [i for i in ids[checked] if i in stored_ids]):
            reference[r[0]] = (dict(zip(["signal_id", *SIGNAL_FIELDS], r[:10])) |
                               {"concern": bool(r[3])}, f"import #{r[10]}")
        stored_links = fetch_in(conn, "SELECT signal_id, issuer_id FROM signal_issuers",
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
            diff = first_difference(before, rec, [*SIGNAL_FIELDS, "issuers"])
            if diff is None:
                state[i] = min(state[i], 0) if state[i] != 2 else 2
            else:
                state[i] = 2
                rows.conflict(rec["key"], Problem(
                    field="signal_id", value=rec["signal_id"], raw=raw_signal(rec, rec["issuers"]),
                    message=f"signal_id {where} with different content ({diff}); give it a new "
                            "signal_id if it is a different signal"))
    rows.add(sig["key"], np.where(state == 2, 0, state))
    new = sig[(state == 1) & ~repeated]
    is_new = np.zeros(len(ids), dtype=bool)
    is_new[new["_u"].to_numpy()] = True
    return NewSignals(new, links[is_new[links["_u"].to_numpy()]], issuer_ids, len(ids))


def links_frame(parsed: ParsedImport, ids: pd.Index) -> tuple[pd.DataFrame, pd.Index]:
    """The parser's links to the signals `ids`, each (signal, issuer) pair once, with _u (the
    signal's position in `ids`) and _issuer (a code into the distinct issuer ids returned)."""
    sid = arrow_text(parsed.links["signal_id"])
    u = in_signal_order(sid, ids)
    if u is None:
        u = ids.get_indexer(sid.astype(object)) if len(ids) else \
            np.full(len(sid), -1, dtype=np.int64)
    issuer, issuer_ids = pd.factorize(arrow_text(parsed.links["issuer_id"]))
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


def in_signal_order(sid: pd.Series, ids: pd.Index) -> np.ndarray | None:
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
