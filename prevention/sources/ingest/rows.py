"""What happened to each source row: duplicate, accepted or quarantined, and why."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from triggers.problems import Problem


class RowOutcomes:
    """Outcome per source row: 0 duplicate, 1 accepted, 2 quarantined."""

    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []
        # key -> why its row conflicts with a stored record (or an earlier row of the file)
        self.conflicts: dict[str, Problem] = {}

    def add(self, keys: Iterable[str], new: Iterable[bool]) -> None:
        keys = keys.to_numpy(dtype=object) if isinstance(keys, pd.Series) else list(keys)
        self.frames.append(pd.DataFrame({"key": pd.Series(keys, dtype=object),
                                         "state": np.asarray(new, dtype=np.int8)}))

    def conflict(self, key: str, problem: Problem) -> None:
        self.conflicts.setdefault(key, problem)

    def states(self) -> pd.Series:
        frames = [f for f in self.frames if len(f)]
        if frames:
            states = pd.concat(frames).groupby("key", sort=False)["state"].max()
        else:
            states = pd.Series(dtype=np.int8)
        if self.conflicts:
            states = states.copy()
            for k in self.conflicts:
                states[k] = 2
        return states


def first_difference(stored: dict, given: dict, fields: list[str]) -> str | None:
    for f in fields:
        a, b = stored.get(f), given.get(f)
        if str(a if a is not None else "") != str(b if b is not None else ""):
            return f"{f}: stored {a!r}, this row {b!r}"
    return None
