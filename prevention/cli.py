"""The `python -m prevention` commands. Each handler returns the process exit code."""

from __future__ import annotations

import argparse
import sys


def _db(args: argparse.Namespace) -> int:
    from prevention.db import get_engine
    from prevention.migrate import check, upgrade

    engine = get_engine()
    if args.action == "upgrade":
        upgrade(engine)
        print(f"database at {engine.url.render_as_string(hide_password=True)} is up to date")
        return 0
    check(engine)
    print("models and migrations agree")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m prevention",
                                     description="Prevention Dashboard: database and imports.")
    sub = parser.add_subparsers(dest="command", required=True)
    db = sub.add_parser("db", help="create or upgrade the database schema")
    db.add_argument("action", choices=["upgrade", "check"],
                    help="upgrade: apply every migration; check: models match the migrations")
    db.set_defaults(handler=_db)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
