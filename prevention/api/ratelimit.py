"""Rate limits for the API and the feeds: a fixed window per client address and per token,
counted in the database.

Why the database: several app processes may run behind one proxy (`make serve`), and a
browser's or a script's requests are spread over them; counts kept in each process would let
a client have N times the limit. One UPSERT per request (the row of this window) is the
price, small beside the work of the request itself. Old windows are deleted as new ones open.

A request with a valid token counts against that token (an office behind one NAT address is
not limited as a whole); without one, or with an unknown one, against the client address, so
guessing tokens is limited too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # seconds until the window ends

    def headers(self) -> dict[str, str]:
        out = {"X-RateLimit-Limit": str(self.limit),
               "X-RateLimit-Remaining": str(max(0, self.remaining)),
               "X-RateLimit-Reset": str(self.reset)}
        if not self.allowed:
            out["Retry-After"] = str(self.reset)
        return out


def hit(session: Session, scope: str, key: str, limit: int, window: int = WINDOW_SECONDS,
        now: float | None = None) -> Verdict:
    """Count one request for (scope, key) in the current window and say whether it is within
    `limit`. The count and the check are one statement, so concurrent requests cannot all
    slip under the limit."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from prevention.storage.models.api import ApiRateCount

    now = time.time() if now is None else now
    start = int(now // window * window)
    t = ApiRateCount.__table__
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = dialect_insert(t).values(scope=scope, key=key[:200], window_start=start, hits=1)
    stmt = stmt.on_conflict_do_update(index_elements=["scope", "key", "window_start"],
                                      set_={"hits": t.c.hits + 1}).returning(t.c.hits)
    hits = int(session.execute(stmt).scalar_one())
    if hits == 1:  # the first request of a window clears the windows before the last one
        session.execute(delete(t).where(t.c.window_start < start - window))
    return Verdict(hits <= limit, limit, limit - hits, int(start + window - now) or 1)
