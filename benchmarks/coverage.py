"""What coverage costs the daily timeline (issue 10: within 1.2x of the timeline without it).

    python -m benchmarks.coverage [--signals 1000000] [--repeats 5]

One synthetic bundle (benchmarks/synth.py: 1,000,000 signals, 193 States, 20 years) is
given three coverages, then prepared and its whole daily timeline computed under
glion-iii-2016 (prepare + timeline, as benchmarks/engine.py times the engine), runs
interleaved so that machine load hits all alike:
- none:      no coverage rows (a bundle without coverage.csv: complete everywhere);
- realistic: coverage shaped like the real sources: per issuer kind a few all-States spans
             with holes, sample rows, and one row per State for NHRIs and NGOs (the
             per-State path, the costly one);
- complete:  one all-States row per kind over the whole period.
Checks (exit 1 on failure): `complete` gives exactly the statuses of `none`; `realistic`
changes no triggered day (coverage only decides between clear and undetermined).
Prints the medians and the ratio realistic / none.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import pandas as pd

from benchmarks.synth import make_bundle
from triggers.bundle import Bundle
from triggers.prepared import prepare
from triggers.rules import DEFAULT_RULE_SET_ID, load_rule_set
from triggers.timeline import timeline
from triggers.vocabulary import ISSUER_KINDS

TARGET = 1.2


def realistic_coverage(bundle: Bundle, start: str, end: str, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    span = (last - first).days
    rows = []
    for kind in ISSUER_KINDS:
        # Three all-States spans with holes between them, then a sample tail.
        cuts = np.sort(rng.integers(0, span, 4))
        for a, b in zip(cuts[:-1:2], cuts[1::2]):
            rows.append((f"{kind}-src", kind, "", first + pd.Timedelta(days=int(a)),
                         first + pd.Timedelta(days=int(b)), "complete"))
        rows.append((f"{kind}-news", kind, "", first + pd.Timedelta(days=int(cuts[-1])), last,
                     "sample"))
    for country in sorted(bundle.signals["country"].unique()):
        for kind in ("nhri", "ngo"):
            a = int(rng.integers(0, span))
            rows.append((f"{kind}-{country}", kind, country, first + pd.Timedelta(days=a), last,
                         "complete"))
    return pd.DataFrame(rows, columns=["source", "issuer_kind", "country", "start", "end",
                                       "completeness"])


def complete_coverage(start: str, end: str) -> pd.DataFrame:
    return pd.DataFrame([("all", k, "", pd.Timestamp(start), pd.Timestamp(end), "complete")
                         for k in ISSUER_KINDS],
                        columns=["source", "issuer_kind", "country", "start", "end", "completeness"])


def with_coverage(bundle: Bundle, coverage: pd.DataFrame | None) -> Bundle:
    return Bundle(signals=bundle.signals, issuers=bundle.issuers, links=bundle.links,
                  memberships=bundle.memberships, coverage=coverage)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--signals", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--start", default="2006-01-01")
    ap.add_argument("--end", default="2025-12-31")
    args = ap.parse_args(argv)

    rules = load_rule_set(DEFAULT_RULE_SET_ID)
    base = make_bundle(args.signals, end=args.end)
    # A window before the range is covered too, so "complete" is complete on every day.
    history = (pd.Timestamp(args.start) - pd.Timedelta(days=rules.window_days)).date().isoformat()
    variants = {"none": None, "realistic": realistic_coverage(base, history, args.end),
                "complete": complete_coverage(history, args.end)}
    bundles = {name: with_coverage(base, cov) for name, cov in variants.items()}
    times: dict[str, list[float]] = {name: [] for name in variants}
    grids = {}
    for _ in range(args.repeats):
        for name, bundle in bundles.items():
            # prepare + timeline, as the engine benchmark times it: nothing reused between runs.
            t0 = time.perf_counter()
            grids[name] = timeline(prepare(bundle), rules, args.start, args.end).status
            times[name].append(time.perf_counter() - t0)

    problems = []
    if not np.array_equal(grids["none"], grids["complete"]):
        problems.append("complete coverage changed statuses")
    if not np.array_equal(grids["none"] == 2, grids["realistic"] == 2):
        problems.append("realistic coverage changed triggered days")
    median = {name: statistics.median(t) for name, t in times.items()}
    ratio = median["realistic"] / median["none"]
    shape = grids["none"].shape
    undetermined = float((grids["realistic"] == 3).mean())
    print(f"timeline of {args.signals:,} signals, {shape[0]} States x {shape[1]:,} days, "
          f"{len(variants['realistic'])} realistic coverage rows, {args.repeats} runs each")
    for name in variants:
        print(f"  {name:<10} median {median[name]:.3f} s (min {min(times[name]):.3f}, "
              f"max {max(times[name]):.3f})")
    print(f"  realistic / none: {ratio:.2f}x (target <= {TARGET}x): "
          f"{'met' if ratio <= TARGET else 'MISSED'}; undetermined State-days: {undetermined:.1%}")
    for p in problems:
        print(f"FAILED: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
