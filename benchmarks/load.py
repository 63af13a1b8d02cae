"""A Bureau meeting's worth of viewers: K headless Chromium sessions against 1 and N app
processes, in the same run (issue 17).

The database holds the seeded real data (`prevention seed`) and, on top, --signals synthetic
signals (benchmarks/synth.py; the app then shows its SYNTHETIC DATA banner). Each phase
starts fresh `streamlit run app.py` processes with the production configuration
(.streamlit/config.toml), behind the shipped HAProxy configuration (deploy/haproxy.cfg) when
there are several, and drives Debian's Chromium through Playwright:

- closed loop: K users at once, each in its own browser context (its own cookies and HTTP
  cache, like a person's browser): a new session on the Overview ("new session": Streamlit's
  frontend boots, opens its websocket, the script runs), then --rounds times a Country page
  (picked in the Overview's "Open a State's page") and the Overview again (its sidebar link),
  as a person moves through the dashboard;
- fixed arrival rate: one page every 1/rate seconds for --duration seconds, whatever the
  earlier ones are doing, each the next page (Country, Overview, ...) of one of --pool open
  sessions in turn, timed from its arrival (a wait for that session's previous page counts);
- idle sessions: --idle sessions left open on the Overview; the servers' memory before and
  after, per session;
- cold first render: a new server process started, then the first Overview load.

A page is timed from the navigation (or the click) to the script idle with the page's content
drawn (Overview: the table and the map's countries; Country: the criteria and the timeline); more
than --timeout seconds is a timeout. Printed per phase and page: p50, p95, max, timeouts, and
the servers' CPU seconds (all app processes and the proxy, from /proc), CPU seconds per page,
peak memory, and the load average at the start and the end. The machine is shared: compare the
1-process and N-process figures of the same run, and read the load average beside them.

    python -m benchmarks.load [--signals 100000] [--users 1,10,20] [--rate 2 --duration 60]
                              [--workers 2] [--backend sqlite|postgresql]

Exit status 0 always once it ran (figures, not a test); 2 without Chromium or HAProxy.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, IDLE, free_port

COUNTRIES = ["SYR", "LBY", "MMR", "SDN", "CIV", "UKR", "AFG", "YEM", "VEN", "ETH"]
NAMES = {"SYR": "Syrian Arab", "LBY": "Libya", "MMR": "Myanmar", "SDN": "Sudan", "CIV": "Ivoire",
         "UKR": "Ukraine", "AFG": "Afghanistan", "YEM": "Yemen", "VEN": "Venezuela",
         "ETH": "Ethiopia"}
AS_OF = "2025-12-31"
READY = {
    "overview": ['[data-testid="stDataFrame"]', ".js-plotly-plot .choroplethlayer path"],
    "country": ['[data-testid="stHeading"]:has-text("Criteria")', ".js-plotly-plot"],
}
CLK_TCK = os.sysconf("SC_CLK_TCK")
VIEWPORT = {"width": 1280, "height": 800}


# ---------------------------------------------------------------- the database

def seed(folder: Path, n_signals: int, backend: str) -> tuple[str, object]:
    """A database with the real seed and n synthetic signals; (url, PostgreSQL server or None)."""
    from prevention.sources.ingest import import_file
    from prevention.sources.seed import seed as seed_real
    from prevention.storage.db import dispose_engine, get_engine
    from prevention.storage.migrate import upgrade
    from tests.ui.seeding import seed_accounts

    pg = None
    if backend == "postgresql":
        from tests.conftest import _pg_admin, _pg_bin, _PostgresServer

        bindir = _pg_bin()
        if bindir is None:
            raise SystemExit("PostgreSQL is not installed (make test as root installs it)")
        pg = _PostgresServer(bindir)
        pg.start()
        _pg_admin(pg, "CREATE DATABASE bench")
        url = pg.url("bench")
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = get_engine(url)
    t = time.perf_counter()
    upgrade(engine)
    seed_real(engine, ROOT / "data", say=lambda _m: None)
    if n_signals:
        from benchmarks.synth import make_bundle
        from triggers.bundle import write_bundle

        write_bundle(make_bundle(n_signals), folder / "synthetic")
        try:  # the acting account of an import; a plain name in older checkouts
            from prevention.accounts.access import system

            user = system("benchmark")
        except ImportError:
            user = "benchmark"
        import_file(folder / "synthetic", "bundle", user=user, engine=engine)
    seed_accounts(engine)
    print(f"database ({backend}): real seed + {n_signals:,} synthetic signals in "
          f"{time.perf_counter() - t:.1f} s")
    dispose_engine(url)
    return url, pg


# ---------------------------------------------------------------- processes

def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _tree(pid: int) -> list[int]:
    out = [pid]
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for k in kids:
        out.extend(_tree(int(k)))
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for root in pids:
        for pid in _tree(root):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK_TCK


def rss_mb(pids: list[int]) -> float:
    total = 0
    for root in pids:
        for pid in _tree(root):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
    return total / 1024


@dataclass
class Servers:
    """N app processes, and HAProxy in front when N > 1 (or when asked)."""

    database_url: str
    n: int
    folder: Path
    proxy: bool = False
    procs: list = field(default_factory=list)
    proxy_proc: object = None
    url: str = ""
    started: float = 0.0

    def start(self) -> None:
        from prevention.web.serve import app_command, proxy_config

        self.started = time.monotonic()
        ports = [free_port() for _ in range(self.n)]
        env = dict(os.environ, DATABASE_URL=self.database_url, PYTHONPATH=str(ROOT))
        for i, port in enumerate(ports):
            log = (self.folder / f"app-{self.n}-{i}.log").open("wb")
            self.procs.append(subprocess.Popen(app_command(port, "127.0.0.1"), cwd=ROOT, env=env,
                                               stdout=log, stderr=subprocess.STDOUT))
        for port in ports:
            _wait_health(f"http://127.0.0.1:{port}", self.procs)
        if self.proxy or self.n > 1:
            front = free_port()
            cfg = self.folder / f"haproxy-{self.n}.cfg"
            cfg.write_text(proxy_config(front, ports, bind="127.0.0.1"))
            self.proxy_proc = subprocess.Popen([shutil.which("haproxy") or "haproxy", "-f", str(cfg)],
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.url = f"http://127.0.0.1:{front}"
            _wait_health(self.url, [self.proxy_proc])
        else:
            self.url = f"http://127.0.0.1:{ports[0]}"

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs] + ([self.proxy_proc.pid] if self.proxy_proc else [])

    def stop(self) -> None:
        for p in self.procs + ([self.proxy_proc] if self.proxy_proc else []):
            if p.poll() is None:
                p.terminate()
        for p in self.procs + ([self.proxy_proc] if self.proxy_proc else []):
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()


def _wait_health(url: str, procs, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise SystemExit(f"a server process exited with {p.returncode} (see its log)")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not become healthy in {timeout} s")


# ---------------------------------------------------------------- the browser side

def page_url(base: str, kind: str, i: int) -> str:
    if kind == "overview":
        return f"{base}/?as_of={AS_OF}"
    return f"{base}/country?country={COUNTRIES[i % len(COUNTRIES)]}&as_of={AS_OF}"


# Every change of the script's run state, with the browser's clock. A MutationObserver
# callback may come after several changes (a fast run goes running -> notRunning before it),
# so each record counts, not the attribute's value when the callback runs.
WATCH_STATE = """() => {
  if (window.__st) return;
  window.__st = [];
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver((records) => { for (const r of records) window.__st.push(performance.now()); })
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
RUN_DONE = """(t0) => {
  const app = document.querySelector('[data-testid="stApp"]');
  return (window.__st || []).some((t) => t >= t0)
    && app.getAttribute('data-test-script-state') === 'notRunning';
}"""


async def _ready(page, kind: str, t0: float, timeout: float) -> None:
    left = lambda: max(1.0, timeout - (time.perf_counter() - t0)) * 1000
    for sel in READY[kind]:
        await page.wait_for_selector(sel, state="attached", timeout=left())
    await page.wait_for_selector(IDLE, timeout=left())
    if await page.locator('[data-testid="stException"]').count():
        raise RuntimeError(f"the {kind} page raised")


async def load(ctx, url: str, kind: str, timeout: float, page=None) -> float | None:
    """A new browser session on `url` (Streamlit's frontend boots, opens its websocket, the
    script runs): seconds to the drawn page, None on a timeout or an error. In a new tab of
    `ctx`, or in `page` (a user's one tab, kept) when given."""
    own = page is None
    page = await ctx.new_page() if own else page
    t0 = time.perf_counter()
    try:
        await page.goto(url, timeout=timeout * 1000)
        await _ready(page, kind, t0, timeout)
        await page.evaluate(WATCH_STATE)
        return time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - a page that did not come is a timeout
        print(f"  {kind} {url}: {type(exc).__name__}", flush=True)
        return None
    finally:
        if own:
            await page.close()


async def navigate(page, kind: str, i: int, timeout: float, t0: float | None = None) -> float | None:
    """A page opened inside a running session, as a person moves on: the Country page by the
    Overview's "Open a State's page" picker, the Overview by its link in the sidebar. Seconds
    from the click (or from `t0`, an arrival) to the drawn page."""
    t0 = time.perf_counter() if t0 is None else t0
    try:
        clock = await page.evaluate("performance.now()")
        if kind == "country":
            box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Open a State")
            await box.locator("input").click(timeout=timeout * 1000)
            await page.keyboard.type(NAMES[COUNTRIES[i % len(COUNTRIES)]])
            await page.keyboard.press("Enter")
        else:
            await page.locator('[data-testid="stSidebarNav"] a').filter(
                has_text="Overview").first.click(timeout=timeout * 1000)
        await page.wait_for_function(RUN_DONE, arg=clock, timeout=timeout * 1000)
        await _ready(page, kind, t0, timeout)
        return time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - a page that did not come is a timeout
        print(f"  {kind} in session: {type(exc).__name__}", flush=True)
        return None


@dataclass
class Phase:
    name: str
    times: dict = field(default_factory=lambda: {"new session": [], "overview": [], "country": []})
    timeouts: dict = field(default_factory=lambda: {"new session": 0, "overview": 0, "country": 0})
    cpu: float = 0.0
    client_cpu: float = 0.0
    wall: float = 0.0
    peak_mb: float = 0.0
    load_before: str = ""
    load_after: str = ""

    def add(self, kind: str, t: float | None) -> None:
        if t is None:
            self.timeouts[kind] += 1
        else:
            self.times[kind].append(t)

    def report(self) -> list[str]:
        pages = sum(len(v) for v in self.times.values()) + sum(self.timeouts.values())
        lines = [(f"{self.name}: {pages} pages in {self.wall:.0f} s, server CPU {self.cpu:.1f} s "
                  f"({self.cpu / max(pages, 1):.2f} s a page, {pages / max(self.wall, 1e-9):.2f} "
                  f"pages/s), peak RSS {self.peak_mb:.0f} MB; browsers' CPU {self.client_cpu:.0f} "
                  f"s; load {self.load_before} -> {self.load_after}")]
        for kind, ts in self.times.items():
            if ts or self.timeouts[kind]:
                lines.append(f"  {kind:11s} n={len(ts) + self.timeouts[kind]:4d} " + stats(ts)
                             + f" timeouts {self.timeouts[kind]}")
        return lines


def stats(ts: list[float]) -> str:
    if not ts:
        return "p50    -   p95    -   max    -  "
    s = sorted(ts)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return f"p50 {statistics.median(s):5.2f} p95 {p95:5.2f} max {s[-1]:5.2f}"


async def _measure(servers: Servers, phase: Phase, work) -> Phase:
    phase.load_before = loadavg()
    cpu0 = cpu_seconds(servers.pids)
    client0 = cpu_seconds([os.getpid()]) - cpu0
    t0 = time.perf_counter()
    done = asyncio.Event()

    async def sample():
        while not done.is_set():
            phase.peak_mb = max(phase.peak_mb, rss_mb(servers.pids))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    await work()
    done.set()
    await sampler
    phase.wall = time.perf_counter() - t0
    phase.cpu = cpu_seconds(servers.pids) - cpu0
    phase.client_cpu = cpu_seconds([os.getpid()]) - phase.cpu - cpu0 - client0
    phase.load_after = loadavg()
    return phase


async def closed_loop(browser, servers: Servers, users: int, rounds: int, timeout: float) -> Phase:
    """K users at once: each opens the dashboard (a new session on the Overview), then goes
    to a Country page and back to the Overview, `rounds` times, with no pause."""
    phase = Phase(f"{users} users at once, a new session then {rounds} x (Country, Overview)")

    async def user(u: int):
        ctx = await browser.new_context(viewport=VIEWPORT)
        tab = await ctx.new_page()
        try:
            t = await load(ctx, page_url(servers.url, "overview", u), "overview", timeout, tab)
            phase.add("new session", t)
            if t is None:
                return
            for r in range(rounds):
                phase.add("country", await navigate(tab, "country", u * rounds + r, timeout))
                phase.add("overview", await navigate(tab, "overview", u, timeout))
        finally:
            await ctx.close()

    return await _measure(servers, phase, lambda: asyncio.gather(*(user(u) for u in range(users))))


async def arrivals(browser, servers: Servers, rate: float, duration: float, pool: int,
                   timeout: float) -> Phase:
    """One page every 1/rate seconds, whatever the earlier ones are doing: each arrival is the
    next page (Country, then Overview) of one of `pool` open sessions in turn, timed from its
    arrival (waiting for that session's previous page included)."""
    phase = Phase(f"arrivals at {rate:g} pages/s for {duration:g} s over {pool} open sessions")
    tabs = []
    for k in range(pool):
        ctx = await browser.new_context(viewport=VIEWPORT)
        tab = await ctx.new_page()
        if await load(ctx, page_url(servers.url, "overview", k), "overview", timeout, tab) is not None:
            tabs.append((ctx, tab, asyncio.Lock(), ["overview"]))
        else:
            await ctx.close()

    async def work():
        tasks = []
        start = time.perf_counter()
        i = 0
        while time.perf_counter() - start < duration and tabs:
            _ctx, tab, lock, where = tabs[i % len(tabs)]
            arrived = time.perf_counter()

            async def one(tab=tab, lock=lock, where=where, i=i, t0=arrived):
                async with lock:
                    kind = "country" if where[0] == "overview" else "overview"
                    t = await navigate(tab, kind, i, timeout - (time.perf_counter() - t0), t0)
                    phase.add(kind, t)
                    if t is not None:
                        where[0] = kind

            tasks.append(asyncio.create_task(one()))
            i += 1
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        await asyncio.gather(*tasks)

    try:
        return await _measure(servers, phase, work)
    finally:
        for ctx, *_ in tabs:
            await ctx.close()


async def idle_sessions(browser, servers: Servers, n: int, timeout: float) -> str:
    # A warm-up session first, so that caches are not counted as session memory.
    ctx = await browser.new_context()
    await load(ctx, page_url(servers.url, "overview", 0), "overview", timeout)
    await ctx.close()
    await asyncio.sleep(2)
    before = rss_mb(servers.pids)
    contexts, pages = [], []
    for i in range(n):
        ctx = await browser.new_context(viewport=VIEWPORT)
        page = await ctx.new_page()
        await page.goto(page_url(servers.url, "overview", i))
        for sel in READY["overview"]:
            await page.wait_for_selector(sel, state="attached", timeout=timeout * 1000)
        contexts.append(ctx)
        pages.append(page)
    await asyncio.sleep(3)
    after = rss_mb(servers.pids)
    for ctx in contexts:
        await ctx.close()
    return (f"{n} idle sessions on the Overview: server RSS {before:.0f} -> {after:.0f} MB, "
            f"{(after - before) / n:.2f} MB a session")


async def cold_render(browser, database_url: str, folder: Path, timeout: float,
                      settle: float = 0.0) -> str:
    """A new app process, then the first Overview load of a new browser (its HTTP cache
    empty), at once when the process answers its health check, or `settle` seconds later (a
    person opening the page a moment after `make run`: the warm-up has filled the caches)."""
    servers = Servers(database_url, 1, folder)
    servers.start()
    healthy = time.monotonic() - servers.started
    try:
        await asyncio.sleep(settle)
        ctx = await browser.new_context(viewport=VIEWPORT)
        t = await load(ctx, page_url(servers.url, "overview", 0), "overview", timeout)
        await ctx.close()
    finally:
        servers.stop()
    when = f"{settle:g} s after healthy" if settle else "as soon as healthy"
    return (f"cold start: process to healthy {healthy:.1f} s, first Overview render {when}: "
            + (f"{t:.2f} s" if t is not None else "timed out") + f" (load {loadavg()})")


async def run(args, database_url: str, folder: Path) -> list[str]:
    from playwright.async_api import async_playwright

    out: list[str] = []

    def say(lines):
        for line in ([lines] if isinstance(lines, str) else lines):
            print(line, flush=True)
            out.append(line)

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        say(await cold_render(browser, database_url, folder, args.timeout))
        say(await cold_render(browser, database_url, folder, args.timeout, settle=10))
        for n in [1] + ([args.workers] if args.workers > 1 else []):
            servers = Servers(database_url, n, folder)
            servers.start()
            say(f"--- {n} process{'es behind HAProxy' if n > 1 else ''} ({servers.url}) ---")
            try:
                # Warm-up: one session per page kind, so every phase meets warm caches.
                ctx = await browser.new_context()
                for k in range(n):
                    await load(ctx, page_url(servers.url, "overview", k), "overview", args.timeout)
                    await load(ctx, page_url(servers.url, "country", k), "country", args.timeout)
                await ctx.close()
                for users in args.users:
                    say((await closed_loop(browser, servers, users, args.rounds, args.timeout)).report())
                if args.rate:
                    say((await arrivals(browser, servers, args.rate, args.duration, args.pool,
                                        args.timeout)).report())
                if args.idle:
                    say(await idle_sessions(browser, servers, args.idle, args.timeout))
            finally:
                servers.stop()
        await browser.close()
    return out


def load_arguments(description: str) -> argparse.ArgumentParser:
    """The options both load benchmarks take (this one and load_protocol.py)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--signals", type=int, default=100_000)
    ap.add_argument("--users", type=lambda s: [int(x) for x in s.split(",") if x], default=[1, 10, 20])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rate", type=float, default=2.0)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--pool", type=int, default=20, help="open sessions the arrivals take turns in")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = load_arguments(__doc__.split("\n\n")[0])
    ap.add_argument("--idle", type=int, default=20)
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}: install Debian's chromium (make test as root)")
        return 2
    return benchmark(args, "load benchmark", run)


def benchmark(args, title: str, phases) -> int:
    """Seed a database, then `phases(args, database_url, folder)` under asyncio (both load
    benchmarks); 2 when several processes are asked for and HAProxy is missing."""
    if args.workers > 1 and not shutil.which("haproxy"):
        print("HAProxy is missing: install Debian's haproxy (make test as root), or --workers 1")
        return 2
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    print(f"{title}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{os.cpu_count()} cores, load {loadavg()}; logs in {folder}")
    database_url, pg = seed(folder, args.signals, args.backend)
    try:
        asyncio.run(phases(args, database_url, folder))
    finally:
        if pg is not None:
            pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
