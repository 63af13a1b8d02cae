"""The `python -m prevention` commands. Each handler returns the process exit code:
0 done, 1 failed (nothing stored), 2 nothing could be read (or bad arguments); `fetch` also
3: a source's host could not be reached (nothing changed)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from pathlib import Path

from prevention.accounts.access import system


def _db(args: argparse.Namespace) -> int:
    from prevention.storage.db import get_engine
    from prevention.storage.migrate import check, upgrade

    engine = get_engine()
    if args.action == "upgrade":
        upgrade(engine)
        print(f"database at {engine.url.render_as_string(hide_password=True)} is up to date")
        return 0
    check(engine)
    print("models and migrations agree")
    return 0


def _read_mapping(path: Path) -> dict:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))  # YAML is a superset of JSON
    except (OSError, yaml.YAMLError) as exc:
        raise SystemExit(f"cannot read the mapping file {path}: {exc}") from None
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: a mapping file maps column names, e.g. `date: Date sent`")
    return data


class _Progress:
    """One updating line on stderr (a line per batch when stderr is not a terminal)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.start = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        line = f"{stage}: {done:,}/{total:,} ({time.monotonic() - self.start:.1f}s)"
        sys.stderr.write(("\r" + line + ("\n" if done >= total else "")) if self.tty
                         else line + "\n")
        sys.stderr.flush()


def _import(args: argparse.Namespace) -> int:
    from prevention.sources.importers import ParserUnavailable
    from prevention.sources.ingest import IngestError, import_file

    options = {}
    if args.mapping:
        options["mapping"] = _read_mapping(args.mapping)
    if args.complete:
        options["complete"] = True
    if args.covers:
        options["covers"] = args.covers
    unsupported = sorted(set(options) - set(COVERAGE_OPTIONS.get(args.kind, ())) - {"mapping"})
    if unsupported:
        print(f"--{unsupported[0]} does not apply to --kind {args.kind}; it applies to "
              + ", ".join(k for k, opts in COVERAGE_OPTIONS.items() if unsupported[0] in opts),
              file=sys.stderr)
        return 2
    if not args.path.exists():
        print(f"{args.path}: no such file or folder", file=sys.stderr)
        return 2
    try:
        report = import_file(args.path, args.kind, user=system(args.user),
                             progress=None if args.json else _Progress(), **options)
    except ParserUnavailable as exc:
        print(f"cannot import: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # an option the parser refuses (e.g. a malformed --covers)
        print(f"cannot import: {exc}", file=sys.stderr)
        return 2
    except IngestError as exc:
        print(f"import failed, nothing was stored: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report.to_dict(), indent=2, default=str) if args.json else report.summary())
    return 0 if report.read_anything else 2


# Which importers take the coverage options (docs/coverage.md).
COVERAGE_OPTIONS = {"bundle": ("complete",), "table": ("complete",),
                    "ohchr-sp": ("complete", "covers")}


def _export(args: argparse.Namespace) -> int:
    from prevention.sources.export import export_bundle
    from prevention.storage.frames import load_bundle

    path = export_bundle(args.dir)
    b = load_bundle()
    print(f"wrote {path}: {len(b.signals)} signals, {len(b.issuers)} issuers, "
          f"{len(b.memberships)} memberships, {len(b.coverage)} coverage rows")
    return 0


def _seed(args: argparse.Namespace) -> int:
    from prevention.sources.seed import seed

    seed()
    return 0


def _rules(args: argparse.Namespace) -> int:
    from prevention.cases.rulesets import list_rule_sets

    for info in list_rule_sets():
        print(f"{info.id:28} v{info.version:<3} {info.created_at:%Y-%m-%d %H:%M}  "
              f"{info.author:12} {info.title}" + (f"  ({info.note})" if info.note else ""))
    return 0


def _say_progress(stored: int, expected: int | None, message: str) -> None:
    sys.stderr.write(f"{message}{f' (of about {expected})' if expected else ''}\n")
    sys.stderr.flush()


def _fetch(args: argparse.Namespace) -> int:
    """Exit 0 done, 2 bad arguments or a missing setting, 3 a host could not be reached
    (nothing changed), 1 any other failure. --all skips the sources that need a setting."""
    from prevention.sources import registry, status
    from prevention.sources.archive import ArchiveDamaged
    from prevention.sources.run import SourceBusy, SourceNotReady, fetch
    from prevention.storage.settings import get_settings

    if sum(bool(x) for x in (args.source, args.all, args.list)) != 1:
        print("fetch: give one SOURCE, or --all, or --list", file=sys.stderr)
        return 2
    if args.list:
        print(status.as_text(status.sources_table()))
        return 0
    if args.all and (args.since or args.until or args.restart):
        print("fetch --all continues each source from its cursor: --since, --until and "
              "--restart apply to one SOURCE", file=sys.stderr)
        return 2
    codes = []
    for source in registry.source_ids(get_settings()) if args.all else [args.source]:
        try:
            report = fetch(source, since=args.since, until=args.until, restart=args.restart,
                           actor=system(args.user), progress=None if args.quiet else _say_progress)
        except SourceNotReady as exc:
            print(f"fetch {source}: {'skipped: ' if args.all else ''}{exc}", file=sys.stderr)
            if not args.all:
                return 2
            continue
        except (SourceBusy, ArchiveDamaged) as exc:
            print(f"fetch {source}: {exc}", file=sys.stderr)
            codes.append(1)
            continue
        print(report.summary(), file=sys.stdout if report.exit_code == 0 else sys.stderr)
        codes.append(report.exit_code)
    return 1 if 1 in codes else 3 if 3 in codes else 0


def _reparse(args: argparse.Namespace) -> int:
    from prevention.sources.archive import ArchiveDamaged
    from prevention.sources.ingest import IngestError
    from prevention.sources.reparse import reparse
    from prevention.sources.run import SourceBusy, SourceNotReady

    try:
        report = reparse(args.source, actor=system(args.user))
    except SourceNotReady as exc:
        print(f"reparse {args.source}: {exc}", file=sys.stderr)
        return 2
    except (SourceBusy, ArchiveDamaged, IngestError) as exc:
        print(f"reparse {args.source}: {exc} (responses before it were stored again; "
              "nothing of this one was)", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def _digest(args: argparse.Namespace) -> int:
    """Exit 0 done, 2 a missing SMTP setting, 3 the SMTP server unreachable, 1 other."""
    from prevention.watch.digests import run

    return run(send=args.send)


def build_parser() -> argparse.ArgumentParser:
    from prevention.sources.importers import PARSERS

    parser = argparse.ArgumentParser(prog="python -m prevention",
                                     description="Prevention Dashboard: database and imports.")
    sub = parser.add_subparsers(dest="command", required=True)
    db = sub.add_parser("db", help="create or upgrade the database schema")
    db.add_argument("action", choices=["upgrade", "check"],
                    help="upgrade: apply every migration; check: models match the migrations")
    db.set_defaults(handler=_db)

    imp = sub.add_parser("import", help="import a file (or a bundle folder)")
    imp.add_argument("path", type=Path)
    imp.add_argument("--kind", required=True, choices=list(PARSERS))
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    imp.add_argument("--mapping", type=Path,
                     help="YAML/JSON file mapping bundle fields to the table's columns "
                          "(--kind table)")
    imp.add_argument("--complete", action="store_true",
                     help="the file holds everything its source published over its span "
                          "(bundle without coverage.csv, table, ohchr-sp); otherwise its span "
                          "is declared a sample")
    imp.add_argument("--covers", metavar="START:END",
                     help="the span the search behind the file covered (ohchr-sp)")
    imp.add_argument("--user", default=_default_user(),
                     help="who runs the import, recorded with it (default: the login name)")
    imp.set_defaults(handler=_import)

    exp = sub.add_parser("export", help="write every stored signal as a bundle folder")
    exp.add_argument("dir", type=Path)
    exp.set_defaults(handler=_export)

    sd = sub.add_parser("seed", help="load the bundled real data once (idempotent)")
    sd.set_defaults(handler=_seed)

    rules = sub.add_parser("rules", help="list stored rule sets and their versions")
    rules.set_defaults(handler=_rules)

    fetch = sub.add_parser("fetch", help="fetch a public source into the database "
                                         "(docs/connectors.md)")
    fetch.add_argument("source", nargs="?", help="the source id (see --list)")
    fetch.add_argument("--all", action="store_true",
                       help="every source, each from its cursor (what a timer runs)")
    fetch.add_argument("--list", action="store_true",
                       help="the sources, their last fetch and what each needs")
    fetch.add_argument("--since", metavar="YYYY-MM-DD",
                       help="first day to search (sources searched by date)")
    fetch.add_argument("--until", metavar="YYYY-MM-DD", help="last day to search")
    fetch.add_argument("--restart", action="store_true",
                       help="drop an interrupted run instead of continuing it")
    fetch.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    fetch.add_argument("--user", default=_default_user(),
                       help="who fetches, recorded with every page (default: the login name)")
    fetch.set_defaults(handler=_fetch)

    rp = sub.add_parser("reparse", help="rebuild a source's signals from its archived "
                                        "responses, without the network (after a parser fix)")
    rp.add_argument("source")
    rp.add_argument("--user", default=_default_user())
    rp.set_defaults(handler=_reparse)

    dg = sub.add_parser("digest", help="the watchlists' e-mail digests that are due (for a "
                                       "timer; without --send, print them)")
    dg.add_argument("--send", action="store_true",
                    help="send them (SMTP settings, docs/settings.md) and record them as sent")
    dg.set_defaults(handler=_digest)

    from prevention.accounts import (
        users_cli,  # user add | set-role | disable | enable | password | list
    )

    users_cli.register(sub)
    return parser


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "cli"


def main(argv: list[str] | None = None) -> int:
    from sqlalchemy.exc import OperationalError

    from prevention.storage.db import BUSY_MESSAGE, is_busy

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        print(f"{BUSY_MESSAGE} (nothing was changed)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
