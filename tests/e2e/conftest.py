"""A real `streamlit run` against a temporary database seeded with the real data, driven by
Debian's Chromium through Playwright (as in Streamlit's own e2e_playwright/conftest.py).

Without Chromium the browser tests skip with a message, except under CI=true where they fail.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot be skipped under CI=true: {reason}")
    pytest.skip(f"browser tests skipped: {reason} (run `make test` as root to install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run app.py` on a free port; its output goes to a log file for failures."""

    def __init__(self, database_url: str, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "streamlit.log"
        env = dict(os.environ, DATABASE_URL=database_url, PYTHONPATH=str(ROOT),
                   BROWSER_PATH=CHROMIUM)
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--client.showErrorDetails", "full"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-5000:]

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            pytest.fail(f"streamlit exited with {self.proc.returncode}:\n{self.output()}")

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"streamlit did not become healthy in {timeout} s:\n{self.output()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def start_server(database_url: str, folder: Path) -> Server:
    server = Server(database_url, folder)
    try:
        server.wait_healthy()
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def server(chromium_path, tmp_path_factory):
    from prevention.storage.db import dispose_engine, get_engine
    from prevention.storage.migrate import upgrade
    from tests.ui.seeding import seed_accounts, seed_real

    folder = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{folder / 'e2e.sqlite3'}"
    engine = get_engine(url)
    upgrade(engine)
    seed_real(engine, folder)
    seed_accounts(engine)
    dispose_engine(url)
    srv = start_server(url, folder)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    from playwright.sync_api import expect

    # The machine is shared: assertions wait for the page longer than Playwright's 5 s default.
    expect.set_options(timeout=20_000)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()
    server.check_alive()


def settle(page, server=None, timeout: float = 30_000) -> None:
    """Wait until the script has finished running (give a rerun a moment to start first)."""
    try:
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', timeout=500)
    except Exception:
        pass  # the run may already be over
    page.wait_for_selector(IDLE, timeout=timeout)
    if server is not None:
        server.check_alive()
    errors = page.locator('[data-testid="stException"]')
    if errors.count():
        raise AssertionError("the page raised:\n" + errors.first.inner_text()
                             + ("\n--- server output ---\n" + server.output() if server else ""))


def shot(page, name: str) -> Path:
    """A screenshot for a person to look at, once tables have replaced their placeholders."""
    try:
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')",
                               timeout=10_000)
        page.wait_for_timeout(300)  # the data grid paints its canvas after mounting
    except Exception:
        pass  # a screenshot of a slow page is still worth having
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, server, role: str) -> None:
    """Sign in on the Account page with the seeded account of `role`."""
    from tests.ui.seeding import ACCOUNTS, PASSWORD

    page.goto(f"{server.url}/account")
    settle(page, server)
    form = page.locator('[data-testid="stForm"]')
    form.get_by_role("textbox", name="Username").fill(ACCOUNTS[role])
    form.get_by_role("textbox", name="Password").fill(PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    settle(page, server)
    page.get_by_text("Signed in as").first.wait_for()
    # The session cookie is set by the server's /session/begin route, to which the page sends
    # the browser after the sign-in; a test that loads another URL before that response
    # arrived would race it and arrive signed out.
    from prevention.web.session import COOKIE

    deadline = time.monotonic() + 20
    while not any(c["name"] == COOKIE for c in page.context.cookies()):
        if time.monotonic() > deadline:
            raise AssertionError(f"signed in, but the {COOKIE} cookie was never written")
        page.wait_for_timeout(100)
