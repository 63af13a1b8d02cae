"""The threshold lab: scenarios as rule sets, and what they change."""

from __future__ import annotations

import pandas as pd

from prevention.display.status import status_label
from prevention.web.views.countries import country_names
from triggers.evaluate import Evaluation
from triggers.rules import RuleSet

# ---------------------------------------------------------------- threshold lab

def rules_with(rules: RuleSet, top: dict, criteria: dict[str, dict], *, rule_id: str | None = None,
               title: str | None = None) -> RuleSet:
    """A copy of `rules` with top-level values and per-criterion fields replaced, validated."""
    from triggers.rules import parse_rule_set

    data = rules.model_dump(mode="json")
    data.update(top)
    for c in data["criteria"]:
        c.update(criteria.get(c["id"], {}))
    if rule_id:
        data["id"] = rule_id
    if title:
        data["title"] = title
    return parse_rule_set(data, origin=f"{data['id']} (threshold lab)")


def scenario_id(base_id: str, name: str) -> str:
    """A stored id for a named scenario of a rule set ('glion-iii-2016.strict-sp')."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    slug = "-".join(p for p in slug.split("-") if p)
    if not slug:
        raise ValueError("give the scenario a name with at least one letter or digit")
    return f"{base_id}.{slug}"


def status_changes(official: Evaluation, scenario: Evaluation, countries: pd.DataFrame) -> pd.DataFrame:
    """States whose status differs: 'enters' (becomes triggered), 'leaves' (no longer
    triggered), else 'moves' (between watch, undetermined and clear)."""
    a = official.table.set_index("country")["status"]
    b = scenario.table.set_index("country")["status"].reindex(a.index)
    changed = a.index[(a != b).to_numpy()]
    rows = []
    for code in changed:
        before, after = a[code], b[code]
        change = ("enters" if after == "triggered" else "leaves" if before == "triggered" else "moves")
        rows.append((code, before, after, change))
    frame = pd.DataFrame(rows, columns=["ISO3", "before", "after", "Change"])
    frame.insert(0, "State", country_names(countries, frame["ISO3"]).to_numpy())
    frame["Official"] = [status_label(s) for s in frame["before"]]
    frame["Scenario"] = [status_label(s) for s in frame["after"]]
    return (frame[["State", "ISO3", "Official", "Scenario", "Change"]]
            .sort_values(["Change", "State"]).reset_index(drop=True))


def rule_set_diff(a: RuleSet, b: RuleSet) -> pd.DataFrame:
    """Parameter-by-parameter differences between two rule sets."""
    flat_a, flat_b = _flatten(a), _flatten(b)
    keys = sorted(set(flat_a) | set(flat_b))
    rows = [(k, flat_a.get(k, ""), flat_b.get(k, "")) for k in keys
            if flat_a.get(k) != flat_b.get(k) and k not in {"id", "version", "title"}]
    return pd.DataFrame(rows, columns=["Parameter", a.label, b.label]).astype(str)


def _flatten(rules: RuleSet) -> dict[str, object]:
    data = rules.model_dump(mode="json")
    out = {k: v for k, v in data.items() if k not in {"criteria", "reviewer_judgements",
                                                        "source", "description"}}
    for c in data["criteria"]:
        for k, v in c.items():
            if k not in {"id", "title"}:
                out[f"{c['id']}.{k}"] = ", ".join(map(str, v)) if isinstance(v, list) else v
    return out
