"""Write the stored evidence as a signal bundle (the engine's exchange format).

Import then export then import again changes nothing: the export is what `load_bundle` reads,
written by the engine's own `write_bundle`, which the bundle importer reads back row for row.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from prevention.storage.frames import invalidate, load_bundle
from triggers.bundle import write_bundle


def export_bundle(path: str | Path, engine: Engine | None = None) -> Path:
    """Write signals.csv, issuers.csv, coverage.csv and (when any are stored) memberships.csv
    and accreditations.csv (the review history) into `path`."""
    invalidate()  # an export must reflect the database now, not a cached frame
    return write_bundle(load_bundle(engine), path)
