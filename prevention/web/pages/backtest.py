"""Back-test: did the criteria warn before the Human Rights Council acted, and were warnings
followed? The rule set against five baselines, over the States assessed, with what the data
covered."""

import hashlib
from datetime import date

import streamlit as st
import yaml

from prevention.web import common, views
from prevention.web.views import backtest as bv
from prevention.web.views import sweep as sv
from triggers.backtest import sweep
from triggers.outcomes import (
    OUTCOME_KINDS,
    OUTCOME_LABELS,
    OutcomesError,
    parse_outcomes,
)
from triggers.rules import (
    DEFAULT_RULE_SET_ID,
    RuleSetError,
    parse_rule_set,
    rule_set_to_yaml,
)


@st.cache_resource(max_entries=16, show_spinner="Running the back-test…")
def _run(db, version, rules_yaml, outcomes_key, start, end, lookback, horizon, quiet, kinds,
         _rules, _outcomes):
    shared = common.data()
    return bv.run(shared["prepared"], _rules, _outcomes, start, end, lookback, horizon,
                  shared["countries"], list(kinds), quiet)


common.guard("backtest")
d = common.header("Back-test", "Did the criteria warn before the Human Rights Council acted, and "
                               "did the Council act when they were met? The rule set is compared "
                               "with five baselines. Definitions: docs/backtest.md.")
choices = common.rule_set_choices()
with st.sidebar:
    param = common.url_selectbox("Rule set", list(choices), "rules", DEFAULT_RULE_SET_ID,
                                 format_func=lambda k: choices.get(k, k))
    scenario = st.file_uploader("…or a scenario (rule-set YAML)", type=["yaml", "yml"], key="bt_rules")
rules = common.rule_set(param)
if scenario is not None:
    try:
        rules = parse_rule_set(yaml.safe_load(scenario.getvalue().decode("utf-8")), origin=scenario.name)
    except (RuleSetError, yaml.YAMLError, UnicodeDecodeError, AttributeError) as exc:
        st.error(f"The scenario cannot be used: {views.md_text(exc)}")
        st.stop()

c1, c2, c3, c4, c5 = st.columns(5)
with c1:
    start = common.url_date("From", "bt_start", date.fromisoformat(bv.COUNCIL_FIRST_DAY))
with c2:
    end = common.url_date("To", "bt_end", date.today())
with c3:
    lookback = st.number_input("Lookback (days)", 1, 3650, 365, key="bt_lookback", bind="query-params",
                               help="An outcome is warned when the State was triggered on a day "
                                    "within this many days before it; freshly warned when that "
                                    "period of concern began within them.")
with c4:
    horizon = st.number_input("Horizon (days)", 0, 3650, 365, key="bt_horizon", bind="query-params",
                              help="An episode is followed when the Council acts on the State from "
                                   "its first day to this many days after its last.")
with c5:
    quiet = st.number_input("Quiet days before an onset", 1, 3650, 365, key="bt_quiet",
                            bind="query-params",
                            help="An onset is a first triggered day after at least this many "
                                 "days without the criteria met.")
if end < start:
    st.error(f"'To' ({end}) is before 'From' ({start}).")
    st.stop()

upload = st.file_uploader("Outcomes CSV for this run (optional; default: the stored outcomes)",
                          type=["csv"], key="bt_outcomes",
                          help="Columns country,date,kind,reference,title,url; one row per State.")
try:
    if upload is not None:
        outcomes = parse_outcomes(upload.getvalue(), upload.name)
        outcomes_key = hashlib.sha256(upload.getvalue()).hexdigest()
    else:
        # Stored outcomes were validated by their importer; the database enforces the rest.
        outcomes = d["outcomes"]
        outcomes_key = "stored"
except OutcomesError as exc:
    st.error(f"```\n{exc}\n```")
    st.stop()
if outcomes.empty:
    st.info("No Council outcomes are stored yet: import data/reference/council_outcomes.csv on the "
            "Data page, or upload an outcomes CSV above.", icon="ℹ️")
    st.stop()

present = [k for k in OUTCOME_KINDS if (outcomes["kind"] == k).any()]
picked = common.url_multiselect("Council outcomes counted", present, "kinds",
                                format_func=lambda k: OUTCOME_LABELS.get(k, k),
                                placeholder="Every kind in the outcomes")
kinds = tuple(picked or present)

result = _run(*common.db_key(), rule_set_to_yaml(rules), outcomes_key, views.iso(start),
              views.iso(end), int(lookback), int(horizon), int(quiet), kinds, rules, outcomes)
names = dict(zip(d["countries"]["iso3"], d["countries"]["name"])) if len(d["countries"]) else {}

if result.warnings:
    st.warning("**Read these results with the data's limits in mind** — a criterion without data "
               "cannot warn, so a low score there is not a verdict on the criterion:\n\n"
               + "\n".join(f"- {views.md_text(w)}" for w in result.warnings), icon="⚠️")

m = result.score.metrics
base = result.scores


def _baselines(key: str) -> str:
    parts = [f"{bv.METHOD_NAMES[k]} {bv.pct(s.metrics.get(key))}" for k, s in base.items()
             if k not in ("rules", "random")]
    if "random" in base and key in result.random.index:
        r = result.random.loc[key]
        parts.append(f"random States {bv.pct(r['mean'])} ({bv.pct(r['low'])}–{bv.pct(r['high'])})")
    return "Baselines: " + "; ".join(parts) + "."


k1, k2, k3, k4, k5 = st.columns(5)
k1.metric("Recall (outcomes warned)", bv.pct(m["recall"]), help=_baselines("recall"))
k2.metric("Fresh recall", bv.pct(m["recall_fresh"]),
          help="Outcomes warned by a period of concern that began within the lookback. "
               + _baselines("recall_fresh"))
k3.metric("Precision (episodes followed)", bv.pct(m["precision"]), help=_baselines("precision"))
k4.metric("Precision (onsets followed)", bv.pct(m["precision_onsets"]),
          help=_baselines("precision_onsets"))
k5.metric("Median fresh lead (days)", bv.days_text(m["lead_days_median_fresh"]),
          help=f"Over all warnings, chronic ones included: {bv.days_text(m['lead_days_median'])} "
               "days.")
st.markdown(views.md_text(bv.verdict_sentence(result)))
st.caption(views.md_text(bv.data_sentence(result)) + " "
           + views.md_text(f"Shares are over the {len(result.states)} States assessed; outcomes "
                           f"counted: {bv.kinds_text(result.outcome_kinds)}."))
st.subheader(f"{views.md_text(rules.title)} ({views.md_text(rules.label)}) and five baselines, "
             f"{result.start} to {result.end}")
metrics = bv.metrics_display(result)
st.dataframe(metrics, hide_index=True, width="stretch")

stem = f"backtest-{rules.id}-v{rules.version}-{result.start}-{result.end}"
t_out, t_ep, t_cal, t_sweep, t_cov, t_kinds, t_sig = st.tabs(
    ["Per outcome", "Per episode", "By criteria met", "Sweep", "Coverage", "Outcomes used",
     "Signals"])
with t_out:
    table = bv.outcome_display(result, names)
    st.dataframe(table, hide_index=True, width="stretch")
    common.downloads(table, f"{stem}-outcomes", d["synthetic"], "bt_outcomes_dl")
    if len(result.thematic):
        st.caption(f"{len(result.thematic)} thematic outcome(s) in the period are not scored "
                   "against any State.")
with t_ep:
    table = bv.episode_display(result, names)
    st.dataframe(table, hide_index=True, width="stretch")
    common.downloads(table, f"{stem}-episodes", d["synthetic"], "bt_episodes_dl")
with t_cal:
    st.caption("Onsets and warned outcomes by the number of criteria met on the first day of "
               "the period of concern: do more criteria mean more Council action?")
    st.dataframe(bv.calibration_display(result), hide_index=True, width="stretch")
with t_cov:
    st.caption("Per criterion, over the lookback before the period and the period itself: a "
               "day is covered for a State when complete coverage rows cover it for every kind "
               "the criterion reads.")
    st.dataframe(bv.coverage_display(result), hide_index=True, width="stretch")
with t_kinds:
    st.dataframe(bv.kinds_display(outcomes, result.outcome_kinds), hide_index=True,
                 width="stretch")
with t_sig:
    st.dataframe(result.signals, hide_index=True, width="stretch")
with t_sweep:
    params = sv.sweep_parameters(rules)
    keys = list(params)
    with st.form("bt_sweep_form"):
        a, b = st.columns(2)
        x_path = a.selectbox("Across", keys, index=keys.index("window_days"),
                             format_func=params.get, key="bt_x")
        x_text = a.text_input("Values", "90, 180, 365, 545, 730", key="bt_x_values")
        y_default = next((k for k in keys if k.endswith(".min_issuers")), keys[1])
        y_path = b.selectbox("Down", keys, index=keys.index(y_default), format_func=params.get, key="bt_y")
        y_text = b.text_input("Values", "2, 3, 4, 5, 6", key="bt_y_values")
        run_sweep = st.form_submit_button("Run sweep", type="primary")
    if run_sweep:
        try:
            xs, ys = sv.parse_values(x_text, params[x_path]), sv.parse_values(y_text, params[y_path])
            if x_path == y_path:
                raise ValueError("choose two different parameters")
        except ValueError as exc:
            st.error(views.md_text(exc))
        else:
            bar = st.progress(0.0, text="Sweep: starting")
            try:
                table = sweep(d["prepared"], rules, outcomes, views.iso(start), views.iso(end),
                              (x_path, xs), (y_path, ys), int(lookback), int(horizon),
                              progress=lambda i, n: bar.progress(i / n, text=f"Sweep: {i} of {n} points"),
                              states=bv.states_assessed(d["countries"]), kinds=kinds,
                              quiet_days=int(quiet))
            except (ValueError, RuleSetError) as exc:
                st.error(f"The sweep cannot run: {views.md_text(exc)}")
            else:
                st.session_state["bt_sweep_result"] = (x_path, y_path, table,
                                                       list(table.attrs.get("notes", [])))
            bar.empty()
    if "bt_sweep_result" in st.session_state:
        x_path, y_path, table, notes = st.session_state["bt_sweep_result"]
        for note in notes:
            st.info(views.md_text(note), icon="ℹ️")
        st.plotly_chart(sv.sweep_figure(table, x_path, y_path, params), key="bt_heatmap",
                        config={"displaylogo": False})
        common.downloads(table, f"{stem}-sweep", d["synthetic"], "bt_sweep_dl")
