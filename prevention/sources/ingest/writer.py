"""Writing an import's rows: batched INSERTs with progress."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Connection

from prevention.sources.ingest.fields import ISSUER_FIELDS
from prevention.storage.settings import get_settings

# (stage, done, total): called after each written batch, so a CLI or page can show progress.
Progress = Callable[[str, int, int], None]
MAX_BOUND = 999  # values bound per statement: SQLite's smallest compiled-in limit

# Bulk INSERTs skip SQLAlchemy's per-value bind processing, which would otherwise dominate a
# million-row import: big frames go in as multi-row statements (`Writer.insert_frame`), small
# ones through these untyped table clauses. Dates go in as ISO text, the form SQLAlchemy's
# Date type stores on SQLite and PostgreSQL casts on input.
ISSUERS_TABLE = sa.table("issuers", *(sa.column(c) for c in ["issuer_id", *ISSUER_FIELDS, "import_id"]))
ACCREDITATIONS_TABLE = sa.table("issuer_accreditations", *(sa.column(c) for c in
                                ["issuer_id", "status", "scope", "reviewed_on", "import_id"]))


class Writer:
    """Writes one import's records in its transaction; `pending` writes run once every row's
    fate is known, and skip the rows in `blocked` (quarantined)."""

    def __init__(self, conn: Connection, import_id: int, progress: Progress | None):
        self.conn = conn
        self.import_id = import_id
        self.progress = progress
        self.batch = get_settings().import_batch_size
        self.pending: list[Callable[[], None]] = []
        self.blocked: set[str] = set()
        self.placeholder = "?" if conn.dialect.paramstyle == "qmark" else "%s"

    def insert(self, stage: str, table, records: list[dict]) -> None:
        """INSERT dict records into a Table/TableClause in batches through Core executemany,
        reporting progress per batch (small tables; big frames use `insert_frame`)."""
        total = len(records)
        for start in range(0, total, self.batch):
            self.conn.execute(sa.insert(table), records[start:start + self.batch])
            if self.progress:
                self.progress(stage, min(start + self.batch, total), total)

    def insert_frame(self, stage: str, name: str, frame: pd.DataFrame, columns: list[str],
                     **constants) -> None:
        """INSERT a big frame as multi-row statements (up to MAX_BOUND values each) through
        executemany: a fraction of the statements to step through, and no tuple per row, make
        a million-row insert about a third faster than one statement per row."""
        names = [*columns, *constants]
        total = len(frame)
        if total == 0:
            return
        grid = np.empty((total, len(names)), dtype=object)
        for j, c in enumerate(columns):
            grid[:, j] = frame[c].to_numpy(dtype=object)
        for j, value in enumerate(constants.values(), start=len(columns)):
            grid[:, j] = value
        per = max(1, MAX_BOUND // len(names))  # rows per statement
        row = "(" + ", ".join([self.placeholder] * len(names)) + ")"
        head = f"INSERT INTO {name} ({', '.join(names)}) VALUES "
        whole = total // per * per
        step = max(per, self.batch // per * per)  # rows per executemany (and progress report)
        for start in range(0, whole, step):
            stop = min(start + step, whole)
            block = grid[start:stop].reshape(-1, per * len(names))
            self.conn.exec_driver_sql(head + ", ".join([row] * per),
                                      list(map(tuple, block.tolist())))
            if self.progress:
                self.progress(stage, stop, total)
        if whole < total:
            rest = grid[whole:]
            self.conn.exec_driver_sql(head + ", ".join([row] * len(rest)),
                                      tuple(rest.reshape(-1).tolist()))
            if self.progress:
                self.progress(stage, total, total)
