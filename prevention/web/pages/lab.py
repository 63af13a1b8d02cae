"""Threshold lab: every parameter of a rule set as a widget; results recompute on every change,
beside the official rule set; save as a named scenario, load, compare two, export YAML."""

import streamlit as st

from prevention.accounts.access import PermissionDenied, can, require
from prevention.cases import rulesets
from prevention.web import common, views
from triggers.criteria import parameters_of
from triggers.criteria.base import COUNT, FLAG, MODE, OPTION, SUBSET, Parameter
from triggers.rules import RuleSetError, rule_set_to_yaml

d = common.header("Threshold lab", "Change any parameter and see at once which States enter or "
                                   "leave the list. Nothing is saved until you save a scenario.")
actor = common.guard("lab")
param, base, as_of = common.context()
official_id = base.id.split(".")[0]
official = common.rule_set(official_id)
k = f"lab_{param}"  # widget keys per base rule set: loading another one resets the widgets

def _widget(knob: Parameter, crit, ck: str):
    """The widget of one parameter of a criterion's type (triggers/criteria), read back as the
    criterion field's value. The key is the criterion's and the parameter's, stable across
    label changes."""
    shown = knob.to_shown(getattr(crit, knob.field))
    key, helps = f"{ck}_{knob.key}", {"help": knob.help} if knob.help else {}
    if knob.shape == COUNT:
        value = st.number_input(knob.label, knob.low, knob.high, shown, key=key, **helps)
    elif knob.shape == FLAG:
        value = st.checkbox(knob.label, shown, key=key, **helps)
    elif knob.shape == MODE:
        options = list(knob.options)
        value = st.radio(knob.label, options, options.index(shown), horizontal=True, key=key, **helps)
    elif knob.shape == OPTION:
        options = [knob.null_label, *knob.options]
        value = st.selectbox(knob.label, options, options.index(shown), key=key, **helps)
    else:
        assert knob.shape == SUBSET, knob.shape  # Parameter allows no other shape
        if knob.options_from:  # the categories of the signals loaded (the one such column)
            options, label = views.category_options(d["bundle"].signals, shown), views.category_label
        else:
            names = knob.option_labels or {}
            options, label = list(knob.options), lambda x: names.get(x, x)
        value = st.multiselect(knob.label, options, shown, format_func=label, key=key,
                               placeholder=knob.null_label or "Choose options", **helps)
    return knob.to_field(value)


def _open_saved(rule_param: str) -> None:
    """Before the widgets of the next run: the sidebar's selector takes the saved scenario."""
    st.session_state.pop("_lab_saved", None)
    st.session_state["rules"] = rule_param
    st.query_params["rules"] = rule_param


# A fragment: changing a parameter reruns only the workbench (parameters, results, save),
# not the page's header, rule-set loading or the comparison below.
@st.fragment
def workbench() -> None:
    # Results sit above the parameters so a change shows its effect without scrolling; they are
    # filled in once every widget below has been read.
    results = st.container()
    with st.expander("Whole rule set: window, criteria needed, watch level", expanded=True):
        w1, w2, w3 = st.columns(3)
        top = {
            "window_days": w1.number_input("Window (days)", 1, 36500, base.window_days, key=f"{k}_window"),
            "min_criteria": w2.number_input("Criteria needed to trigger (min_criteria)", 1,
                                            len(base.criteria), base.min_criteria, key=f"{k}_min"),
            "watch_ratio": w3.slider("Watch at this share of a threshold", 0.05, 1.0,
                                     float(base.watch_ratio), 0.05, key=f"{k}_watch"),
        }

    changes: dict[str, dict] = {}
    st.subheader("Criteria")
    cols = st.columns(2)
    for i, crit in enumerate(base.criteria):
        ck = f"{k}_{crit.id}"
        with cols[i % 2].container(border=True):
            st.text(crit.title or crit.id)
            c = {"enabled": st.checkbox("Enabled", crit.enabled, key=f"{ck}_on")}
            own = st.number_input("Own window (days; 0 = the rule set's)", 0, 36500,
                                  crit.window_days or 0, key=f"{ck}_win")
            c["window_days"] = own or None
            for knob in parameters_of(crit):
                c[knob.field] = _widget(knob, crit, ck)
            changes[crit.id] = c

    try:
        scenario = views.rules_with(base, top, changes)
    except RuleSetError as exc:
        st.error(f"These settings are not a valid rule set; change them:\n\n{exc}")
        return

    with results:
        official_eval = common.evaluation(official, as_of, sentences=False)
        scenario_eval = common.evaluation(scenario, as_of, sentences=False)
        diff = views.status_changes(official_eval, scenario_eval, d["countries"])
        counts_o = views.status_counts(official_eval.table)
        counts_s = views.status_counts(scenario_eval.table)
        enter = int((diff["Change"] == "enters").sum())
        leave = int((diff["Change"] == "leaves").sum())
        move = len(diff) - enter - leave
        m = st.columns(5)
        m[0].metric(f"▲ triggered (official {official.label})", counts_o["triggered"])
        m[1].metric("▲ triggered (this scenario)", counts_s["triggered"],
                    delta=counts_s["triggered"] - counts_o["triggered"], delta_color="off")
        m[2].metric("Enter the list", enter, help="Become triggered under this scenario.")
        m[3].metric("Leave the list", leave, help="Triggered officially, not under this scenario.")
        # The rest of the States that change: the three counts add up to the table's rows.
        m[4].metric("Move below the threshold", move,
                    help="Change between watch, undetermined and clear, on neither side of the list.")

        st.caption("Under this scenario: " + " · ".join(
            f"{views.status_label(s)} {n} (official {counts_o[s]})" for s, n in counts_s.items()))

        st.subheader(f"Who changes against the official rule set: {len(diff)} "
                     f"State{'s' if len(diff) != 1 else ''}")
        if len(diff):
            st.caption(f"{enter} enter the list, {leave} leave it, {move} move between watch, "
                       "undetermined and clear.")
        if diff.empty:
            st.caption("No State changes status: this scenario gives the same list as the official rule set.")
        else:
            st.dataframe(diff, hide_index=True, width="stretch", key="lab_diff")
            common.downloads(diff, f"lab-changes-{views.iso(as_of)}", d["synthetic"], "lab_diff")

        # Off by default: sending every State's row on each change slows the lab down.
        if st.toggle(f"Show every State under this scenario ({len(scenario_eval.table)})", key="lab_all"):
            table = views.overview_table(scenario_eval, d["countries"], param)
            shown = table.drop(columns=["status"])
            st.dataframe(shown, hide_index=True, width="stretch", key="lab_table",
                         column_config={"Page": st.column_config.LinkColumn("Open", display_text="open ›")})
            common.downloads(views.coverage_columns(shown, scenario_eval), f"lab-scenario-{views.iso(as_of)}",
                             d["synthetic"], "lab_table")

    st.download_button("Export this scenario as YAML", rule_set_to_yaml(scenario), f"{scenario.id}-scenario.yaml",
                       "application/yaml", key="lab_yaml")

    st.subheader("Save as a named scenario")
    user = actor.username if actor and can(actor, "scenario.save") else ""
    with st.form("save_scenario", clear_on_submit=False):
        name = st.text_input("Scenario name", placeholder="e.g. Special Procedures: three mandates")
        note = st.text_area("Note (why these values)")
        if st.form_submit_button("Save scenario", disabled=not user):
            try:
                require(actor, "scenario.save")
                sid = views.scenario_id(official_id, name)
                saved = rulesets.save_rule_set_version(
                    views.rules_with(scenario, {}, {}, rule_id=sid, title=name.strip()), author=actor, note=note)
                # The whole page again, not only this fragment: the sidebar's rule-set
                # selector then lists the scenario at once.
                st.session_state["_lab_saved"] = (saved.id, saved.label)
                st.rerun(scope="app")
            except (ValueError, rulesets.RuleSetConflict, PermissionDenied) as exc:
                st.error(views.md_text(exc))
    if "_lab_saved" in st.session_state:
        saved_id, saved_label = st.session_state["_lab_saved"]
        st.success(f"Saved {views.md_text(saved_label)}: it is in the rule-set selector in the "
                   "sidebar now, and its link carries it.")
        st.button(f"Open {saved_label} now", key="lab_open_saved", on_click=_open_saved,
                  args=(saved_id,))
    if not user:
        st.caption("Saving scenarios needs a researcher or admin account.")



workbench()

st.subheader("Compare two rule sets")
choices = common.rule_set_choices()
a_col, b_col = st.columns(2)
a = a_col.selectbox("First", list(choices), list(choices).index(official_id) if official_id in choices else 0,
                    format_func=choices.get, key="cmp_a")
b = b_col.selectbox("Second", list(choices), list(choices).index(param) if param in choices else 0,
                    format_func=choices.get, key="cmp_b")
ra, rb = common.rule_set(a), common.rule_set(b)
params_diff = views.rule_set_diff(ra, rb)
if params_diff.empty:
    st.caption("Same parameters.")
else:
    st.dataframe(params_diff, hide_index=True, width="stretch", key="cmp_params")
moves = views.status_changes(common.evaluation(ra, as_of, sentences=False), common.evaluation(rb, as_of, sentences=False), d["countries"])
st.caption(f"{len(moves)} State(s) have a different status under the second, as of {views.iso(as_of)}.")
if not moves.empty:
    st.dataframe(moves, hide_index=True, width="stretch", key="cmp_moves")
