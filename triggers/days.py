"""The days the product accepts, so that a typing error (9999-12-31, 0001-01-01) is a problem
on its row instead of a date no frame can hold.

An expression of concern, a Council outcome, a coverage span or an accreditation review is
dated from 1945-10-24 (the UN Charter entered into force: no UN body spoke before) to one year
after today (a later day is a typing error; a year leaves room for announced dates). A
membership may begin earlier (the League of Arab States dates from 1945-03-22), from
1800-01-01.
"""

from __future__ import annotations

from datetime import date, timedelta

EARLIEST = date(1945, 10, 24)
EARLIEST_MEMBERSHIP = date(1800, 1, 1)


def latest(today: date | None = None) -> date:
    return (today or date.today()) + timedelta(days=365)


def outside(day: date, earliest: date = EARLIEST) -> str | None:
    """Why `day` is refused, or None when it is in range."""
    if earliest <= day <= latest():
        return None
    return range_message(earliest)


def range_message(earliest: date = EARLIEST) -> str:
    why = ("when the UN Charter entered into force" if earliest == EARLIEST
           else "the earliest membership the product records")
    return (f"outside the days the product accepts: {earliest.isoformat()} ({why}) to "
            f"{latest().isoformat()} (a year from today); a day beyond is a typing error: "
            "write the real day")
