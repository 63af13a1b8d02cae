"""What changed: a month's digest and the archive of months, as tables for the page."""

from __future__ import annotations

import pandas as pd

from prevention.display.status import STATUS_RANK, iso, status_label
from prevention.display.text import link_column
from prevention.watch import severity as sev
from prevention.watch.changes import FOLLOWED, Change, MonthDigest, signal_rows
from prevention.web.views.overview import country_url

CHANGE_COLUMNS = ["State", "ISO3", "Day", "Change", "What moved it", "Signals", "Source",
                  "Standing at the month's end", "Page"]


def _signals_text(rows: pd.DataFrame) -> str:
    return "; ".join(f"{iso(r.date)} {r.reference or r.title[:60]}".strip()
                     for r in rows.itertuples(index=False))


def change_rows(picked: list[Change], names: dict, signals: pd.DataFrame, standing: pd.DataFrame,
                rule_param: str) -> pd.DataFrame:
    """One row per change, in severity order at the month's end (then by day)."""
    rank = {c: i for i, c in enumerate(standing["country"])} if len(standing) else {}
    by_country = standing.set_index("country") if len(standing) else None
    rows = []
    for c in sorted(picked, key=lambda c: (rank.get(c.country, len(rank)), c.day)):
        moved = signal_rows(signals, c.signals)
        first_url = next((u for u in moved["url"] if u), None) if len(moved) else None
        standing_words = ""
        if by_country is not None and c.country in by_country.index:
            r = by_country.loc[c.country]
            standing_words = f"{status_label(r['status'])} #{int(r['rank'])} · {sev.reason(r)}"
        rows.append({
            "State": names.get(c.country, c.country), "ISO3": c.country, "Day": c.day,
            "Change": f"{status_label(c.before)} → {status_label(c.after)}",
            "What moved it": "; ".join(m.words() for m in c.moves) or "—",
            "Signals": _signals_text(moved) or "—",
            "Source": first_url,
            "Standing at the month's end": standing_words,
            "Page": country_url(c.country, rule_param, c.day),
        })
    return link_column(pd.DataFrame(rows, columns=CHANGE_COLUMNS), "Source")


def digest_sections(d: MonthDigest, names: dict, signals: pd.DataFrame,
                    rule_param: str) -> list[tuple[str, pd.DataFrame]]:
    """('Entered ▲ triggered', table), ('Left ▲ triggered', table), ... for the followed
    statuses, only those with a change. Each change is listed once: under the status it
    entered when it moved to a more pressing one, under the status it left otherwise."""
    up = lambda c: STATUS_RANK[c.after] > STATUS_RANK[c.before]  # noqa: E731
    out = []
    for status in FOLLOWED:
        entered = [c for c in d.changes if c.after == status and up(c)]
        left = [c for c in d.changes if c.before == status and not up(c)]
        for word, picked in (("Entered", entered), ("Left", left)):
            if picked:
                out.append((f"{word} {status_label(status)}",
                            change_rows(picked, names, signals, d.standing, rule_param)))
    return out


def archive_table(archive: pd.DataFrame) -> pd.DataFrame:
    """The months with their counts, newest first, each linking to its digest."""
    out = pd.DataFrame({"Month": archive["month"], "Changes": archive["changes"]})
    for status in FOLLOWED:
        out[f"Entered {status}"] = archive[f"entered_{status}"]
        out[f"Left {status}"] = archive[f"left_{status}"]
    out["Digest"] = ["changes?month=" + m for m in archive["month"]]
    return out
