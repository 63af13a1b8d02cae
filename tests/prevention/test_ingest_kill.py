"""A killed import process leaves the database as it was (SIGKILL in the middle of writing)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from prevention.accounts.access import system
from prevention.sources.ingest import import_file
from prevention.storage.settings import PROJECT_DIR
from tests.prevention.bundles import ISSUERS, table_counts, write_bundle

CHILD = """
import sys, time
from prevention.sources.ingest import import_file
from prevention.accounts.access import system
def progress(stage, done, total):
    if stage == "signals":
        print("writing", flush=True)
        time.sleep(60)  # the parent kills us here, inside the import's transaction
import_file(sys.argv[1], "bundle", user=system("killed"), progress=progress)
"""


def test_a_killed_import_leaves_the_database_unchanged(engine, db_url, tmp_path):
    import_file(write_bundle(tmp_path / "a"), "bundle", user=system("t"), engine=engine)
    before = table_counts(engine)
    rows = [[f"k{i}", "2020-01-01", "SYR", "ohchr-hc", "true", "", "", "", "", ""]
            for i in range(500)]
    folder = write_bundle(tmp_path / "b", rows, ISSUERS)
    env = os.environ | {"DATABASE_URL": db_url, "PREVENTION_IMPORT_BATCH_SIZE": "100",
                        "PYTHONPATH": str(PROJECT_DIR)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(folder)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "writing", child.stderr.read()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert table_counts(engine) == before
    again = import_file(folder, "bundle", user=system("t"), engine=engine)  # and the database works
    assert again.accepted == 500
