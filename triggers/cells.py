"""Checks of one column's cells, shared by every table's check: each problem names its row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from triggers import days
from triggers.problems import Problems
from triggers.schema import DATE_PATTERN, FALSE_WORDS, TRUE_WORDS
from triggers.vocabulary import COUNTRY_CODES


def dates(file: str, frame: pd.DataFrame, fld: str, problems: Problems,
          required: bool, earliest=days.EARLIEST) -> pd.Series:
    """The column as datetime64[ns] days (NaT where empty or bad); bad ones, and days outside
    the range the product accepts (triggers/days.py), are problems."""
    text = frame[fld]
    empty = text == ""
    shaped = text.str.match(DATE_PATTERN)
    # Days are compared as text (ISO days sort as dates) before pandas sees them: a year such
    # as 9999 is beyond what a nanosecond timestamp holds.
    lo, hi = earliest.isoformat(), days.latest().isoformat()
    in_range = (text >= lo) & (text <= hi)
    out = shaped & ~empty & ~in_range
    parsed = pd.to_datetime(text.where(shaped & ~empty & in_range), format="%Y-%m-%d",
                            errors="coerce")
    problems.rows(file, frame, ~empty & ~out & parsed.isna(), fld,
                  "not a date; write it as YYYY-MM-DD (ISO 8601 day)", code="not_a_date")
    problems.rows(file, frame, out, fld, days.range_message(earliest), code="out_of_range")
    if required:
        problems.rows(file, frame, empty, fld, "a date is required (YYYY-MM-DD)", code="required")
    return parsed.astype("datetime64[ns]")


def countries(file: str, frame: pd.DataFrame, fld: str, problems: Problems, required_mask) -> None:
    codes = frame[fld]
    empty = (codes == "").to_numpy()
    known = codes.isin(COUNTRY_CODES).to_numpy()
    lower_ok = known.copy()
    if not known.all():
        others = ~known
        lower_ok[others] = codes[others].str.upper().isin(COUNTRY_CODES).to_numpy()
    problems.rows(file, frame, ~empty & ~known & lower_ok, fld,
                  "country codes are upper case ISO 3166-1 alpha-3 (e.g. SYR)", code="lower_case")
    problems.rows(file, frame, ~empty & ~lower_ok, fld,
                  "unknown country code; use ISO 3166-1 alpha-3 (e.g. SYR, CIV), or XKX for Kosovo",
                  code="unknown_country")
    problems.rows(file, frame, empty & np.asarray(required_mask, bool), fld,
                  "a country code is required (ISO 3166-1 alpha-3)", code="required")


def flags(file: str, frame: pd.DataFrame, fld: str, problems: Problems,
          empty_means: bool = True) -> np.ndarray:
    """true/false, 1/0, yes/no in any case; empty is `empty_means`."""
    text = frame[fld].str.lower()
    problems.rows(file, frame, ~(text.isin(TRUE_WORDS | FALSE_WORDS) | (text == "")), fld,
                  f"must be true or false (empty means {str(empty_means).lower()})",
                  code="not_true_or_false")
    return (~text.isin(FALSE_WORDS) if empty_means else text.isin(TRUE_WORDS)).to_numpy()


def required(file: str, frame: pd.DataFrame, fld: str, problems: Problems, what: str) -> None:
    problems.rows(file, frame, frame[fld] == "", fld, f"{what} is required", code="required")


def one_of(file: str, frame: pd.DataFrame, fld: str, allowed, problems: Problems, message: str,
           where=None) -> None:
    """Cells (where `where` holds, and not empty) must be one of `allowed`."""
    col = frame[fld]
    bad = (col != "") & ~col.isin(list(allowed))
    if where is not None:
        bad &= np.asarray(where, bool)
    problems.rows(file, frame, bad, fld, message, code="not_allowed", allowed=tuple(allowed))
