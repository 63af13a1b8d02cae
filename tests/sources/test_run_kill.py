"""A fetch process killed (SIGKILL) between pages or inside a page's transaction leaves whole
pages only, and the next fetch continues with the first page not stored."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import sqlalchemy as sa

from prevention.sources.run import fetch
from prevention.storage.settings import PROJECT_DIR

from .test_run import ALL, SOURCE, Provider, counts, cursor, signal_ids, tools

CHILD = """
import sys, time
from prevention.storage.settings import Settings
from prevention.sources import reliefweb, run
from prevention.sources.http import HttpClient
from prevention.accounts.access import system

url, where = sys.argv[1], sys.argv[2]
store_in, pages = run.store_in, []

def inside_page_2(conn, parsed, report, **kw):
    blocked = store_in(conn, parsed, report, **kw)
    pages.append(1)
    if len(pages) == 2:
        print("inside page 2", flush=True)
        time.sleep(60)  # killed here: page 2's rows are written, not committed
    return blocked

def after_page_1(stored, expected, message):
    if stored == 1:
        print("after page 1", flush=True)
        time.sleep(60)  # killed here: page 1 committed, page 2 not asked for

if where == "inside":
    run.store_in = inside_page_2
connector = reliefweb.ReliefWebOhchr(url, "test-app", page_size=3)
run.fetch(reliefweb.SOURCE, since="2011-01-01", actor=system("killed"),
          connectors={reliefweb.SOURCE: connector}, settings=Settings(reliefweb_appname="x"),
          client=HttpClient("ua", min_delay=0.0, attempts=1),
          progress=after_page_1 if where == "between" else None)
"""


@pytest.mark.parametrize("where, said", [("between", "after page 1"),
                                         ("inside", "inside page 2")])
def test_a_killed_fetch_leaves_whole_pages_and_the_next_one_resumes(
        engine, db_url, httpserver, clock, where, said):
    provider = Provider(httpserver)
    env = os.environ | {"DATABASE_URL": db_url, "PYTHONPATH": str(PROJECT_DIR)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, httpserver.url_for("/v2"), where],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == said, child.stderr.read()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    # The database is as after page 1: its response, its signals, a run that resumes at page 2.
    assert signal_ids(engine) == ALL[:2]
    assert counts(engine)["raw_responses"] == 1
    state = cursor(engine)["run"]
    assert state["next"]["meta"]["offset"] == 3 and len(state["pages"]) == 1
    with engine.connect() as conn:
        imports = conn.execute(sa.text("SELECT COUNT(*) FROM imports")).scalar_one()
    assert imports == 1

    provider.offsets.clear()
    report = fetch(SOURCE, engine=engine, **tools(httpserver, clock))
    assert report.resumed and report.outcome == "done"  # the killed process is gone: no wait
    assert provider.offsets == [3, 6]
    assert signal_ids(engine) == ALL and cursor(engine)["run"] is None
