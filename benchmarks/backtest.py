"""Back-test speed: a 100-point parameter sweep over 20 years of 100,000 signals.

The bundle carries realistic coverage rows (benchmarks/coverage.py: all-States spans with
holes per issuer kind, samples, per-State NHRI and NGO rows) and the back-test assesses the
195 States of the reference table, as the command line and the pages do. Prints the fast
sweep's time (target: under 10 s on the 2-core machine), a single back-test (the rule set, the
four daily baselines and 200 random draws, with every table), and, in the same run, the naive
way: the status of every State re-evaluated with evaluate() day by day. The naive loop is timed
on a sample of days and scaled up to the same sweep, and its statuses are checked against the
timeline's on those days.

    python -m benchmarks.backtest [--signals 100000] [--years 20] [--sample-days 20]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd

from benchmarks.coverage import realistic_coverage, with_coverage
from benchmarks.synth import make_bundle
from triggers.backtest import (
    assessed_states,
    backtest,
    build_context,
    set_parameter,
    sweep,
)
from triggers.evaluate import evaluate
from triggers.prepared import from_day, prepare
from triggers.rules import load_rule_set
from triggers.timeline import timeline

END = "2025-12-31"
COUNTRIES = __import__("pathlib").Path(__file__).resolve().parent.parent / "data" / "reference" \
    / "countries.csv"
WINDOWS = [30, 60, 90, 120, 180, 240, 365, 545, 730, 1095]
SP_THRESHOLDS = list(range(1, 11))


def synthetic_outcomes(bundle, rules, start: str, end: str, n: int = 200, seed: int = 0) -> pd.DataFrame:
    """Invented Council outcomes: half shortly after triggered episodes, half anywhere.

    Tying half to episodes gives the sweep something to find; the other half are outcomes the
    criteria could not have warned, as in reality. A few thematic rows ride along.
    """
    rng = np.random.default_rng(seed)
    episodes = timeline(bundle, rules, start, end).episodes()
    picked = episodes.iloc[rng.choice(len(episodes), size=min(n // 2, len(episodes)), replace=False)]
    after = pd.to_timedelta(rng.integers(0, 240, size=len(picked)), unit="D")
    linked = pd.DataFrame({"country": picked["country"].to_numpy(),
                           "date": (picked["start"] + after).to_numpy()})
    days = pd.date_range(start, end, freq="D")
    loose = pd.DataFrame({"country": rng.choice(sorted(bundle.signals["country"].unique()),
                                                size=n - len(linked)),
                          "date": days[rng.integers(0, len(days), size=n - len(linked))]})
    thematic = pd.DataFrame({"country": [""] * 3, "date": days[[100, 2000, 4000]]})
    frame = pd.concat([linked, loose, thematic], ignore_index=True)
    frame = frame[frame["date"] <= pd.Timestamp(end)].reset_index(drop=True)
    frame["kind"] = rng.choice(["special_session", "commission_of_inquiry", "urgent_debate"],
                               size=len(frame))
    frame["reference"] = [f"SYN-{i}" for i in range(len(frame))]
    frame["title"] = "[SYNTHETIC] Council outcome"
    frame["url"] = ""
    return frame[["country", "date", "kind", "reference", "title", "url"]]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.backtest", description=__doc__.split("\n")[0])
    p.add_argument("--signals", type=int, default=100_000)
    p.add_argument("--years", type=int, default=20)
    p.add_argument("--sample-days", type=int, default=20,
                   help="days the naive evaluate() loop is timed on before scaling up")
    args = p.parse_args(argv)

    t0 = time.perf_counter()
    plain = make_bundle(args.signals, years=args.years, seed=0, end=END)
    start = str(plain.signals["date"].min().date())
    history = str((pd.Timestamp(start) - pd.Timedelta(days=730)).date())
    bundle = with_coverage(plain, realistic_coverage(plain, history, END))
    states = assessed_states(pd.read_csv(COUNTRIES, dtype=str, keep_default_na=False))
    rules = load_rule_set("glion-iii-2016")
    outcomes = synthetic_outcomes(bundle, rules, start, END)
    t_make = time.perf_counter() - t0
    print(f"bundle: {len(bundle.signals):,} signals, {bundle.signals['country'].nunique()} States, "
          f"{len(bundle.coverage)} coverage rows, {start} to {END}; {len(states)} States "
          f"assessed; {len(outcomes)} synthetic outcomes (built in {t_make:.1f} s)")

    t0 = time.perf_counter()
    prep = prepare(bundle, states)
    t_prep = time.perf_counter() - t0

    t0 = time.perf_counter()
    result = backtest(prep, rules, outcomes, start, END, states=states)
    t_one = time.perf_counter() - t0
    m = result.score.metrics
    print(f"prepare once: {t_prep:.2f} s; one back-test with five baselines (200 random draws) "
          f"and tables: {t_one:.2f} s (recall {m['recall']:.2f}, fresh {m['recall_fresh']:.2f}, "
          f"precision {m['precision']:.2f}, {m['episodes']} episodes, {m['onsets']} onsets, "
          f"{m['outcomes_covered']} of {m['outcomes']} outcomes covered)")

    x = ("window_days", WINDOWS)
    y = ("special_procedures.min_issuers", SP_THRESHOLDS)
    t0 = time.perf_counter()
    table = sweep(prep, rules, outcomes, start, END, x, y, states=states)
    t_sweep = time.perf_counter() - t0
    points = len(table)
    verdict = "within" if t_sweep < 10 else "OVER"
    print(f"sweep: {points} points ({x[0]} x {y[0]}) over {args.years} years: {t_sweep:.2f} s "
          f"({t_sweep / points * 1000:.0f} ms a point; {verdict} the 10 s target)")
    if points != len(WINDOWS) * len(SP_THRESHOLDS):
        print(f"note: {table.attrs['notes']}")

    # The naive way: status by evaluate() for every day of the timeline, for every point.
    ctx = build_context(prep, outcomes, start, END, 365, 365, states=states)
    days_per_point = ctx.end - ctx.first + 1
    sample = np.linspace(ctx.first, ctx.end, args.sample_days).astype(int)
    variant = set_parameter(set_parameter(rules, x[0], 365), y[0], 4)
    grid = timeline(prep, variant, from_day(ctx.first), from_day(ctx.end)).status
    t0 = time.perf_counter()
    mismatches = 0
    for d in sample:
        table_d = evaluate(prep, variant, from_day(int(d)), sentences=False).table
        naive = (table_d["status"] == "triggered").to_numpy()
        mismatches += int((naive != (grid[:, d - ctx.first] == 2)).sum())
    per_day = (time.perf_counter() - t0) / len(sample)
    naive_total = per_day * days_per_point * points
    print(f"naive: evaluate() day by day: {per_day * 1000:.0f} ms a day x {days_per_point:,} days "
          f"x {points} points = {naive_total:,.0f} s ({naive_total / 3600:.1f} h) scaled up from "
          f"{len(sample)} sampled days; statuses on those days agree: "
          f"{'yes' if mismatches == 0 else f'NO ({mismatches} differ)'}")
    print(f"speed-up of the sweep over the naive loop: {naive_total / t_sweep:,.0f}x")
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
