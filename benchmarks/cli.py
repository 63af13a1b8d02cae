"""The engine's command line as a whole process against a DuckDB peer (issue 11).

    python -m benchmarks.cli [--signals 1000000] [--repeats 5]

1. A seeded synthetic bundle (benchmarks/synth.py: 1,000,000 signals, 193 States, 20 years)
   is written once as CSV files (cached in the temp folder).
2. Two whole processes, run in turn (interleaved, so machine load hits both alike), each
   reading the same CSV files and writing every State's status every 7th day of 20 years of
   daily windows as CSV to a file:
   - engine: `python -m triggers timeline BUNDLE --start ... --end ... --step-days 7`, which
     also checks every row of the bundle (the peer checks nothing);
   - duckdb: `python -m benchmarks.duck_cli` (benchmarks/duck.py's SQL windows).
   Wall time and peak memory (the child's ru_maxrss) per run; medians; the ratio.
3. The engine's split, in this process: interpreter start and imports (a child that only
   imports), read, check, compute (prepare + timeline), write.
4. Cross-check (exit 1 on failure): both outputs hold the same statuses on the same days.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 3.0  # the peer's time over the engine's
TARGET_MB = 1024.0


def bundle_dir(n: int, seed: int = 0) -> Path:
    folder = Path(tempfile.gettempdir()) / f"prevention-bench-cli-{n}-{seed}"
    if not (folder / "signals.csv").exists():
        from benchmarks.synth import make_bundle
        from triggers.bundle import write_bundle

        write_bundle(make_bundle(n, seed=seed), folder)
    return folder


def run(cmd: list[str], out: Path) -> tuple[float, float]:
    """(wall seconds, peak MB) of one child process writing its stdout to `out`."""
    with out.open("wb") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024


def split(folder: Path, start: str, end: str) -> dict[str, float]:
    """The engine CLI's steps, timed one by one in this process."""
    import_s, _ = run([sys.executable, "-c", "import triggers.__main__"], Path(os.devnull))
    from triggers.bundle import check, read_files
    from triggers.problems import Problems
    from triggers.rules import DEFAULT_RULE_SET_ID, load_rule_set
    from triggers.timeline import timeline

    t0 = time.perf_counter()
    p = Problems()
    frames, lines, headers, _ = read_files(folder, p)
    t1 = time.perf_counter()
    checked = check(frames, lines=lines, headers=headers, problems=p)
    t2 = time.perf_counter()
    tl = timeline(checked.bundle, load_rule_set(DEFAULT_RULE_SET_ID), start, end)
    t3 = time.perf_counter()
    frame = tl.frame(7).assign(date=lambda f: f["date"].dt.strftime("%Y-%m-%d"))
    frame.to_csv(io.StringIO(), index=False)
    t4 = time.perf_counter()
    return {"start + imports": import_s, "read": t1 - t0, "check": t2 - t1, "compute": t3 - t2,
            "write": t4 - t3}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--signals", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--start", default="2006-01-01")
    ap.add_argument("--end", default="2025-12-31")
    args = ap.parse_args(argv)
    folder = bundle_dir(args.signals)
    out = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    common = [str(folder), "--start", args.start, "--end", args.end, "--step-days", "7"]
    cmds = {"engine": [sys.executable, "-m", "triggers", "timeline", *common],
            "duckdb": [sys.executable, "-m", "benchmarks.duck_cli", *common]}
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
    for _ in range(args.repeats):
        for name, cmd in cmds.items():
            results[name].append(run(cmd, out / f"{name}.csv"))

    engine = pd.read_csv(out / "engine.csv", usecols=["country", "date", "status"])
    duck = pd.read_csv(out / "duckdb.csv", usecols=["country", "date", "status"])
    same = engine.sort_values(["country", "date"]).reset_index(drop=True).equals(
        duck.sort_values(["country", "date"]).reset_index(drop=True))

    wall = {k: statistics.median(w for w, _ in v) for k, v in results.items()}
    peak = {k: max(m for _, m in v) for k, v in results.items()}
    ratio = wall["duckdb"] / wall["engine"]
    steps = split(folder, args.start, args.end)
    print(f"timeline CLI on {args.signals:,} signals, weekly rows of daily windows, "
          f"{args.repeats} runs each (load {os.getloadavg()[0]:.1f})")
    for k in cmds:
        runs = ", ".join(f"{w:.2f}" for w, _ in results[k])
        print(f"  {k:<7} median {wall[k]:.2f} s (runs {runs}), peak {peak[k]:.0f} MB")
    print(f"  duckdb / engine: {ratio:.2f}x (target >= {TARGET_RATIO}x): "
          f"{'met' if ratio >= TARGET_RATIO else 'MISSED'}; engine peak "
          f"{peak['engine']:.0f} MB (target < {TARGET_MB:.0f}): "
          f"{'met' if peak['engine'] < TARGET_MB else 'MISSED'}")
    print("  engine split: " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()))
    if not same:
        print("FAILED: the engine and DuckDB disagree on some statuses")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
