"""What the Data page needs besides the ingest and quarantine modules: the import history, and
turning uploaded files into the path an importer reads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Engine

from prevention.db import get_engine
from prevention.models.core import Import

HISTORY_COLUMNS = ["Import", "When (UTC)", "By", "Kind", "File", "Rows read", "Accepted",
                   "Duplicates", "Quarantined", "Skipped"]
BUNDLE_NAMES = ("signals.csv", "issuers.csv", "memberships.csv", "coverage.csv")


def import_history(limit: int = 200, engine: Engine | None = None) -> pd.DataFrame:
    """The latest imports, newest first, with how every row ended."""
    i = Import.__table__
    query = (sa.select(i.c.id, i.c.created_at, i.c.user_name, i.c.source_kind, i.c.file_name,
                       i.c.rows_read, i.c.accepted, i.c.duplicates, i.c.quarantined, i.c.skipped)
             .order_by(i.c.id.desc()).limit(limit))
    with (engine or get_engine()).connect() as conn:
        rows = [tuple(r) for r in conn.execute(query).all()]
    frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    frame["When (UTC)"] = [pd.Timestamp(t).strftime("%Y-%m-%d %H:%M") for t in frame["When (UTC)"]]
    return frame


class UploadError(ValueError):
    """Uploaded files that cannot be imported as given; the message says what to send."""


def stage_upload(files: list[tuple[str, bytes]], kind: str, folder: Path) -> Path:
    """Write uploaded (name, content) pairs under `folder` and return what the importer reads:
    a bundle folder (from its CSV files or a .zip of them), else the single file."""
    if not files:
        raise UploadError("choose a file to import")
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "bundle":
        target = folder / "bundle"
        target.mkdir(exist_ok=True)
        for name, content in files:
            base = Path(name).name
            if base.lower().endswith(".zip"):
                with zipfile.ZipFile(io.BytesIO(content)) as z:
                    for member in z.namelist():
                        leaf = Path(member).name
                        if leaf in BUNDLE_NAMES:
                            (target / leaf).write_bytes(z.read(member))
            elif base in BUNDLE_NAMES:
                (target / base).write_bytes(content)
            else:
                raise UploadError(f"{base}: a bundle is signals.csv, issuers.csv and optionally "
                                  "memberships.csv and coverage.csv (or a .zip of them)")
        missing = [n for n in BUNDLE_NAMES[:2] if not (target / n).exists()]
        if missing:
            raise UploadError(f"the bundle lacks {', '.join(missing)}; upload it too")
        return target
    if len(files) != 1:
        raise UploadError(f"a {kind} import reads one file; upload them one at a time")
    name, content = files[0]
    path = folder / Path(name).name
    path.write_bytes(content)
    return path
