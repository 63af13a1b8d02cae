"""Shared fixtures: a fresh database per test, on SQLite and on a throwaway PostgreSQL server.

Any test that takes `db_url` or `engine` runs twice, once per backend, against a database
upgraded to the latest migration. PostgreSQL comes from Debian's `postgresql` package, started
by `initdb` + `pg_ctl` in a temporary folder on a free port; without it those runs skip with a
message, except under CI=true, where a missing server is a failure.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

BACKENDS = ["sqlite", "postgresql"]
# The stored status table (prevention/cases/statuses.py) is refreshed after every import: over
# two days (today and yesterday) in the suite, so that pages read it on today's date without
# every import of every test evaluating a month (tests set more where they need it).
os.environ.setdefault("PREVENTION_STATUS_DAYS", "2")
_counter = itertools.count()


def _pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _PostgresServer:
    """A PostgreSQL cluster in a temp folder; as root it runs as the `postgres` user, because
    the server refuses to run as root."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="pgtest-"))
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
            os.chmod(self.root, 0o700)

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        data = self.root / "data"
        done = self._run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust",
                         "-E", "UTF8", "--locale=C", "--no-sync")
        if done.returncode:
            raise RuntimeError(f"initdb failed:\n{done.stdout}\n{done.stderr}")
        # Durability is pointless for a throwaway test cluster; speed is not.
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -F "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        done = self._run("pg_ctl", "-D", str(data), "-o", options, "-l",
                         str(self.root / "server.log"), "-w", "-t", "60", "start")
        if done.returncode:
            log = (self.root / "server.log").read_text(errors="replace") \
                if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed:\n{done.stdout}\n{done.stderr}\n{log}")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


def copy_sqlite(src, dst) -> None:
    """Copy a SQLite database file whole: its WAL is checkpointed into it first (WAL mode,
    prevention/storage/db.py), so the copy holds every committed transaction."""
    from prevention.storage.db import checkpoint

    checkpoint(f"sqlite:///{src}")
    shutil.copyfile(src, dst)


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL tests cannot be skipped under CI=true: {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason} (run `make test` as root to install it)")


@pytest.fixture(scope="session")
def postgres_server():
    """A running throwaway PostgreSQL server for the whole session (or a skip)."""
    bindir = _pg_bin()
    if bindir is None:
        _unavailable("the `postgresql` package is not installed (no pg_ctl)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        _unavailable("running as root but `runuser` is missing")
    server = _PostgresServer(bindir)
    try:
        server.start()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        server.stop()
        _unavailable(str(exc))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _templates(tmp_path_factory, request):
    """Databases migrated to head once per session, copied for each test (much faster than
    running every migration per test)."""
    from prevention.storage.db import dispose_engine, get_engine
    from prevention.storage.migrate import upgrade

    made: dict[str, str] = {}

    def template(backend: str) -> str:
        if backend in made:
            return made[backend]
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("template") / "template.sqlite3"
            url = f"sqlite:///{path}"
        else:
            server = request.getfixturevalue("postgres_server")
            _pg_admin(server, "CREATE DATABASE template_head")
            url = server.url("template_head")
        upgrade(get_engine(url))
        dispose_engine(url)
        made[backend] = url
        return url

    return template


def _pg_admin(server: _PostgresServer, statement: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(statement))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, _templates, tmp_path, monkeypatch):
    """URL of a fresh database at the latest migration; DATABASE_URL points at it."""
    from prevention.storage.db import dispose_engine
    from prevention.storage.settings import get_settings

    template = _templates(request.param)
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        copy_sqlite(template.removeprefix("sqlite:///"), path)
        url = f"sqlite:///{path}"
    else:
        server = request.getfixturevalue("postgres_server")
        name = f"test_{os.getpid()}_{next(_counter)}"
        _pg_admin(server, f"CREATE DATABASE {name} TEMPLATE template_head")
        url = server.url(name)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    dispose_engine(url)
    get_settings.cache_clear()
    if request.param == "postgresql":
        _pg_admin(request.getfixturevalue("postgres_server"), f"DROP DATABASE IF EXISTS {name}")


@pytest.fixture
def engine(db_url):
    """The engine of the fresh test database (see db_url)."""
    from prevention.storage.db import get_engine

    return get_engine(db_url)
