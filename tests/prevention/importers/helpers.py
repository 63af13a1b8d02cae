"""Shared checks for parser tests: the row accounting every parser must keep."""

from __future__ import annotations

from pathlib import Path

from prevention.sources.importers.base import ParsedImport
from prevention.storage.settings import PROJECT_DIR

DATA = PROJECT_DIR / "data"
SEED = DATA / "seed"
REFERENCE = DATA / "reference"
SP_SAMPLE = SEED / "sp_communications_sample_2025-12_2026-02.csv"
RESOLUTIONS = SEED / "un_sc_ga_resolutions_1946_2025.csv"


def accepted_rows(parsed: ParsedImport) -> set[str]:
    rows = set(parsed.signals["source_row"].astype(str)) if len(parsed.signals) else set()
    if parsed.records is not None and len(parsed.records):
        rows |= set(parsed.records["source_row"].astype(str))
    return rows


def assert_accounted(parsed: ParsedImport) -> None:
    """Every row read is accepted, rejected or skipped, exactly once."""
    accepted = accepted_rows(parsed)
    rejected = {str(r.row) for r in parsed.rejected if r.row is not None}
    assert not accepted & rejected, f"rows both accepted and rejected: {accepted & rejected}"
    assert len(rejected) == len([r for r in parsed.rejected if r.row is not None]), \
        "a row was rejected twice"
    total = len(accepted) + len(rejected) + parsed.skipped_rows
    assert total == parsed.rows_read, (
        f"{parsed.rows_read} rows read but {len(accepted)} accepted + {len(rejected)} "
        f"rejected + {parsed.skipped_rows} skipped")


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path
