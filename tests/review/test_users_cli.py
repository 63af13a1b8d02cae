"""`python -m prevention user ...`: accounts from the command line, passwords never echoed."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from prevention.accounts import auth, users_cli
from prevention.storage.db import session_scope

ROOT = Path(__file__).resolve().parents[2]


def _run(argv, stdin=""):
    parser = argparse.ArgumentParser()
    users_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return args.handler(args)
    finally:
        sys.stdin = old


def test_add_set_role_disable(engine, capsys):
    secret = "first admin's long password"
    assert _run(["user", "add", "ada", "--role", "admin", "--password-stdin"], secret + "\n") == 0
    assert _run(["user", "add", "rey", "--role", "reviewer", "--email", "rey@example.org",
                 "--no-password"]) == 0
    assert _run(["user", "set-role", "rey", "admin"]) == 0
    assert _run(["user", "disable", "rey"]) == 0
    assert _run(["user", "list"]) == 0
    out = capsys.readouterr()
    assert "rey\tadmin\tdisabled\trey@example.org" in out.out
    assert secret not in out.out + out.err
    with session_scope(engine) as s:
        assert auth.authenticate(s, "ada", secret).role == "admin"
    with engine.connect() as conn:
        actors = set(conn.execute(text("SELECT actor FROM audit_log")).scalars())
    assert any(a.startswith("cli:") for a in actors)


def test_errors_exit_2_with_a_message(engine, capsys):
    assert _run(["user", "add", "vic", "--role", "viewer", "--password-stdin"],
                "long enough password\n") == 2
    assert "must be an admin" in capsys.readouterr().err
    assert _run(["user", "disable", "nobody"]) == 2


def test_the_cli_entry_point_has_the_user_command(engine):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "prevention", "user", "add", "ada", "--role", "admin",
                           "--password-stdin"], input="a long admin password\n", text=True,
                          capture_output=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "a long admin password" not in done.stdout + done.stderr
