"""Speed of storage (issue 3): importing a million rows, and loading the engine's frames back.

    python -m benchmarks.ingest [--signals 1000000] [--kind both|bundle|table|undl]

1. A seeded synthetic bundle (benchmarks/synth.py) is written as CSV files to a temp folder,
   and the same signals as one generic spreadsheet (`write_generic_table`: its own column
   names, States as names or ISO2/ISO3 codes, issuer ids ';'-joined).
2. Import, measured end to end (parse, validate every row, de-duplicate against the database,
   bulk INSERT, quarantine, the report; one transaction) into a fresh SQLite database:
   - bundle: `import_file(folder, "bundle")`;
   - table: `import_file(table.csv, "table", mapping=TABLE_MAPPING)` (country names mapped to
     ISO3), into a database that already holds the issuers.
   Baseline in the same run, per kind: `pandas.read_csv` of the same file(s) +
   `DataFrame.to_sql` into another fresh SQLite file (no validation, no keys, no links).
   Target: import <= 2.5x baseline.
3. Load: `prevention.storage.frames.load_bundle` of those signals from the database (cache cleared)
   vs `pandas.read_csv` of the same bundle's CSV files. Target: load <= 3x read_csv.

4. undl: parsing the bundled UN Digital Library export of GA/SC resolutions (categories,
   countries, votes) vs `pandas.read_csv` of the same file; figures only, no target (it was
   a timed test, which a shared machine cannot hold).

Prints one JSON object with the figures and ratios; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synth import TABLE_MAPPING, make_bundle, write_generic_table  # noqa: E402
from prevention.accounts.access import system  # noqa: E402
from prevention.sources.ingest import import_file  # noqa: E402
from prevention.storage.db import get_engine  # noqa: E402
from prevention.storage.frames import invalidate, load_bundle  # noqa: E402
from prevention.storage.migrate import upgrade  # noqa: E402
from triggers.bundle import write_bundle  # noqa: E402

FILES = ["signals.csv", "issuers.csv", "memberships.csv"]


CPU: dict[str, float] = {}


def _timed(fn, name: str = ""):
    """Wall time (the target) and, aside, CPU time: on a shared machine the wall clock also
    measures the neighbours, the CPU time only this process."""
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    if name:
        CPU[name] = round(time.process_time() - cpu, 2)
    return time.perf_counter() - start, value


def _import(call, name: str):
    """(import seconds, status refresh seconds, report): the refresh of the stored status
    table that follows every import (prevention/cases/statuses.py) is timed apart, because it
    evaluates the whole database, not the file."""
    from prevention.cases import statuses

    with statuses.batch():  # the refresh runs as the block ends
        t_import, report = _timed(call, name)
        start, cpu = time.perf_counter(), time.process_time()
    CPU[name + "_status_refresh"] = round(time.process_time() - cpu, 2)
    return t_import, time.perf_counter() - start, report


def baseline_import(files: list[Path], db: Path) -> int:
    """The plain way: read each CSV with pandas and append it to a SQLite table."""
    rows = 0
    with sqlite3.connect(db) as conn:
        for path in files:
            if path.exists():
                frame = pd.read_csv(path, dtype=str, keep_default_na=False)
                frame.to_sql(path.stem, conn, index=False, if_exists="append")
                rows += len(frame)
    return rows


def baseline_read(folder: Path) -> int:
    return sum(len(pd.read_csv(folder / n, dtype=str, keep_default_na=False))
               for n in FILES if (folder / n).exists())


def _fresh_engine(path: Path):
    engine = get_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


def run_bundle(bundle, folder: Path, workdir: Path) -> dict:
    rows = baseline_read(folder)
    t_base, _ = _timed(lambda: baseline_import([folder / n for n in FILES],
                                               workdir / "baseline.sqlite3"), "bundle_baseline")
    engine = _fresh_engine(workdir / "bundle.sqlite3")
    t_import, t_refresh, report = _import(
        lambda: import_file(folder, "bundle", user=system("bench"), engine=engine), "bundle_import")
    assert report.accepted == report.rows_read == rows, report.summary()

    t_csv, _ = _timed(lambda: baseline_read(folder), "read_csv")
    invalidate()
    t_load, loaded = _timed(lambda: load_bundle(engine), "load")
    assert len(loaded.signals) == len(bundle.signals) and len(loaded.links) == len(bundle.links)
    return {
        "rows_in_files": rows,
        "import_s": round(t_import, 2), "baseline_read_csv_to_sql_s": round(t_base, 2),
        "import_ratio": round(t_import / t_base, 2),
        "import_cpu_ratio": round(CPU["bundle_import"] / CPU["bundle_baseline"], 2),
        "status_refresh_s": round(t_refresh, 2),
        "import_with_refresh_ratio": round((t_import + t_refresh) / t_base, 2),
        "load_bundle_s": round(t_load, 2), "read_csv_s": round(t_csv, 2),
        "load_ratio": round(t_load / t_csv, 2),
        "load_cpu_ratio": round(CPU["load"] / CPU["read_csv"], 2),
        "db_mb": round((workdir / "bundle.sqlite3").stat().st_size / 1e6, 1),
    }


def run_table(bundle, folder: Path, workdir: Path) -> dict:
    table = write_generic_table(bundle, workdir / "signals-table.csv")
    t_base, rows = _timed(lambda: baseline_import([table], workdir / "baseline-table.sqlite3"),
                          "table_baseline")
    engine = _fresh_engine(workdir / "table.sqlite3")
    # The spreadsheet names issuers by id: store them first (not timed), as a user would.
    issuers_only = workdir / "issuers-only"
    write_bundle(type(bundle)(signals=bundle.signals.iloc[:0], issuers=bundle.issuers,
                              links=bundle.links.iloc[:0]), issuers_only)
    import_file(issuers_only, "bundle", user=system("bench"), engine=engine)
    t_import, t_refresh, report = _import(
        lambda: import_file(table, "table", user=system("bench"), engine=engine,
                            mapping=TABLE_MAPPING), "table_import")
    assert report.accepted == report.rows_read == rows, report.summary()
    return {
        "rows_in_file": rows,
        "import_s": round(t_import, 2), "baseline_read_csv_to_sql_s": round(t_base, 2),
        "import_ratio": round(t_import / t_base, 2),
        "import_cpu_ratio": round(CPU["table_import"] / CPU["table_baseline"], 2),
        "status_refresh_s": round(t_refresh, 2),
        "import_with_refresh_ratio": round((t_import + t_refresh) / t_base, 2),
    }


def run_undl() -> dict:
    from prevention.sources.importers import undl
    from prevention.storage.settings import PROJECT_DIR

    path = PROJECT_DIR / "data" / "seed" / "un_sc_ga_resolutions_1946_2025.csv"
    c0 = time.process_time()
    t_read, frame = _timed(lambda: pd.read_csv(path, dtype=str, keep_default_na=False))
    c1 = time.process_time()
    t_parse, parsed = _timed(lambda: undl.parse(path))
    c2 = time.process_time()
    # CPU seconds too: on a shared machine the wall clock mostly measures the neighbours.
    return {"rows": len(frame), "signals": len(parsed.signals), "read_csv_s": round(t_read, 2),
            "parse_s": round(t_parse, 2), "parse_ratio": round(t_parse / t_read, 2),
            "read_csv_cpu_s": round(c1 - c0, 2), "parse_cpu_s": round(c2 - c1, 2),
            "parse_cpu_ratio": round((c2 - c1) / (c1 - c0), 1)}


def run(n_signals: int, workdir: Path, kinds: list[str]) -> dict:
    if kinds == ["undl"]:
        return {"undl": run_undl()}
    folder = workdir / "bundle"
    t_make, bundle = _timed(lambda: make_bundle(n_signals))
    write_bundle(bundle, folder)
    result: dict = {"signals": n_signals, "links": len(bundle.links),
                    "issuers": len(bundle.issuers), "memberships": len(bundle.memberships),
                    "generate_s": round(t_make, 2)}
    for kind in kinds:
        result[kind] = (run_bundle if kind == "bundle" else run_table)(bundle, folder, workdir)
    result["cpu_s"] = dict(CPU)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signals", type=int, default=1_000_000)
    parser.add_argument("--kind", choices=["both", "bundle", "table", "undl"], default="both")
    args = parser.parse_args(argv)
    kinds = ["bundle", "table"] if args.kind == "both" else [args.kind]
    workdir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        result = run(args.signals, workdir, kinds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    met = []
    for kind in (k for k in kinds if k != "undl"):
        part = result[kind]
        part["import_target_met"] = part["import_ratio"] <= 2.5
        met.append(part["import_target_met"])
        if "load_ratio" in part:
            part["load_target_met"] = part["load_ratio"] <= 3
            met.append(part["load_target_met"])
    print(json.dumps(result, indent=2))
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
