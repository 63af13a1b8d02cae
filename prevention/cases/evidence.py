"""The frozen evidence's fingerprints: a SHA-256 of each signal's content and issuers, so that
a case's record shows when a piece of evidence it froze has changed since (review.new_since),
and a brief can print one fingerprint of all of it (briefs.py)."""

from __future__ import annotations

import hashlib
import json

import pandas as pd

SIGNAL_FIELDS = ("signal_id", "date", "country", "concern", "title", "url", "reference",
                 "summary", "language")


def signal_hash(row: dict, issuers: list[str]) -> str:
    """sha256 of a signal's content, so that an edit to a frozen piece of evidence shows."""
    content = {k: row.get(k) for k in SIGNAL_FIELDS}
    day = content.get("date")
    content["date"] = pd.Timestamp(day).date().isoformat() if day is not None else None
    content["concern"] = bool(content.get("concern"))
    content = {k: ("" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
               for k, v in content.items()}
    content["issuers"] = sorted(set(issuers))
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def evidence_hashes(signals: pd.DataFrame, links: pd.DataFrame | None, ids) -> dict[str, str]:
    ids = list(dict.fromkeys(ids))
    rows = signals.loc[signals["signal_id"].isin(ids)]
    issuers: dict[str, list[str]] = {}
    if links is not None and not links.empty:
        mine = links.loc[links["signal_id"].isin(ids)]
        issuers = mine.groupby("signal_id")["issuer_id"].agg(list).to_dict()
    return {r["signal_id"]: signal_hash(r, issuers.get(r["signal_id"], []))
            for r in rows.to_dict("records")}
