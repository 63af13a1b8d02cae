"""The report of one import, and the keys its rows are accounted by."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from triggers.problems import Problem

SHOWN_PROBLEMS = 200  # problems kept in the import row's summary; all are in quarantine


class IngestError(Exception):
    """The import could not be stored; nothing was written. The message says what to do."""


@dataclass
class ImportReport:
    """What happened to every row of one import; the counts always add up to rows_read."""

    import_id: int | None
    kind: str
    file_name: str
    sha256: str
    rows_read: int
    accepted: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped: int = 0
    skipped_by_reason: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # file-level first, then by row
    problem_count: int = 0
    notes: list[str] = field(default_factory=list)  # things stored differently than given
    coverage: int = 0  # coverage rows this import added (docs/coverage.md)
    # Quarantined rows that were waiting in the quarantine already (an earlier import of the
    # same rows): counted in `quarantined`, not stored a second time.
    already_quarantined: int = 0

    @property
    def read_anything(self) -> bool:
        """False when the file could not be read at all (the CLI exits with 2)."""
        return self.import_id is not None

    def to_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        skipped = "".join(f"\n    {n} {reason}" for reason, n in self.skipped_by_reason.items())
        lines = [f"{self.file_name} ({self.kind}): {self.rows_read} rows read",
                 f"  accepted    {self.accepted}", f"  duplicates  {self.duplicates}",
                 f"  quarantined {self.quarantined}" + (
                     f" ({self.already_quarantined} waiting there already)"
                     if self.already_quarantined else ""),
                 f"  skipped     {self.skipped}{skipped}"]
        if self.import_id is not None:
            lines.insert(1, f"  import #{self.import_id}, sha256 {self.sha256[:12]}")
            lines.append(f"  coverage    {self.coverage} row(s) declared")
        if self.problem_count:
            lines.append(f"{self.problem_count} problem(s):")
            lines += [f"  {p}" for p in self.problems]
            if self.problem_count > len(self.problems):
                lines.append(f"  ... and {self.problem_count - len(self.problems)} more "
                             "(all are in the quarantine)")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def quarantine_key(kind: str, raw: dict) -> str:
    """A quarantined row's natural key: its import kind and the row as stored."""
    text = json.dumps({"kind": kind, "raw": raw}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_key(source_row) -> str:
    """The accounting key of a record's source row ("12", or "signals.csv:12" in a bundle)."""
    return str(source_row)


def rejected_key(r: Problem) -> str | None:
    if r.row is None:
        return None
    where = r.raw.get("_file") if isinstance(r.raw, dict) else None
    return f"{where}:{r.row}" if where else str(r.row)


