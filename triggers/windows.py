"""Sliding-window counts over a (country x day) grid: the two primitives every timeline needs.

A value "as of day T with window W" covers the days T-W+1 .. T. Both primitives return an
int32 array of shape (n_countries, last - first + 1), one column per day T from first to last.
"""

from __future__ import annotations

import numpy as np


def windowed_count(country: np.ndarray, day: np.ndarray, n_countries: int,
                   first: int, last: int, window: int) -> np.ndarray:
    """Number of events in the window ending on each day (a cumulative-sum difference)."""
    origin = first - window + 1
    width = last - origin + 1
    keep = (day >= origin) & (day <= last)
    flat = country[keep].astype(np.int64) * width + (day[keep] - origin)
    counts = np.bincount(flat, minlength=n_countries * width).reshape(n_countries, width)
    # int32 throughout (a country would need 2**31 signals to overflow): half the memory
    # traffic of int64, which is most of the cost on a 20-year daily grid.
    running = np.zeros((n_countries, width + 1), dtype=np.int32)
    np.cumsum(counts, axis=1, dtype=np.int32, out=running[:, 1:])
    return running[:, window:] - running[:, : width - window + 1]


def windowed_distinct(country: np.ndarray, entity: np.ndarray, day: np.ndarray,
                      n_countries: int, first: int, last: int, window: int) -> np.ndarray:
    """Number of distinct entities with an event in the window ending on each day.

    Each event keeps its (country, entity) pair active for `window` days; overlapping
    activity of one pair is merged into runs, so a pair is counted once however often it
    recurs, and each run adds +1/-1 to a difference array.
    """
    days_out = last - first + 1
    keep = (day >= first - window + 1) & (day <= last)
    country, entity, day = country[keep], entity[keep], day[keep]
    result = np.zeros((n_countries, days_out + 1), dtype=np.int64)
    if len(day):
        order = np.lexsort((day, entity, country))
        c, e, d = country[order], entity[order], day[order]
        same_pair = np.zeros(len(d), dtype=bool)
        same_pair[1:] = (c[1:] == c[:-1]) & (e[1:] == e[:-1])
        gap = np.ones(len(d), dtype=bool)
        gap[1:] = (d[1:] - d[:-1]) >= window
        starts = np.flatnonzero(~same_pair | gap)
        ends = np.append(starts[1:], len(d)) - 1  # last event of each run
        run_first = np.maximum(d[starts], first) - first
        run_last = np.minimum(d[ends] + window - 1, last) - first
        run_c = c[starts].astype(np.int64)
        width = days_out + 1
        np.add.at(result.reshape(-1), run_c * width + run_first, 1)
        np.add.at(result.reshape(-1), run_c * width + run_last + 1, -1)
    return np.cumsum(result, axis=1)[:, :days_out].astype(np.int32)
