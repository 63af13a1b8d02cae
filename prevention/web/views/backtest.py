"""Tables, sentences and charts for the Back-test, Consistency and Track record pages.

Pure shaping of triggers.backtest results for display; no Streamlit here, so every function is
tested directly. Every figure a sentence states is one the back-test computed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from triggers.backtest import (
    BacktestResult,
    assessed_states,
    backtest,
    consistency,
)
from triggers.outcomes import OUTCOME_KINDS, OUTCOME_LABELS, OUTCOME_PROVENANCE
from triggers.prepared import Prepared
from triggers.rules import RuleSet
from triggers.vocabulary import country_name

# The Council's first session opened on 19 June 2006: no outcome can be older.
COUNCIL_FIRST_DAY = "2006-06-19"
METHOD_NAMES = {
    "rules": "The rule set",
    "previous_outcome": "Previous outcome (24 months)",
    "any_signal": "Any signal",
    "ga_sc": "GA/SC only",
    "persistence": "Persistence (previous two calendar years)",
    "random": "Random States (mean, 95% range)",
}
# In a sentence: "the rule set beats <these>".
METHOD_PHRASES = {
    "previous_outcome": "the previous outcome",
    "any_signal": "any signal",
    "ga_sc": "GA/SC resolutions alone",
    "persistence": "persistence",
    "random": "random States",
}


def states_assessed(countries: pd.DataFrame) -> list[str] | None:
    """The States assessed from the stored countries table; None when it holds none (then
    the back-test assesses the States its data names, and says how many)."""
    return assessed_states(countries) or None


def run(prepared: Prepared, rules: RuleSet, outcomes: pd.DataFrame, start, end, lookback: int,
        horizon: int, countries: pd.DataFrame | None = None, kinds=None,
        quiet_days: int = 365) -> BacktestResult:
    """The back-test as the pages run it: stored outcomes, the States assessed from the stored
    countries table, the bundle's own coverage."""
    return backtest(prepared, rules, outcomes, start, end, lookback, horizon,
                    states=states_assessed(countries) if countries is not None else None,
                    kinds=kinds, quiet_days=quiet_days)


def _names(codes, names: dict[str, str] | None) -> list[str]:
    names = names or {}
    return [names.get(c) or country_name(c) for c in codes]


def pct(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.0%}"


def days_text(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.0f}"


def count_text(value) -> str:
    """A count, or the mean of the random draws with one decimal."""
    if value is None or pd.isna(value):
        return "—"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


OUTCOME_PLURALS = {
    "special_session": "special sessions",
    "commission_of_inquiry": "commissions of inquiry",
    "fact_finding_mission": "fact-finding missions",
    "urgent_debate": "urgent debates",
    "country_resolution": "country resolutions",
    "other": "other outcomes",
}


def kinds_text(kinds) -> str:
    """'special sessions, urgent debates' for a list of outcome kinds."""
    return ", ".join(OUTCOME_PLURALS.get(k, k) for k in kinds)


def _counted(n: int, kind: str) -> str:
    return f"{n} {OUTCOME_LABELS.get(kind, kind) if n == 1 else OUTCOME_PLURALS.get(kind, kind)}"


# ---------------------------------------------------------------------------- metrics

def metrics_display(result: BacktestResult) -> pd.DataFrame:
    """One row per method (the rule set, then each baseline), in words and percentages; the
    random baseline shows the mean of its draws and their 95% range."""
    rows = []
    for method, s in result.scores.items():
        m = s.metrics

        def cell(key, fmt):
            if method == "random" and key in result.random.index:
                r = result.random.loc[key]
                if r["mean"] is None or pd.isna(r["mean"]):
                    return "—"
                return f"{fmt(r['mean'])} ({fmt(r['low'])}–{fmt(r['high'])})"
            return fmt(m.get(key))

        rows.append({
            "Method": METHOD_NAMES.get(method, s.label),
            "Outcomes": count_text(m["outcomes"]),
            "Warned": cell("warned", count_text),
            "Recall": cell("recall", pct),
            "Fresh recall": cell("recall_fresh", pct),
            "Warnings that were chronic": cell("chronic_share", pct),
            "Episodes": cell("episodes", count_text),
            "Precision (episodes)": cell("precision", pct),
            "Onsets": cell("onsets", count_text),
            "Precision (onsets)": cell("precision_onsets", pct),
            "Median lead (days)": cell("lead_days_median", days_text),
            "Median fresh lead (days)": cell("lead_days_median_fresh", days_text),
            "False alarms a year": cell("false_alarms_per_year", lambda v: f"{v:.1f}"),
            "State-days triggered": cell("triggered_share", pct),
            "Covered outcomes": count_text(m["outcomes_covered"]),
            "Recall (covered)": cell("recall_covered", pct),
        })
    return pd.DataFrame(rows)


def verdict_sentence(result: BacktestResult) -> str:
    """One sentence: which baselines the rule set beats on both recall and precision."""
    beats = result.beats()
    if not beats:
        return "No baseline was computed."
    won = [METHOD_PHRASES[m] for m, b in beats.items() if b]
    lost = [m for m, b in beats.items() if b is False]
    unknown = [METHOD_PHRASES[m] for m, b in beats.items() if b is None]
    mine = result.score.metrics

    def versus(method: str) -> str:
        if method == "random":
            r = result.random
            return (f"{METHOD_PHRASES[method]} (recall {pct(mine['recall'])} vs up to "
                    f"{pct(r.loc['recall', 'high'])}, precision {pct(mine['precision'])} vs up "
                    f"to {pct(r.loc['precision', 'high'])})")
        theirs = result.scores[method].metrics
        return (f"{METHOD_PHRASES[method]} (recall {pct(mine['recall'])} vs "
                f"{pct(theirs['recall'])}, precision {pct(mine['precision'])} vs "
                f"{pct(theirs['precision'])})")

    n = len(beats)
    if won and not lost and not unknown:
        return f"The rule set beats all {n} baselines on both recall and precision."
    text = (f"The rule set beats {_and(won)} on both recall and precision" if won else
            f"The rule set beats none of the {n} baselines on both recall and precision")
    if lost:
        text += (", but not " if won else ": not ") + _and([versus(m) for m in lost])
    if unknown:
        text += f"; it cannot be compared with {_and(unknown)} (no outcome or no episode)"
    return text + "."


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def data_sentence(result: BacktestResult) -> str:
    """Which criteria had data in the period, and how many outcomes had a covered lookback."""
    t = result.coverage
    if t.empty:
        return "The rule set has no enabled criterion."
    with_data, without = [], []
    for r in t.itertuples():
        if not r.has_data:
            without.append(r.criterion)
        elif r.days_complete == r.days:
            with_data.append(f"{r.criterion} (complete coverage throughout)")
        else:
            with_data.append(f"{r.criterion} ({r.signals:,} signal{'' if r.signals == 1 else 's'}; "
                             f"complete coverage on "
                             f"{pct(r.covered_share)} of State-days)")
    m = result.score.metrics
    text = (f"Criteria with data between {_period_start(result)} and {result.end}: "
            + (_and(with_data) if with_data else "none"))
    if without:
        text += f"; without any data: {_and(without)}"
    text += (f". Outcomes whose lookback was fully covered for a criterion: "
             f"{m['outcomes_covered']} of {m['outcomes']}")
    if m["outcomes_covered"]:
        text += f" (recall over them {pct(m['recall_covered'])})"
    return text + "."


def _period_start(result: BacktestResult) -> str:
    return str((pd.Timestamp(result.start) - pd.Timedelta(days=result.lookback_days)).date())


def coverage_display(result: BacktestResult) -> pd.DataFrame:
    """Per enabled criterion: signals and covered days over the period."""
    t = result.coverage
    return pd.DataFrame({
        "Criterion": t["title"].to_numpy(),
        "Id": t["criterion"].to_numpy(),
        "Signals in the period": t["signals"].to_numpy(),
        "Covered State-days": [pct(v) for v in t["covered_share"]],
        "Days complete for every State": t["days_complete"].to_numpy(),
        "Days partly covered": t["days_partial"].to_numpy(),
        "Days with no coverage": t["days_none"].to_numpy(),
        "Any data": t["has_data"].to_numpy(),
    })


def calibration_display(result: BacktestResult) -> pd.DataFrame:
    t = result.calibration
    return pd.DataFrame({
        "Criteria met when the episode began": t["criteria_met"].to_numpy(),
        "Onsets": t["onsets"].to_numpy(),
        "Onsets followed": t["onsets_followed"].to_numpy(),
        "Precision (onsets)": [pct(v) for v in t["precision_onsets"]],
        "Outcomes warned": t["warned"].to_numpy(),
        "Share of all outcomes": [pct(v) for v in t["recall"]],
    })


def kinds_display(outcomes: pd.DataFrame, chosen=None) -> pd.DataFrame:
    """Every outcome kind: how many the table holds, from when to when, where outcomes of the
    kind come from, and whether the back-test counts them."""
    chosen = set(OUTCOME_KINDS if chosen is None else chosen)
    rows = []
    for kind in OUTCOME_KINDS:
        mine = outcomes[outcomes["kind"] == kind]
        dates = pd.to_datetime(mine["date"])
        rows.append({"Kind": OUTCOME_LABELS[kind], "Outcomes": len(mine),
                     "States": int(mine.loc[mine["country"].fillna("") != "", "country"].nunique()),
                     "First": dates.min().strftime("%Y-%m-%d") if len(mine) else "",
                     "Last": dates.max().strftime("%Y-%m-%d") if len(mine) else "",
                     "Counted": kind in chosen, "Provenance": OUTCOME_PROVENANCE[kind]})
    return pd.DataFrame(rows, columns=["Kind", "Outcomes", "States", "First", "Last", "Counted",
                                       "Provenance"])


# ---------------------------------------------------------------------------- tables

def _criteria_titles(rules: RuleSet, ids: str) -> str:
    titles = {c.id: c.title or c.id for c in rules.criteria}
    return "; ".join(titles.get(i, i) for i in ids.split(";") if i)


def _coverage_columns(result: BacktestResult, table: pd.DataFrame) -> dict:
    titles = {c.id: c.title or c.id for c in result.rules.criteria}
    return {f"Covered: {titles.get(c[:-8], c[:-8])}": [pct(v) for v in table[c]]
            for c in table.columns if c.endswith("_covered") and c != "covered"}


def outcome_display(result: BacktestResult, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Per outcome: warned (fresh or chronic), lead time, criteria, coverage of its lookback,
    and whether each baseline warned it."""
    t = result.score.outcomes
    out = pd.DataFrame({
        "State": _names(t["country"], names),
        "ISO3": t["country"].to_numpy(),
        "Date": t["date"].dt.strftime("%Y-%m-%d").to_numpy(),
        "Outcome": t["kind"].map(OUTCOME_LABELS).fillna(t["kind"]).to_numpy(),
        "Reference": t["reference"].to_numpy(),
        "Title": t["title"].to_numpy(),
        "Warned": t["warned"].to_numpy(),
        "Warning": np.where(t["fresh"], "fresh", np.where(t["warned"], "chronic", "")),
        "Lead (days)": t["lead_days"].to_numpy(),
        "Episode began": t["episode_start"].dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
        "Criteria met when it began": [_criteria_titles(result.rules, c)
                                       for c in t["criteria_at_start"]],
        "Lookback covered": t["covered"].to_numpy(),
        **_coverage_columns(result, t),
    })
    for method, s in result.scores.items():
        if method != "rules" and len(s.outcomes):
            out[f"{METHOD_NAMES[method]} warned"] = s.outcomes["warned"].to_numpy()
    return out


def episode_display(result: BacktestResult, names: dict[str, str] | None = None) -> pd.DataFrame:
    t = result.score.episodes
    edge = np.where(t["began_before_range"] & t["ongoing_at_end"],
                    "began before and runs past the range",
                    np.where(t["began_before_range"], "began before the range",
                             np.where(t["ongoing_at_end"], "still triggered at the range end", "")))
    return pd.DataFrame({
        "State": _names(t["country"], names),
        "ISO3": t["country"].to_numpy(),
        "First day": t["start"].dt.strftime("%Y-%m-%d").to_numpy(),
        "Last day": t["end"].dt.strftime("%Y-%m-%d").to_numpy(),
        "Days": t["days"].to_numpy(),
        "Onset": t["onset"].to_numpy(),
        "Followed": t["followed"].to_numpy(),
        "Council outcome": [f"{OUTCOME_LABELS.get(k, k)} {r}" if f else ""
                            for f, k, r in zip(t["followed"], t["outcome_kind"],
                                               t["outcome_reference"])],
        "Days to outcome": t["days_to_outcome"].to_numpy(),
        "Criteria met on the first day": [_criteria_titles(result.rules, c)
                                          for c in t["criteria_at_start"]],
        "Number of criteria met": t["criteria_met_at_start"].to_numpy(),
        "Range edge": edge,
        "Follow-up window past the range": t["horizon_past_end"].to_numpy(),
        **_coverage_columns(result, t),
    })


def consistency_display(result: BacktestResult, names: dict[str, str] | None = None
                        ) -> pd.DataFrame:
    t = consistency(result)

    def day(col):
        return t[col].dt.strftime("%Y-%m-%d").fillna("").to_numpy()

    return pd.DataFrame({
        "State": _names(t["country"], names),
        "ISO3": t["country"].to_numpy(),
        "Finding": t["category"].to_numpy(),
        "Threshold first met in the period": day("first_triggered"),
        "Last met in the period": day("last_triggered"),
        "Window ends": day("window_end"),
        "Days triggered in the period": t["triggered_days"].to_numpy(),
        "What the Council did": t["council_action"].to_numpy(),
        "Outcomes in the window": [f"{w} of {n}" if n else "" for w, n in
                                   zip(t["outcomes_in_window"], t["outcomes"])],
        "Outcomes warned": [f"{w} of {n}" if n else "" for w, n in
                            zip(t["outcomes_warned"], t["outcomes"])],
    })


# ---------------------------------------------------------------------------- track record

def track_record_sentences(result: BacktestResult) -> list[str]:
    """The record in plain sentences: each states a figure the back-test computed, the
    rule set first, then the baselines and what the data covered."""
    m = result.score.metrics
    L, H, Q = result.lookback_days, result.horizon_days, result.quiet_days
    n_states = len(result.states)
    out = []
    if m["outcomes"]:
        kinds = result.score.outcomes["kind"].value_counts()
        listed = _and([_counted(int(n), k) for k, n in kinds.items()])
        out.append(f"From {result.start} to {result.end} the Council acted {m['outcomes']} times "
                   f"on one of the {n_states} States assessed ({listed}).")
        if m["warned"]:
            out.append(
                f"In the {L} days before {m['warned']} of them ({pct(m['recall'])}) the criteria "
                f"were met. {m['warned_fresh']} of these warnings ({pct(m['recall_fresh'])} of "
                f"the outcomes) came from a period of concern that began within those {L} days; "
                f"the other {m['warned_chronic']} ({pct(m['chronic_share'])} of the warnings) "
                f"were chronic, a period that had begun earlier. Median lead: "
                f"{days_text(m['lead_days_median'])} days over all warnings, "
                f"{days_text(m['lead_days_median_fresh'])} days over fresh ones.")
        else:
            out.append(f"In the {L} days before none of them were the criteria met.")
    else:
        out.append(f"No Council outcome on a State assessed is recorded from {result.start} to "
                   f"{result.end}.")
    if m["episodes"]:
        out.append(f"The criteria were met in {m['episodes']} separate periods, {m['onsets']} of "
                   f"them onsets (after at least {Q} days without the criteria met); the Council "
                   f"acted on the State during or within {H} days after {m['followed']} of the "
                   f"periods ({pct(m['precision'])}) and {m['onsets_followed']} of the onsets "
                   f"({pct(m['precision_onsets'])}). The other {m['false_alarms']} periods "
                   f"({m['false_alarms_per_year']:.1f} a year) were not followed by Council "
                   f"action, which is what the criteria are meant to make visible, not "
                   f"necessarily an error.")
    if m["outcomes"]:
        out.append(verdict_sentence(result))
    out.append(data_sentence(result))
    out.append(f"Shares are over the {n_states} States assessed; the criteria were met on "
               f"{pct(m['triggered_share'])} of their days in the period.")
    return out
