"""Several dashboard processes behind a reverse proxy: `make serve WORKERS=N` (issue 17).

    python -m prevention.web.serve --workers 2 [--host 127.0.0.1] [--port 8501]

starts N `streamlit run app.py` processes on ports PORT+1.. PORT+N (127.0.0.1 only), each with
the production configuration of .streamlit/config.toml, and HAProxy in front on HOST:PORT with
sticky sessions (deploy/haproxy.cfg). All of them use the one database of DATABASE_URL, which
for several processes should be PostgreSQL (SQLite in WAL mode works on one machine too: many
readers, one writer at a time). A process that exits is started again; Ctrl-C or SIGTERM stops
them all. Fetches and digests are not run here: they are their own process on a timer
(`python -m prevention fetch --all`, docs/deploy.md).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROXY_TEMPLATE = ROOT / "deploy" / "haproxy.cfg"


def app_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """One app process; the rest of the configuration is .streamlit/config.toml."""
    return [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.port", str(port), "--server.address", address,
            "--server.headless", "true", "--browser.gatherUsageStats", "false"]


def proxy_config(port: int, app_ports: list[int], bind: str = "127.0.0.1") -> str:
    """deploy/haproxy.cfg with the front address and one `server` line per app process."""
    servers = "\n".join(f"    server app{i} 127.0.0.1:{p} cookie app{i}"
                        for i, p in enumerate(app_ports))
    return (PROXY_TEMPLATE.read_text().replace("{bind}", bind).replace("{port}", str(port))
            .replace("{servers}", servers))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--host", default="localhost")
    ap.add_argument("--port", type=int, default=8501)
    args = ap.parse_args(argv)
    haproxy = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if haproxy is None:
        print("HAProxy is not installed: `apt-get install haproxy` (make serve does it as root)",
              file=sys.stderr)
        return 2
    ports = [args.port + 1 + i for i in range(args.workers)]
    cfg = Path(tempfile.mkdtemp(prefix="prevention-serve-")) / "haproxy.cfg"
    cfg.write_text(proxy_config(args.port, ports, "127.0.0.1" if args.host == "localhost" else args.host))
    # One cookie secret for every process: Streamlit signs its XSRF and session cookies with
    # it, and a browser moved to another process (its own died) must still be believed there.
    env = dict(os.environ)
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
    apps = {port: subprocess.Popen(app_command(port), cwd=ROOT, env=env) for port in ports}
    proxy = subprocess.Popen([haproxy, "-W", "-f", str(cfg)])
    print(f"{args.workers} app processes on ports {ports[0]}-{ports[-1]}, HAProxy on "
          f"http://{args.host}:{args.port}", flush=True)
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping:
            for port, proc in list(apps.items()):
                if proc.poll() is not None:
                    print(f"app process on port {port} exited with {proc.returncode}: starting it "
                          "again", file=sys.stderr, flush=True)
                    apps[port] = subprocess.Popen(app_command(port), cwd=ROOT, env=env)
            if proxy.poll() is not None:
                print(f"haproxy exited with {proxy.returncode}", file=sys.stderr)
                return 1
            time.sleep(1)
    finally:
        for proc in [*apps.values(), proxy]:
            if proc.poll() is None:
                proc.terminate()
        for proc in [*apps.values(), proxy]:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
