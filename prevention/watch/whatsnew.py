"""What is new on a watchlist since the user's last visit, in wall time: signals stored by an
import since then, and statements dated after the day of the visit. Both are counted and
shown; a first visit looks back FIRST_VISIT_DAYS days, not to the first stored signal.

The status alerts ('crossed the threshold since your last visit') are computed as of today,
whatever day the page's date picker shows: prevention/watch/watchlists.crossings compares the
statuses stored with the visit (as of the day of that visit) with today's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pandas as pd
from sqlalchemy import Engine, or_, select

from prevention.storage.db import session_scope
from prevention.storage.models.core import Import, Signal

FIRST_VISIT_DAYS = 90
LIMIT = 500
COLUMNS = ["signal_id", "country", "date", "title", "url", "reference", "imported_at",
           "by_import", "by_date"]


@dataclass(frozen=True)
class Window:
    since: datetime  # wall time
    first_visit: bool

    @property
    def day(self):
        return self.since.date()

    def words(self) -> str:
        if self.first_visit:
            return (f"First visit: the last {FIRST_VISIT_DAYS} days (since "
                    f"{self.since:%Y-%m-%d %H:%M} UTC)")
        return f"Since your last visit ({self.since:%Y-%m-%d %H:%M} UTC)"


def window(last_visit: datetime | None, now: datetime | None = None) -> Window:
    now = now or datetime.now(timezone.utc)
    if last_visit is None:
        return Window(now - timedelta(days=FIRST_VISIT_DAYS), True)
    if last_visit.tzinfo is None:
        last_visit = last_visit.replace(tzinfo=timezone.utc)
    return Window(last_visit, False)


def whats_new(countries, win: Window, engine: Engine | None = None) -> pd.DataFrame:
    """Signals about `countries` stored since `win.since` or dated after its day, newest
    statement first (at most LIMIT): COLUMNS, with by_import / by_date saying which."""
    codes = list(countries)
    if not codes:
        return pd.DataFrame(columns=COLUMNS)
    with session_scope(engine) as s:
        rows = s.execute(
            select(Signal.signal_id, Signal.country, Signal.date, Signal.title, Signal.url,
                   Signal.reference, Import.created_at)
            .join(Import, Import.id == Signal.import_id)
            .where(Signal.country.in_(codes),
                   or_(Import.created_at > win.since, Signal.date > win.day))
            .order_by(Signal.date.desc(), Signal.signal_id).limit(LIMIT)).all()
    frame = pd.DataFrame(rows, columns=COLUMNS[:7])
    stamps = pd.to_datetime(frame["imported_at"], utc=True)
    frame["imported_at"] = stamps
    frame["by_import"] = (stamps > pd.Timestamp(win.since)).to_numpy(dtype=bool)
    frame["by_date"] = (pd.to_datetime(frame["date"]).dt.date > win.day).to_numpy(dtype=bool)
    return frame[COLUMNS]


def counts(new: pd.DataFrame) -> tuple[int, int]:
    """(stored since, dated since)."""
    if new.empty:
        return 0, 0
    return int(new["by_import"].sum()), int(new["by_date"].sum())
