"""`make serve WORKERS=2` as it runs (prevention/web/serve.py, deploy/haproxy.cfg; issue 17): two
app processes behind HAProxy. A browser sticks to one process (its websocket needs it); the
static files come compressed and long-cached; and when its process dies the browser carries on
through the other one, still signed in (the session is in the database, not in the process)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, settle, shot, sign_in

WORKERS = 2


def _haproxy() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("haproxy is missing under CI=true (.ci/install-haproxy.sh installs it)")
        pytest.skip("haproxy is not installed (run `make test` as root to install it)")
    return found


def _free_block(n: int) -> int:
    """A port p with p .. p + n all free on 127.0.0.1."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + n > 65000:
            continue
        try:
            for p in range(base, base + n + 1):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
    raise RuntimeError("no block of free ports")


def _app_pid(port: int) -> int | None:
    """The pid of the app process serving `port` (a child of the supervisor)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(cmd) and str(port).encode() in cmd:
            return int(proc.name)
    return None


@pytest.fixture(scope="module")
def served(chromium_path, _templates, tmp_path_factory):
    from prevention.storage.db import dispose_engine, get_engine
    from tests.conftest import copy_sqlite
    from tests.ui.seeding import seed_accounts, seed_real

    _haproxy()
    folder = tmp_path_factory.mktemp("serve")
    path = folder / "serve.sqlite3"
    copy_sqlite(_templates("sqlite").removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    seed_real(get_engine(url), folder)
    seed_accounts(get_engine(url))
    dispose_engine(url)
    port = _free_block(WORKERS)
    log = (folder / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "prevention.web.serve", "--workers", str(WORKERS), "--host",
         "127.0.0.1", "--port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env=dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(ROOT)))
    front = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    ready = 0
    while time.monotonic() < deadline and ready < WORKERS:
        assert proc.poll() is None, (folder / "serve.log").read_text(errors="replace")[-3000:]
        ready = 0
        for i in range(WORKERS):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port + 1 + i}/_stcore/health", timeout=2):
                    ready += 1
            except OSError:
                pass
        time.sleep(0.3)
    assert ready == WORKERS, (folder / "serve.log").read_text(errors="replace")[-3000:]
    time.sleep(2.5)  # HAProxy's first health checks
    yield front, port, proc
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_static_files_come_compressed_and_long_cached(served):
    front, _, _ = served
    with urllib.request.urlopen(front + "/", timeout=10) as r:
        html = r.read().decode()
        assert "prevention_worker=" in (r.headers.get("Set-Cookie") or "")
    script = html.split('src="./static/js/', 1)[1].split('"', 1)[0] if 'src="./static/js/' in html \
        else html.split("static/js/", 1)[1].split('"', 1)[0]
    req = urllib.request.Request(f"{front}/static/js/{script}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        assert "immutable" in r.headers["Cache-Control"]
        packed = r.read()
    with urllib.request.urlopen(f"{front}/static/js/{script}", timeout=10) as r:
        plain = r.read()
        assert r.headers.get("Content-Encoding") is None  # a client that did not ask
    import gzip

    assert gzip.decompress(packed) == plain and len(packed) < len(plain) / 2


def test_a_browser_sticks_to_its_process_and_survives_its_death(served, page):
    front, port, proc = served

    class Front:  # what sign_in needs of a server
        url = front

        @staticmethod
        def check_alive():
            assert proc.poll() is None

        @staticmethod
        def output():
            return ""

    sign_in(page, Front, "viewer")
    sticky = {c["name"]: c["value"] for c in page.context.cookies()}["prevention_worker"]
    for _ in range(3):  # every page of this browser goes to the same process
        page.goto(f"{front}/watchlists")
        settle(page, Front)
        page.get_by_text("Signed in as").first.wait_for()
        assert {c["name"]: c["value"] for c in page.context.cookies()}["prevention_worker"] == sticky
    victim = _app_pid(port + 1 + int(sticky.removeprefix("app")))
    assert victim is not None
    os.kill(victim, signal.SIGKILL)
    # HAProxy sends the browser to the other process; the sign-in is the session cookie,
    # checked against the database there.
    deadline = time.monotonic() + 60
    while True:
        try:
            page.goto(f"{front}/watchlists")
            settle(page, Front)
            page.get_by_text("Signed in as").first.wait_for(timeout=10_000)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
    shot(page, "serve-after-worker-died")
    # The supervisor started the dead process again.
    deadline = time.monotonic() + 60
    while _app_pid(port + 1 + int(sticky.removeprefix("app"))) in (None, victim):
        assert time.monotonic() < deadline, "the dead app process was not started again"
        time.sleep(0.5)
