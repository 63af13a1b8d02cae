"""The server's side of a Bureau meeting's worth of viewers (issue 17), without browsers.

benchmarks/load.py drives real Chromium sessions; on the 2-core machine the project is measured
on, ten or twenty headless Chromiums booting Streamlit's frontend take the cores from the
server (their CPU is 5-30 times the server's), so its figures say more about the browsers than
about the app. Here each viewer is a client that speaks Streamlit's own websocket protocol
(`/_stcore/stream`, the protobuf BackMsg and ForwardMsg of the installed Streamlit): it opens a
session on the Overview, as a browser's first script run does, then moves to a Country page
and back `--rounds` times, each a rerun with the page's name and query string, exactly what
the frontend sends. A page is timed from the message sent to the server's `script_finished`,
with every delta of the page received (the rendering in a browser is not counted); a page whose
script raised counts as an error, one with no answer in --timeout seconds as a timeout.

Phases, on 1 and on --workers processes (behind HAProxy) in the same run: K viewers at once for
each K of --users (closed loop, no pause), and arrivals at --rate pages per second for
--duration seconds over --pool open sessions (a wait for that session's previous page counts).
The database is benchmarks/load.py's: the real seed and --signals synthetic signals.

    python -m benchmarks.load_protocol [--signals 100000] [--users 1,10,20] [--workers 2]
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load import (  # noqa: E402
    AS_OF,
    COUNTRIES,
    Phase,
    Servers,
    _measure,
    benchmark,
    load_arguments,
)


def _proto():
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    return BackMsg, ForwardMsg


class Viewer:
    """One browser session, as the server sees it: a websocket and the reruns it asks for."""

    def __init__(self, url: str, timeout: float):
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.timeout = timeout
        self.ws = None
        self.lock = asyncio.Lock()
        self.deltas = 0  # of the last page: what the browser would draw

    async def open(self) -> None:
        import websockets

        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def page(self, kind: str, i: int) -> tuple[float | None, str]:
        """Seconds from the rerun asked to the script finished, and 'ok', 'error' or 'timeout'."""
        BackMsg, ForwardMsg = _proto()
        msg = BackMsg()
        if kind == "country":
            msg.rerun_script.page_name = "country"
            msg.rerun_script.query_string = f"country={COUNTRIES[i % len(COUNTRIES)]}&as_of={AS_OF}"
        else:
            msg.rerun_script.query_string = f"as_of={AS_OF}"
        t0 = time.perf_counter()
        try:
            if self.ws is None:
                await self.open()
            await self.ws.send(msg.SerializeToString())
            failed, self.deltas = False, 0
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await asyncio.wait_for(self.ws.recv(), self.timeout))
                kind_of = fm.WhichOneof("type")
                self.deltas += kind_of == "delta"
                if kind_of == "delta" and fm.delta.WhichOneof("type") == "new_element" \
                        and fm.delta.new_element.WhichOneof("type") == "exception":
                    failed = True
                if kind_of == "script_finished":
                    return time.perf_counter() - t0, "error" if failed else "ok"
        except (asyncio.TimeoutError, OSError):
            await self.close()
            self.ws = None
            return None, "timeout"


@dataclass
class Counts(Phase):
    errors: int = 0  # pages whose script raised

    def record(self, kind: str, got: tuple[float | None, str]) -> None:
        t, outcome = got
        if outcome == "error":
            self.errors += 1
        self.add(kind, t if outcome == "ok" else None)

    def report(self) -> list[str]:
        lines = super().report()
        lines[0] = lines[0].replace("browsers' CPU", "clients' CPU")
        return lines + ([f"  errors (the page raised): {self.errors}"] if self.errors else [])


async def closed_loop(servers: Servers, users: int, rounds: int, timeout: float) -> Phase:
    phase = Counts(f"{users} viewers at once, a new session then {rounds} x (Country, Overview)")

    async def viewer(u: int):
        v = Viewer(servers.url, timeout)
        try:
            got = await v.page("overview", u)
            phase.record("new session", got)
            if got[1] != "ok":
                return
            for r in range(rounds):
                phase.record("country", await v.page("country", u * rounds + r))
                phase.record("overview", await v.page("overview", u))
        finally:
            await v.close()

    return await _measure(servers, phase, lambda: asyncio.gather(*(viewer(u) for u in range(users))))


async def arrivals(servers: Servers, rate: float, duration: float, pool: int,
                   timeout: float) -> Phase:
    phase = Counts(f"arrivals at {rate:g} pages/s for {duration:g} s over {pool} open sessions")
    viewers = [Viewer(servers.url, timeout) for _ in range(pool)]
    for k, v in enumerate(viewers):
        await v.page("overview", k)
    nxt = ["country"] * pool

    async def one(k: int, i: int, t0: float):
        v = viewers[k]
        async with v.lock:
            kind = nxt[k]
            nxt[k] = "overview" if kind == "country" else "country"
            t, outcome = await v.page(kind, i)
        # Timed from the arrival: a wait for the session's previous page counts.
        phase.record(kind, (None if t is None else time.perf_counter() - t0, outcome))

    async def work():
        tasks, start, i = [], time.perf_counter(), 0
        while time.perf_counter() - start < duration:
            tasks.append(asyncio.create_task(one(i % pool, i, time.perf_counter())))
            i += 1
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        await asyncio.gather(*tasks)

    try:
        return await _measure(servers, phase, work)
    finally:
        for v in viewers:
            await v.close()


async def run(args, database_url: str, folder: Path) -> None:
    for n in [1] + ([args.workers] if args.workers > 1 else []):
        servers = Servers(database_url, n, folder)
        servers.start()
        print(f"--- {n} process{'es behind HAProxy' if n > 1 else ''} ({servers.url}) ---", flush=True)
        try:
            warm = Viewer(servers.url, args.timeout)
            for k in range(2 * n):  # every process meets warm caches
                drawn = [(await warm.page(kind, k))[1] + f" ({warm.deltas} elements)"
                         for kind in ("overview", "country")]
                await warm.close()
                warm.ws = None
            print(f"warm-up: Overview {drawn[0]}, Country {drawn[1]}", flush=True)
            for users in args.users:
                for line in (await closed_loop(servers, users, args.rounds, args.timeout)).report():
                    print(line, flush=True)
            if args.rate:
                phase = await arrivals(servers, args.rate, args.duration, args.pool, args.timeout)
                for line in phase.report():
                    print(line, flush=True)
        finally:
            servers.stop()


def main(argv: list[str] | None = None) -> int:
    args = load_arguments(__doc__.split("\n\n")[0]).parse_args(argv)
    return benchmark(args, "protocol load benchmark", run)


if __name__ == "__main__":
    sys.exit(main())
