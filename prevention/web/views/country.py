"""One State's page: criteria, evidence, signals, coverage bands, profile and timeline."""

from __future__ import annotations

import pandas as pd

from prevention.display.coverage import (
    category_label,
    coverage_words,
    criterion_result,
    kind_title,
)
from prevention.display.names import organisation_name
from prevention.display.status import iso
from prevention.display.text import link_column
from prevention.web.views.countries import country_groups
from prevention.web.views.coverage import day_spans
from triggers.bundle import Bundle
from triggers.evaluate import Evaluation
from triggers.rules import RuleSet

# ---------------------------------------------------------------- country

def issuer_names(bundle: Bundle, signal_ids) -> pd.Series:
    """signal_id -> the names of its issuers joined by '; '."""
    links = bundle.links[bundle.links["signal_id"].isin(set(signal_ids))]
    named = links.merge(bundle.issuers[["issuer_id", "name"]], on="issuer_id", how="left")
    return named.groupby("signal_id")["name"].agg(lambda n: "; ".join(sorted(n)))


def evidence_table(evaluation: Evaluation, bundle: Bundle, iso3: str,
                   criterion_id: str | None = None) -> pd.DataFrame:
    """The dated, linked signals behind a State's criteria, newest first."""
    ev = evaluation.evidence(iso3, criterion_id)
    names = issuer_names(bundle, ev["signal_id"])
    titles = {c.id: (c.title or c.id) for c in evaluation.rules.criteria}
    category = ev["category"] if "category" in ev else pd.Series("", index=ev.index)
    return link_column(pd.DataFrame({
        "Date": [iso(d) for d in ev["date"]],
        "Issuers": ev["signal_id"].map(names).fillna("").to_numpy(),
        "Reference": ev["reference"].to_numpy(),
        "Title": ev["title"].to_numpy(),
        # What kind of resolution it is (issue 13): what a rule's `categories` count.
        "Category": [category_label(c) for c in category.fillna("")],
        "Source": ev["url"].to_numpy(),
        "Criterion": [titles.get(c, c) for c in ev["criterion_id"]],
        "Signal id": ev["signal_id"].to_numpy(),
        "criterion_id": ev["criterion_id"].to_numpy(),
    }), "Source")


def country_criteria(evaluation: Evaluation, iso3: str) -> pd.DataFrame:
    """A State's criteria: id, title, result (criterion_result), the engine's sentence and
    the coverage in words."""
    crit = evaluation.criteria[evaluation.criteria["country"] == iso3]
    titles = {c.id: (c.title or c.id) for c in evaluation.rules.criteria}
    kinds = {c.id: c.kinds for c in evaluation.rules.criteria}
    records = crit.to_dict("records")
    return pd.DataFrame({
        "criterion_id": crit["criterion_id"].to_numpy(),
        "title": [titles[c] for c in crit["criterion_id"]],
        "result": [criterion_result(r["met"], r["enabled"], r["coverage"]) for r in records],
        "sentence": crit["sentence"].to_numpy(),
        "coverage": [coverage_words(r, kinds[r["criterion_id"]]) for r in records],
    }, columns=["criterion_id", "title", "result", "sentence", "coverage"])


def country_signals(bundle: Bundle, iso3: str) -> pd.DataFrame:
    """Every signal about a State, one row per (signal, issuer kind): date, kind label."""
    sig = bundle.signals.loc[bundle.signals["country"] == iso3, ["signal_id", "date"]]
    links = bundle.links[bundle.links["signal_id"].isin(set(sig["signal_id"]))]
    kinds = links.merge(bundle.issuers[["issuer_id", "kind"]], on="issuer_id")
    kinds = kinds[["signal_id", "kind"]].drop_duplicates()
    out = sig.merge(kinds, on="signal_id")
    out["issuer kind"] = [kind_title(k) for k in out["kind"]]
    return out[["signal_id", "date", "kind", "issuer kind"]].reset_index(drop=True)


def coverage_bands(coverage_rows: pd.DataFrame, rules: RuleSet, iso3: str, start, end) -> pd.DataFrame:
    """The days each issuer kind the rule set reads was searched for a State, for the
    Country timeline: one row per merged span (kind, issuer kind label, completeness, start,
    end), clipped to [start, end]. Complete spans are what let a criterion say "not met";
    sample spans only show that some was loaded. A kind without a row has no span at all."""
    cols = ["kind", "issuer kind", "completeness", "start", "end"]
    kinds = list(dict.fromkeys(k for c in rules.enabled_criteria for k in c.kinds))
    if coverage_rows is None or coverage_rows.empty or not kinds:
        return pd.DataFrame(columns=cols)
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    c = coverage_rows
    mine = c[c["issuer_kind"].isin(kinds) & c["country"].fillna("").isin(["", iso3])
             & (c["start"] <= hi) & (c["end"] >= lo)]
    rows = []
    for (kind, completeness), part in mine.groupby(["issuer_kind", "completeness"]):
        for a, b in day_spans(part["start"].clip(lower=lo), part["end"].clip(upper=hi)):
            rows.append((kind, kind_title(kind), completeness, a, b))
    return pd.DataFrame(rows, columns=cols)


def band_kinds(rules: RuleSet) -> list[str]:
    """The labels of the issuer kinds the enabled criteria read, in rule-set order: the rows
    of the Country timeline's coverage strips (coverage_bands' `issuer kind`)."""
    return [kind_title(k) for k in dict.fromkeys(k for c in rules.enabled_criteria for k in c.kinds)]


def monthly_signal_counts(signals: pd.DataFrame) -> pd.DataFrame:
    """Signals per month and issuer kind: month (first day), issuer kind, signals."""
    if signals.empty:
        return pd.DataFrame(columns=["month", "issuer kind", "signals"])
    month = signals["date"].dt.to_period("M").dt.to_timestamp()
    return (signals.assign(month=month).groupby(["month", "issuer kind"]).size()
            .rename("signals").reset_index())


def country_profile(bundle: Bundle, countries: pd.DataFrame, iso3: str, as_of) -> dict:
    """UN regional group, memberships on the as-of date, and the State's NHRIs."""
    day = pd.Timestamp(as_of)
    mem = bundle.memberships[bundle.memberships["country"] == iso3]
    current = mem[(mem["since"].isna() | (mem["since"] <= day)) & (mem["until"].isna() | (day < mem["until"]))]
    issuer_names = dict(zip(bundle.issuers["issuer_id"], bundle.issuers["name"]))
    memberships = pd.DataFrame({
        # By name, never by code ('osce', 'un'): prevention/display/names.py.
        "Organisation": [organisation_name(o, issuer_names) for o in current["org_id"]],
        "Since": [iso(d) for d in current["since"]],
        "Until": [iso(d) for d in current["until"]],
    })
    iss = bundle.issuers
    nhris = iss[(iss["kind"] == "nhri") & (iss["country"] == iso3)]
    return {
        "un_group": country_groups(countries, [iso3]).iloc[0] or "not a UN Member State",
        "memberships": memberships,
        "nhris": pd.DataFrame({"NHRI": nhris["name"].to_numpy(),
                               "GANHRI accreditation": nhris["accreditation"].to_numpy()}),
    }


def country_outcomes(outcomes: pd.DataFrame, iso3: str) -> pd.DataFrame:
    return outcomes[outcomes["country"] == iso3].reset_index(drop=True)


def met_over_time(tl_frame: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Criteria met per day for one State, from Timeline.frame()."""
    return tl_frame.loc[tl_frame["country"] == iso3, ["date", "criteria_met", "status"]].reset_index(drop=True)


def country_episodes(episodes: pd.DataFrame, iso3: str) -> pd.DataFrame:
    return episodes[episodes["country"] == iso3].reset_index(drop=True)
