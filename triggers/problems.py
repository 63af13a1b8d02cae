"""One problem type for every input the product reads: where, what, what is allowed.

A Problem names the file, the row (the line a text editor or spreadsheet shows, header = 1;
None for a problem with the whole file), the field, the value as written, what is wrong, what
is allowed, a reason code for programs, the raw row (so a quarantined row can be fixed and
re-submitted) and, for names, the closest suggestions. The engine's bundle and outcomes readers,
every importer and the quarantine use it. Problems are collected, never raised one by one, so
a user sees every problem of a file at once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Problem:
    file: str = ""
    row: int | None = None
    field: str | None = None
    value: str | None = None
    message: str = ""
    allowed: tuple[str, ...] = ()
    code: str = ""  # a stable reason code ("unknown_kind", "not_a_date", "unclosed_quote", ...)
    raw: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False)
    suggestions: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """The message, as importers and the quarantine call it."""
        return self.message

    def where(self) -> str:
        parts = [self.file] if self.file else []
        parts += [f"row {self.row}"] if self.row is not None else []
        parts += [f"field {self.field!r}"] if self.field else []
        return ", ".join(parts)

    def __str__(self) -> str:
        shown = "" if self.value is None else f" {clip(self.value)!r}"
        hint = f" (did you mean: {', '.join(self.suggestions)}?)" if self.suggestions else ""
        where = self.where()
        return f"{where}:{shown} {self.message}{hint}" if where else f"{shown} {self.message}{hint}".lstrip()


def clip(value: str, limit: int = 80) -> str:
    value = str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


class Problems:
    """Collects problems; `rows()` adds one per row of a frame where a mask holds, reading the
    row number from the frame's index (its spreadsheet lines)."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def add(self, file: str, row: int | None, field: str | None, value: str | None,
            message: str, **more) -> None:
        self.items.append(Problem(file, row, field, value, message, **more))

    def extend(self, problems) -> None:
        self.items.extend(problems)

    def rows(self, file: str, frame: pd.DataFrame, mask, fld: str, message: str, **more) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        values = frame.loc[mask, fld] if fld in frame.columns else pd.Series([None] * int(mask.sum()))
        for line, value in zip(frame.index[mask], values):
            self.items.append(Problem(file, int(line), fld, value, message, **more))


class Invalid(ValueError):
    """One value that cannot be read, raised where a cell is parsed (a reference, a date, a
    mandate's name); the caller knows the file and the row and records it as a Problem there."""

    def __init__(self, field: str, value: str | None, reason: str,
                 suggestions: tuple[str, ...] = ()):
        super().__init__(reason)
        self.field, self.value, self.reason, self.suggestions = field, value, reason, tuple(suggestions)

    def at(self, row: int | None, raw: dict, field: str | None = None, file: str = "") -> Problem:
        """The Problem of this value in row `row` (its cells `raw`), under the file's name for
        the field when it differs from the parser's."""
        return Problem(file=file, row=row, field=field or self.field, value=self.value,
                       message=self.reason, raw=raw, suggestions=self.suggestions)


class ProblemError(Exception):
    """Every problem found in an input; nothing was read. The message lists them."""

    what = "the input"

    def __init__(self, problems: list[Problem], source: str = "input", shown: int = 50):
        self.problems = sorted(problems, key=lambda p: (p.file, p.row or 0))
        self.source = source
        lines = [f"{len(self.problems)} problem(s) in {source}; fix them and read {self.what} again:"]
        lines += [f"  {p}" for p in self.problems[:shown]]
        if len(self.problems) > shown:
            lines.append(f"  ... and {len(self.problems) - shown} more")
        super().__init__("\n".join(lines))
