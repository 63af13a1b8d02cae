"""Command line: python -m triggers evaluate | timeline | backtest BUNDLE_DIR ...

Exit codes: 0 done, 2 bad input (the collected problem report is printed on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from triggers.bundle import BundleError, read_bundle
from triggers.evaluate import evaluate
from triggers.rules import DEFAULT_RULE_SET_ID, RuleSetError, load_rule_set
from triggers.timeline import timeline

COUNTRIES_CSV = Path(__file__).resolve().parent.parent / "data" / "reference" / "countries.csv"


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m triggers",
                                description="Evaluate objective prevention triggers over a signal bundle.")
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("bundle", metavar="BUNDLE_DIR", help="folder with signals.csv and issuers.csv")
    common.add_argument("--rules", default=DEFAULT_RULE_SET_ID,
                        help=f"rule-set YAML file or shipped id (default {DEFAULT_RULE_SET_ID})")
    common.add_argument("--format", choices=["csv", "json"], default="csv")
    ev = sub.add_parser("evaluate", parents=[common], help="status of every country as of a day")
    ev.add_argument("--as-of", type=_day, required=True, metavar="YYYY-MM-DD")
    tl = sub.add_parser("timeline", parents=[common], help="status of every country over a range of days")
    tl.add_argument("--start", type=_day, required=True, metavar="YYYY-MM-DD")
    tl.add_argument("--end", type=_day, required=True, metavar="YYYY-MM-DD")
    tl.add_argument("--step-days", type=int, default=1, metavar="N")
    bt = sub.add_parser("backtest", parents=[common],
                        help="score the rule set and five baselines against the Council's outcomes")
    bt.add_argument("--outcomes", required=True, metavar="FILE",
                    help="outcomes CSV: country,date,kind,reference,title,url")
    bt.add_argument("--start", type=_day, required=True, metavar="YYYY-MM-DD")
    bt.add_argument("--end", type=_day, required=True, metavar="YYYY-MM-DD")
    bt.add_argument("--lookback-days", type=int, default=365, metavar="N",
                    help="an outcome is warned by a triggered day in the N days before it (default 365)")
    bt.add_argument("--horizon-days", type=int, default=365, metavar="N",
                    help="an episode is followed by an outcome up to N days after it ends (default 365)")
    bt.add_argument("--quiet-days", type=int, default=365, metavar="Q",
                    help="an onset is a first triggered day after at least Q days without one "
                         "(default 365)")
    bt.add_argument("--states", default=str(COUNTRIES_CSV), metavar="FILE",
                    help="countries reference CSV (iso3, un_group): the States assessed are its "
                         "UN Member States and observer States (default data/reference/countries.csv)")
    bt.add_argument("--outcome-kinds", metavar="KIND[,KIND...]",
                    help="count only these outcome kinds (default: every kind)")
    bt.add_argument("--draws", type=int, default=200, metavar="N",
                    help="random-baseline draws (default 200; 0 leaves it out)")
    bt.add_argument("--seed", type=int, default=0, help="random-baseline seed (default 0)")
    bt.add_argument("--table", choices=["metrics", "outcomes", "episodes", "calibration",
                                        "random", "signals", "coverage"],
                    default="metrics", help="which table --format csv prints (default metrics)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        rules = load_rule_set(args.rules)
        bundle = read_bundle(args.bundle)
    except (BundleError, RuleSetError) as exc:
        print(exc, file=sys.stderr)
        return 2
    out = sys.stdout
    if args.command == "backtest":
        return _backtest(args, bundle, rules, out)
    if args.command == "evaluate":
        result = evaluate(bundle, rules, args.as_of)
        if args.format == "csv":
            result.table.to_csv(out, index=False)
        else:
            json.dump({"rule_set_id": rules.id, "rule_set_version": rules.version,
                       "as_of": result.as_of, "coverage": _coverage_records(bundle),
                       "countries": result.to_records()}, out, indent=1)
            out.write("\n")
        return 0
    if args.step_days < 1:
        print("--step-days must be 1 or more", file=sys.stderr)
        return 2
    if args.end < args.start:
        print(f"--end {args.end} is before --start {args.start}", file=sys.stderr)
        return 2
    tl = timeline(bundle, rules, args.start, args.end)
    frame = tl.frame(args.step_days).assign(date=lambda f: f["date"].dt.strftime("%Y-%m-%d"))
    episodes = tl.episodes().assign(start=lambda f: f["start"].dt.strftime("%Y-%m-%d"),
                                    end=lambda f: f["end"].dt.strftime("%Y-%m-%d"))
    if args.format == "csv":
        frame.to_csv(out, index=False)
    else:
        json.dump({"rule_set_id": rules.id, "rule_set_version": rules.version,
                   "start": args.start, "end": args.end, "step_days": args.step_days,
                   "timeline": frame.assign(status=frame["status"].astype(str)).to_dict("records"),
                   "episodes": episodes.to_dict("records")}, out, indent=1)
        out.write("\n")
    return 0


def _coverage_records(bundle) -> list[dict] | None:
    """The coverage rows the evaluation read; None when the bundle has no coverage.csv (then
    every kind counts as completely searched over all time)."""
    if bundle.coverage is None:
        return None
    cov = bundle.coverage
    return cov.assign(start=cov["start"].dt.strftime("%Y-%m-%d"),
                      end=cov["end"].dt.strftime("%Y-%m-%d")).to_dict("records")


def _states(path: str) -> list[str]:
    """The States assessed, from a countries reference CSV (iso3, un_group)."""
    import pandas as pd

    from triggers.backtest import assessed_states

    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"--states {path}: cannot read the countries table ({exc})") from None
    missing = [c for c in ("iso3", "un_group") if c not in table.columns]
    if missing:
        raise ValueError(f"--states {path}: missing column(s) {', '.join(missing)}; expected the "
                         "countries reference table (data/reference/countries.csv)")
    states = assessed_states(table)
    if not states:
        raise ValueError(f"--states {path}: no UN Member State or observer State in the table")
    return states


def _backtest(args, bundle, rules, out) -> int:
    from triggers.backtest import backtest
    from triggers.outcomes import OutcomesError, read_outcomes

    if args.end < args.start:
        print(f"--end {args.end} is before --start {args.start}", file=sys.stderr)
        return 2
    if args.lookback_days < 1 or args.horizon_days < 0 or args.quiet_days < 1 or args.draws < 0:
        print("--lookback-days and --quiet-days must be 1 or more, --horizon-days and --draws "
              "0 or more", file=sys.stderr)
        return 2
    try:
        outcomes = read_outcomes(args.outcomes)
    except OutcomesError as exc:
        print(exc, file=sys.stderr)
        return 2
    kinds = None
    if args.outcome_kinds:
        kinds = [k.strip() for k in args.outcome_kinds.split(",") if k.strip()]
    try:
        states = _states(args.states)
        result = backtest(bundle, rules, outcomes, args.start, args.end,
                          args.lookback_days, args.horizon_days, states=states, kinds=kinds,
                          quiet_days=args.quiet_days, draws=args.draws, seed=args.seed)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.format == "json":
        json.dump(result.to_dict(), out, indent=1, ensure_ascii=False)
        out.write("\n")
        return 0
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.table == "metrics":
        table = result.metrics_table()
    elif args.table in ("calibration", "signals", "coverage"):
        table = getattr(result, args.table)
    elif args.table == "random":
        table = result.random.reset_index()
    else:
        import pandas as pd

        table = pd.concat([getattr(s, args.table).assign(method=m) for m, s in result.scores.items()
                           if m != "random"], ignore_index=True)
        table = table[["method"] + [c for c in table.columns if c != "method"]]
    table.to_csv(out, index=False, date_format="%Y-%m-%d")
    return 0


if __name__ == "__main__":
    sys.exit(main())
