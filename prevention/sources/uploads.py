"""What the Data page needs besides the ingest and quarantine modules: the import history, and
turning uploaded files into the path an importer reads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Engine

from prevention.storage.db import get_engine
from prevention.storage.models.core import Import

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


# A zip may not unpack to more than a plain upload may be (server.maxUploadSize in
# .streamlit/config.toml, 200 MB): otherwise a small archive of repeated bytes (a "zip bomb")
# would fill the disk and the memory of the import. A bundle archive has a handful of files;
# thousands of entries are an attack on the unpacking, not a bundle.
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 64
_CHUNK = 1024 * 1024


def _unpack_bundle_zip(name: str, content: bytes, target: Path) -> None:
    """Write the bundle files of a .zip under `target`, refusing archives that unpack to more
    than MAX_EXPANDED_BYTES or hold more than MAX_ZIP_MEMBERS entries. The sizes the archive
    declares are checked first, and the bytes actually unpacked are counted as well, since a
    crafted archive can declare any size."""
    limit_mib = MAX_EXPANDED_BYTES // (1024 * 1024)
    too_big = UploadError(f"{name}: unpacked, it would be larger than {limit_mib} MiB unpacked "
                          f"(the import limit); upload the CSV files themselves, or split them")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise UploadError(f"{name}: not a zip archive (or a damaged one); upload the bundle's "
                          "CSV files, or zip them again") from None
    with archive as z:
        members = z.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise UploadError(f"{name}: {len(members)} entries; a bundle archive holds at most "
                              f"{MAX_ZIP_MEMBERS} (signals.csv, issuers.csv and the optional "
                              "files): zip only the bundle's files")
        if sum(m.file_size for m in members) > MAX_EXPANDED_BYTES:
            raise too_big
        left = MAX_EXPANDED_BYTES
        for member in members:
            leaf = Path(member.filename).name
            if member.is_dir() or leaf not in BUNDLE_NAMES:
                continue
            try:
                with z.open(member) as src, (target / leaf).open("wb") as out:
                    while chunk := src.read(min(_CHUNK, left + 1)):
                        left -= len(chunk)
                        if left < 0:
                            raise too_big
                        out.write(chunk)
            except (zipfile.BadZipFile, UploadError) as exc:
                (target / leaf).unlink(missing_ok=True)
                if isinstance(exc, UploadError):
                    raise
                raise UploadError(f"{name}: damaged archive ({exc}); zip the bundle's files "
                                  "again, or upload them unzipped") from None


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
                _unpack_bundle_zip(base, content, target)
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
