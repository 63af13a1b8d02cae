"""Speed of the trigger engine (issue 2, section 7): a daily timeline and an as-of evaluation.

    make bench                       # or: python benchmarks/engine.py [--signals 1000000]

1. A seeded synthetic bundle (benchmarks/synth.py; default 1,000,000 signals, 193 countries,
   20 years) is generated once and cached as Parquet in a temporary folder.
2. Three contenders compute every country's status on every day of the 20 years under
   glion-iii-2016, each in its own subprocess, so that each one's peak memory is its own:
   the process's peak resident set size from resource.getrusage (ru_maxrss), which includes
   the interpreter, the imports and the loaded bundle.
   - engine: triggers.prepared.prepare + triggers.timeline.timeline + .episodes();
   - duckdb: the same semantics as SQL window queries (benchmarks/duck.py), from tables already
     loaded in DuckDB (the load is timed apart and not counted);
   - loop: a straightforward pandas evaluation date by date (benchmarks/loop.py) on a sample
     of dates; its full time is estimated as setup + mean time per date x number of days.
3. Cross-check, failing loudly (exit 1): the engine and DuckDB agree on the status of every
   country on every day and on every episode; the loop agrees with both on its sample dates.
4. One as-of evaluate() of all countries over 100,000 signals with sentences and evidence:
   median of several runs after a warm-up, with the bundle prepared once, and with prepare.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script (`python benchmarks/engine.py`)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import pandas as pd

from triggers.bundle import Bundle
from triggers.prepared import from_day, prepare, to_day
from triggers.rules import DEFAULT_RULE_SET_ID, load_rule_set

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"vs_duckdb": 5.0, "vs_loop": 100.0, "peak_mb": 1536.0, "asof_ms": 100.0}
FRAMES = ("signals", "issuers", "links", "memberships")


def peak_mb() -> float:
    """This process's peak resident set size so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_mb() -> float:
    """This process's resident set size now (Linux /proc; 0 where unavailable)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def save_bundle(bundle: Bundle, folder: Path) -> None:
    for name in FRAMES:
        getattr(bundle, name).to_parquet(folder / f"{name}.parquet", index=False)


def load_bundle(folder: Path) -> Bundle:
    """The cached frames; they were validated when generated, so they are not re-validated."""
    frames = {name: pd.read_parquet(folder / f"{name}.parquet") for name in FRAMES}
    return Bundle(**frames)


# ---- the contenders, each run in a child process ----------------------------------------

def child_engine(cache: Path, args) -> dict:
    bundle = load_bundle(cache)
    rules = load_rule_set(args.rules)
    loaded_mb = current_mb()
    from triggers.timeline import timeline
    runs = []
    for _ in range(args.repeats):  # each run from the bundle: a new Prepared, nothing reused
        c0, t0 = time.process_time(), time.perf_counter()
        prep = prepare(bundle)
        t1 = time.perf_counter()
        tl = timeline(prep, rules, args.start, args.end)
        episodes = tl.episodes()
        t2 = time.perf_counter()
        runs.append((t2 - t0, t1 - t0, t2 - t1, time.process_time() - c0))
        del prep
    np.save(cache / "engine_status.npy", tl.status)
    pd.DataFrame({"country": episodes["country"],
                  "start": (episodes["start"] - pd.Timestamp("1970-01-01")).dt.days,
                  "end": (episodes["end"] - pd.Timestamp("1970-01-01")).dt.days,
                  "days": episodes["days"]}).to_parquet(cache / "engine_episodes.parquet")
    np.save(cache / "countries.npy", tl.countries.astype(str))
    median = sorted(runs)[len(runs) // 2]
    return {"seconds": median[0], "first_s": runs[0][0], "prepare_s": median[1],
            "cpu_s": statistics.median(r[3] for r in runs),
            "timeline_s": median[2], "runs": len(runs), "loaded_mb": loaded_mb, "peak_mb": peak_mb(), "episodes": len(episodes),
            "grid": list(tl.status.shape)}


def child_duckdb(cache: Path, args) -> dict:
    from benchmarks import duck

    bundle = load_bundle(cache)
    rules = load_rule_set(args.rules)
    con = duck.connect(args.threads)
    t0 = time.perf_counter()
    duck.load(con, bundle)
    del bundle
    t1 = time.perf_counter()
    loaded_mb = current_mb()
    runs = []
    cpu = []
    for _ in range(args.repeats):
        c, t = time.process_time(), time.perf_counter()
        res = duck.duckdb_timeline(con, rules, to_day(args.start), to_day(args.end))
        runs.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)  # all of DuckDB's threads
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    np.save(cache / "duckdb_status.npy", res.status)
    res.episodes.to_parquet(cache / "duckdb_episodes.parquet")
    return {"seconds": statistics.median(runs), "first_s": runs[0], "runs": len(runs),
            "cpu_s": statistics.median(cpu),
            "load_s": t1 - t0, "loaded_mb": loaded_mb, "peak_mb": peak_mb(),
            "episodes": len(res.episodes), "threads": int(threads)}


def child_loop(cache: Path, args) -> dict:
    from benchmarks import loop

    bundle = load_bundle(cache)
    rules = load_rule_set(args.rules)
    days = np.load(cache / "sample_days.npy")
    countries = sorted(bundle.signals["country"].unique())
    loaded_mb = current_mb()
    t0 = time.perf_counter()
    rows = loop.joined_links(bundle)
    t1 = time.perf_counter()
    out, per_day = [], []
    for d in days:
        s = time.perf_counter()
        out.append(loop.status_on(rows, rules, countries, pd.Timestamp(from_day(int(d)))))
        per_day.append(time.perf_counter() - s)
    np.save(cache / "loop_status.npy", np.stack(out, axis=1))
    n_days = to_day(args.end) - to_day(args.start) + 1
    return {"setup_s": t1 - t0, "per_day_s": statistics.mean(per_day), "sample_days": len(days),
            "measured_s": t1 - t0 + sum(per_day),
            "seconds": (t1 - t0) + statistics.mean(per_day) * n_days,
            "loaded_mb": loaded_mb, "peak_mb": peak_mb()}


def child_asof(cache: Path, args) -> dict:
    from benchmarks.synth import make_bundle
    from triggers.evaluate import evaluate

    bundle = make_bundle(args.asof_signals, seed=args.seed + 1, end=args.end)
    rules = load_rule_set(args.rules)
    as_of = args.end
    prep = prepare(bundle)
    evaluate(prep, rules, as_of)  # warm-up
    warm, warm_cpu = [], []
    for _ in range(args.asof_runs):
        c, t = time.process_time(), time.perf_counter()
        result = evaluate(prep, rules, as_of)
        warm.append(time.perf_counter() - t)
        warm_cpu.append(time.process_time() - c)
    cold = []
    for _ in range(max(3, args.asof_runs // 3)):
        t = time.perf_counter()
        evaluate(prepare(bundle), rules, as_of)
        cold.append(time.perf_counter() - t)
    sentences = int((result.criteria["sentence"] != "").sum())
    evidence = int(result.criteria["evidence"].map(len).sum())
    return {"median_ms": statistics.median(warm) * 1000, "min_ms": min(warm) * 1000,
            "max_ms": max(warm) * 1000, "cpu_ms": statistics.median(warm_cpu) * 1000,
            "with_prepare_ms": statistics.median(cold) * 1000,
            "runs": len(warm), "signals": len(bundle.signals), "countries": len(result.table),
            "sentences": sentences, "evidence_ids": evidence,
            "statuses": result.table["status"].value_counts().to_dict(), "peak_mb": peak_mb()}


CHILDREN = {"engine": child_engine, "duckdb": child_duckdb, "loop": child_loop, "asof": child_asof}


def run_child(name: str, cache: Path, args) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.engine", "--child", name, "--cache", str(cache),
           "--rules", args.rules, "--start", args.start, "--end", args.end, "--seed", str(args.seed),
           "--asof-signals", str(args.asof_signals), "--asof-runs", str(args.asof_runs),
           "--repeats", str(args.repeats)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    print(f"  running {name} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"benchmark child {name!r} failed (exit {proc.returncode})")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - started
    return result


# ---- the cross-check ---------------------------------------------------------------------

def cross_check(cache: Path, first: int) -> list[str]:
    """Every disagreement between the three contenders, as readable lines (empty = agree)."""
    problems = []
    countries = np.load(cache / "countries.npy")
    eng = np.load(cache / "engine_status.npy")
    duck = np.load(cache / "duckdb_status.npy")
    names = ("clear", "watch", "triggered")

    def report(label, a, b, cols):
        rows, where = np.nonzero(a != b)
        if len(rows):
            problems.append(f"{label}: {len(rows)} (country, day) statuses differ")
            for r, c in list(zip(rows, where))[:10]:
                problems.append(f"    {countries[r]} {from_day(first + int(cols[c]))}: "
                                f"{names[a[r, c]]} vs {names[b[r, c]]}")

    if eng.shape != duck.shape:
        problems.append(f"engine grid {eng.shape} vs DuckDB grid {duck.shape}")
    else:
        report("engine vs DuckDB (every day)", eng, duck, np.arange(eng.shape[1]))
    e_ep = pd.read_parquet(cache / "engine_episodes.parquet").sort_values(["country", "start"])
    d_ep = pd.read_parquet(cache / "duckdb_episodes.parquet").sort_values(["country", "start"])
    if not np.array_equal(e_ep.to_numpy(dtype=object), d_ep.to_numpy(dtype=object)):
        problems.append(f"episodes differ: engine {len(e_ep)}, DuckDB {len(d_ep)}")
    days = np.load(cache / "sample_days.npy")
    loop = np.load(cache / "loop_status.npy")
    cols = days - first
    report("engine vs loop (sample days)", eng[:, cols], loop, cols)
    report("DuckDB vs loop (sample days)", duck[:, cols], loop, cols)
    return problems


# ---- the parent --------------------------------------------------------------------------

def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {sys.version.split()[0]}"


def _mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--signals", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rules", default=DEFAULT_RULE_SET_ID)
    ap.add_argument("--start", default="2006-01-01")
    ap.add_argument("--end", default="2025-12-31")
    ap.add_argument("--loop-days", type=int, default=12, help="sample dates the pandas loop evaluates")
    ap.add_argument("--asof-signals", type=int, default=100_000)
    ap.add_argument("--asof-runs", type=int, default=15)
    ap.add_argument("--repeats", type=int, default=3,
                    help="timeline runs of the engine and DuckDB; the median is compared")
    ap.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all cores)")
    ap.add_argument("--cache", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--child", choices=sorted(CHILDREN), default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        result = CHILDREN[args.child](Path(args.cache), args)
        print(json.dumps(result))
        return 0

    first, last = to_day(args.start), to_day(args.end)
    years = round((last - first + 1) / 365.25)
    print(f"Prevention Dashboard engine benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"machine: {_machine()}; load average at start {os.getloadavg()[0]:.2f}")
    from benchmarks.synth import make_bundle

    with tempfile.TemporaryDirectory(prefix="prevention-bench-") as tmp:
        cache = Path(tmp)
        t = time.perf_counter()
        bundle = make_bundle(args.signals, years=years, seed=args.seed, end=args.end)
        gen_s = time.perf_counter() - t
        save_bundle(bundle, cache)
        print(f"bundle: {len(bundle.signals):,} signals, {len(bundle.links):,} issuer links, "
              f"{bundle.signals['country'].nunique()} countries, {args.start} .. {args.end}, "
              f"seed {args.seed} (generated in {gen_s:.1f} s); rules {args.rules}")
        sys.stdout.flush()
        rng = np.random.default_rng(args.seed)
        sample = np.sort(rng.choice(np.arange(first, last + 1), size=args.loop_days, replace=False))
        np.save(cache / "sample_days.npy", sample)
        del bundle

        res = {name: run_child(name, cache, args) for name in ("engine", "duckdb", "loop", "asof")}
        problems = cross_check(cache, first)

    e, d, lp, a = res["engine"], res["duckdb"], res["loop"], res["asof"]
    n_days = last - first + 1
    print(f"\nDaily timeline, {e['grid'][0]} countries x {n_days:,} days "
          f"({e['grid'][0] * n_days:,} statuses); each contender in its own process")
    print(f"{'contender':<10} {'time (s)':>10} {'peak RSS (MB)':>14} {'RSS at start':>13}  notes")
    print(f"{'engine':<10} {e['seconds']:>10.2f} {e['peak_mb']:>14.0f} {e['loaded_mb']:>13.0f}  "
          f"median of {e['runs']} (first {e['first_s']:.2f} s): prepare {e['prepare_s']:.2f} s + "
          f"timeline/episodes {e['timeline_s']:.2f} s; CPU {e['cpu_s']:.2f} s; 1 thread; "
          f"{e['episodes']:,} episodes")
    print(f"{'duckdb':<10} {d['seconds']:>10.2f} {d['peak_mb']:>14.0f} {d['loaded_mb']:>13.0f}  "
          f"median of {d['runs']} (first {d['first_s']:.2f} s); CPU {d['cpu_s']:.2f} s on "
          f"{d['threads']} threads; "
          f"loading the tables took {d['load_s']:.2f} s more (not counted)")
    print(f"{'loop':<10} {lp['seconds']:>10.1f} {lp['peak_mb']:>14.0f} {lp['loaded_mb']:>13.0f}  "
          f"ESTIMATE: setup {lp['setup_s']:.2f} s + {lp['per_day_s']:.3f} s/date x {n_days:,} dates "
          f"(measured on {lp['sample_days']} dates, {lp['measured_s']:.1f} s)")
    print("(peak RSS: ru_maxrss of the contender's process, interpreter, imports and loaded bundle "
          "included; RSS at start: resident size when its timed work began, bundle loaded)")
    vs_d, vs_l = d["seconds"] / e["seconds"], lp["seconds"] / e["seconds"]
    print(f"\nengine is {vs_d:.1f}x faster than DuckDB (target >= {TARGETS['vs_duckdb']:.0f}x: "
          f"{_mark(vs_d >= TARGETS['vs_duckdb'])}; first runs only: "
          f"{d['first_s'] / e['first_s']:.1f}x)")
    print(f"engine is {vs_l:,.0f}x faster than the pandas loop (target >= {TARGETS['vs_loop']:.0f}x: "
          f"{_mark(vs_l >= TARGETS['vs_loop'])})")
    print(f"engine peak memory {e['peak_mb']:.0f} MB (target < {TARGETS['peak_mb']:.0f} MB: "
          f"{_mark(e['peak_mb'] < TARGETS['peak_mb'])})")
    print(f"\nAs-of evaluate() of {a['countries']} countries over {a['signals']:,} signals "
          f"({a['sentences']} sentences, {a['evidence_ids']:,} evidence ids; {a['statuses']}):")
    print(f"  prepared once: median {a['median_ms']:.1f} ms of {a['runs']} runs after a warm-up "
          f"(min {a['min_ms']:.1f}, max {a['max_ms']:.1f}; CPU median {a['cpu_ms']:.1f} ms); "
          f"target < {TARGETS['asof_ms']:.0f} ms: "
          f"{_mark(a['median_ms'] < TARGETS['asof_ms'])}")
    print(f"  with prepare:  median {a['with_prepare_ms']:.1f} ms")
    if problems:
        print("\nCROSS-CHECK FAILED: the contenders disagree, so the timings compare different things:")
        print("\n".join("  " + p for p in problems))
        return 1
    print(f"\ncross-check: engine and DuckDB agree on all {e['grid'][0] * n_days:,} statuses and "
          f"{e['episodes']:,} episodes; the loop agrees with both on {lp['sample_days']} sample dates")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
