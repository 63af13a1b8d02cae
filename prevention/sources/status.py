"""What the Data page and `fetch --list` show of each source: its last fetch, what it added, the
coverage it declared, and why it cannot run when a setting is missing. Pages stay thin: they
render these frames."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Engine

from prevention.sources import registry
from prevention.sources.run import CURSORS
from prevention.sources.terms import terms_for
from prevention.storage.db import get_engine
from prevention.storage.frames import load_coverage
from prevention.storage.settings import Settings, get_settings

STATUS_COLUMNS = ["Source", "Provider", "Last fetch (UTC)", "Outcome", "Pages", "Added",
                  "Duplicates", "Quarantined", "Skipped", "Coverage rows", "Archived",
                  "Next fetch", "Note"]
OUTCOME_WORDS = {"done": "done", "not_modified": "done (nothing new at the source)",
                 "incomplete": "stopped early", "failed": "failed", "": "never fetched"}


def _next(row, dated: bool) -> str:
    if row is None:
        return "needs --since (first day)" if dated else "everything the source lists"
    run = row["run"]
    if run:
        page = len(run.get("pages", [])) + 1
        return (f"resumes the run of {str(run.get('started_at', ''))[:10]} at page {page}"
                if run.get("next") else "stores the end of the interrupted run")
    if dated and row["start"]:
        return f"from {row['start'].isoformat()}"
    known = len(row["known"] or [])
    if known:
        return f"until a stored item ({known} known)"
    if row["etag"] or row["last_modified"]:
        return "only if the source changed (conditional request)"
    return "everything the source lists"


def sources_table(engine: Engine | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """One row per source: runnable ones first, then those waiting for a setting."""
    settings = settings or get_settings()
    engine = engine or get_engine()
    built = registry.connectors(settings)
    missing = registry.unavailable(settings)
    with engine.connect() as conn:
        cursors = {r["source"]: r for r in conn.execute(sa.select(CURSORS)).mappings()}
        archived = dict(conn.execute(sa.text(
            "SELECT source, COUNT(*) FROM raw_responses GROUP BY source")).all())
    coverage = load_coverage(engine)
    rows = []
    for source in registry.source_ids(settings):
        row = cursors.get(source)
        dated = getattr(built.get(source), "takes_span", source == "reliefweb-ohchr")
        note = missing.get(source, "")
        if row is not None and row["last_error"]:
            note = (note + "; " if note else "") + row["last_error"]
        when = row["last_finished_at"] if row is not None else None
        rows.append([
            source, terms_for(source).provider,
            pd.Timestamp(when).strftime("%Y-%m-%d %H:%M") if when is not None else "",
            OUTCOME_WORDS.get(row["last_outcome"] if row is not None else "", ""),
            *([row[f"last_{k}"] for k in ("pages", "accepted", "duplicates", "quarantined",
                                          "skipped")] if row is not None else [0] * 5),
            int((coverage["source"] == source).sum()), int(archived.get(source, 0)),
            "" if source in missing else _next(row, dated), note])
    frame = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    ready = ~frame["Source"].isin(list(missing))
    return pd.concat([frame[ready], frame[~ready]]).reset_index(drop=True)


COVERAGE_SHOWN = ["issuer_kind", "country", "start", "end", "completeness", "import_id"]


def source_coverage(source: str, engine: Engine | None = None) -> pd.DataFrame:
    """The coverage rows a source's fetches declared (the pages' and the runs')."""
    cov = load_coverage(engine)
    rows = cov[cov["source"] == source][COVERAGE_SHOWN].copy()
    rows["start"] = rows["start"].dt.strftime("%Y-%m-%d")
    rows["end"] = rows["end"].dt.strftime("%Y-%m-%d")
    return rows.sort_values(["issuer_kind", "start", "end"]).reset_index(drop=True)


def as_text(frame: pd.DataFrame) -> str:
    """The table for a terminal (fetch --list)."""
    shown = frame[["Source", "Last fetch (UTC)", "Outcome", "Pages", "Added", "Quarantined",
                   "Coverage rows", "Next fetch", "Note"]]
    return shown.to_string(index=False, max_colwidth=70)
