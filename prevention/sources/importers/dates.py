"""Dates written by hand in spreadsheets -> YYYY-MM-DD, refusing the ambiguous ones.

ISO days (2021-02-01, 2021/02/01), day-month-name forms (1 Feb 2021, February 1, 2021) and
numeric day/month forms whose order is certain (31/01/2021: no 31st month) are read.
03/04/2021 is refused: it is 3 April in Europe and 4 March in the United States, and a wrong
guess would silently move a signal by a month.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from triggers import days

ALLOWED = ("YYYY-MM-DD (e.g. 2021-02-01), a day with a month name (1 Feb 2021, February 1, "
           "2021), or DD/MM/YYYY only when the day is above 12")

_MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for m in names}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")


class DateProblem(ValueError):
    """Why a text is not a date we can read; the message says what is allowed."""


def _make(y: int, m: int, d: int, text: str) -> str:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        raise DateProblem(f"not a calendar date ({text}); write {ALLOWED}") from None


def parse_day(text: str, earliest: date = days.EARLIEST) -> str:
    """One date text -> 'YYYY-MM-DD', or DateProblem (also for a day outside the range the
    product accepts, triggers/days.py)."""
    day = _parse_day(text)
    problem = days.outside(date.fromisoformat(day), earliest)
    if problem:
        raise DateProblem(f"{day}: {problem}")
    return day


@lru_cache(maxsize=200_000)
def _parse_day(text: str) -> str:
    value = str(text).strip()
    if not value:
        raise DateProblem(f"a date is required; write {ALLOWED}")
    low = value.lower()
    if m := _ISO.match(low):
        return _make(int(m[1]), int(m[2]), int(m[3]), value)
    if m := _NUMERIC.match(low):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        if a > 12 >= b:
            return _make(y, b, a, value)
        if b > 12 >= a:
            return _make(y, a, b, value)
        if a == b:
            return _make(y, a, b, value)
        raise DateProblem(f"ambiguous: {value} can be day/month or month/day; write {ALLOWED}")
    for rx, order in ((_DAY_MONTH, "dmy"), (_MONTH_DAY, "mdy")):
        if m := rx.match(low):
            day, month = (m[1], m[2]) if order == "dmy" else (m[2], m[1])
            if month not in _MONTHS:
                raise DateProblem(f"unknown month {month!r}; write {ALLOWED}")
            return _make(int(m[3]), _MONTHS[month], int(day), value)
    raise DateProblem(f"not a date; write {ALLOWED}")


def to_day(value, earliest: date = days.EARLIEST) -> str:
    """Like parse_day, also for the datetime/date cells a spreadsheet reader returns."""
    if isinstance(value, datetime):  # a spreadsheet date cell; the time of day is dropped
        value = value.date()
    if isinstance(value, date):
        problem = days.outside(value, earliest)
        if problem:
            raise DateProblem(f"{value.isoformat()}: {problem}")
        return value.isoformat()
    return parse_day("" if value is None else str(value), earliest)
