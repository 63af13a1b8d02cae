"""The tables the dashboard pages show, shaped from the engine's results by pure functions.

Pages only read widgets, call these and render: every join, filter and relabel lives here, so it
is tested without a browser. Nothing here imports Streamlit or touches the database.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import numpy as np
import pandas as pd

from triggers.bundle import Bundle
from triggers.evaluate import Evaluation
from triggers.rules import JointGroup, NhriWithNgos, RuleSet, StatementBy
from triggers.vocabulary import KIND_LABELS, STATUS_ORDER, country_name

# Shape + text + colour, so status never depends on colour alone. Okabe-Ito colours are
# distinguishable under the common colour-vision deficiencies.
STATUS_SHAPES = {"triggered": "▲", "watch": "◆", "clear": "○"}
STATUS_COLOURS = {"triggered": "#D55E00", "watch": "#E69F00", "clear": "#56B4E9"}
# Higher is more pressing: tables sort on it, most pressing first.
STATUS_RANK = {s: len(STATUS_ORDER) - i for i, s in enumerate(STATUS_ORDER)}
NO_DATA = "no data"
SYNTHETIC_MARK = "[SYNTHETIC]"


def status_label(status: str) -> str:
    """'▲ triggered', '◆ watch', '○ clear'."""
    return f"{STATUS_SHAPES.get(status, '?')} {status}"


def iso(value) -> str:
    """A date as YYYY-MM-DD, or '' when missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def is_synthetic(bundle: Bundle) -> bool:
    """True when any loaded signal is invented (benchmarks/synth.py marks every title)."""
    titles = bundle.signals["title"]
    return bool(len(titles)) and bool(titles.str.startswith(SYNTHETIC_MARK).any())


# ---------------------------------------------------------------- which criteria have data

def loaded_issuer_kinds(bundle: Bundle) -> frozenset[str]:
    """Issuer kinds that spoke in at least one stored signal."""
    used = bundle.issuers.loc[bundle.issuers["issuer_id"].isin(bundle.links["issuer_id"]), "kind"]
    return frozenset(used.unique())


def criterion_issuer_kinds(criterion) -> tuple[frozenset[str], bool]:
    """The issuer kinds a criterion counts, and whether it needs all of them (NHRI + NGOs)."""
    if isinstance(criterion, NhriWithNgos):
        return frozenset({"nhri", "ngo"}), True
    if isinstance(criterion, (StatementBy, JointGroup)):
        return frozenset(criterion.issuer_kinds), False
    raise TypeError(f"unknown criterion type {type(criterion).__name__}")


def criteria_without_data(rules: RuleSet, kinds_loaded: frozenset[str]) -> list[str]:
    """Criteria that cannot be met by anything loaded: shown as 'no data', never 'not met'."""
    out = []
    for crit in rules.criteria:
        kinds, needs_all = criterion_issuer_kinds(crit)
        have = kinds <= kinds_loaded if needs_all else bool(kinds & kinds_loaded)
        if not have:
            out.append(crit.id)
    return out


# ---------------------------------------------------------------- countries

def evaluation_countries(countries: pd.DataFrame, bundle: Bundle) -> list[str]:
    """Every UN Member State (whether or not any signal names it) plus every State with signals."""
    members = countries.loc[countries["un_group"].fillna("") != "", "iso3"] if len(countries) else []
    return sorted(set(members) | set(bundle.signals["country"].unique()))


def country_names(countries: pd.DataFrame, codes) -> pd.Series:
    """Display names for ISO3 codes: the stored UN name, else the ISO name."""
    known = dict(zip(countries["iso3"], countries["name"])) if len(countries) else {}
    return pd.Series([known.get(c) or country_name(c) for c in codes], dtype=object)


def country_groups(countries: pd.DataFrame, codes) -> pd.Series:
    known = dict(zip(countries["iso3"], countries["un_group"])) if len(countries) else {}
    return pd.Series([known.get(c, "") or "" for c in codes], dtype=object)


# ---------------------------------------------------------------- overview

def country_url(iso3: str, rule_set: str, as_of: str) -> str:
    """Relative link that reproduces the Country page for one State."""
    return "country?" + urlencode({"country": iso3, "rules": rule_set, "as_of": as_of})


def app_base(url: str | None, page_path: str) -> str:
    """The app's address without the current page ('http://host:8501' or with a base path),
    from the browser's URL of a page whose url_path is `page_path` ('' for the default)."""
    if not url:
        return ""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    segments = [p for p in parts.path.split("/") if p]
    if page_path and segments and segments[-1] == page_path:
        segments = segments[:-1]
    return urlunsplit((parts.scheme, parts.netloc, "/".join([""] + segments), "", "")).rstrip("/")


def absolute_links(table: pd.DataFrame, base: str, column: str = "Page") -> pd.DataFrame:
    """A copy whose relative in-app links in `column` are full addresses (for exports)."""
    if not base or column not in table.columns:
        return table
    return table.assign(**{column: [f"{base}/{v}" if v and "://" not in v else v for v in table[column]]})


def criterion_cell(met: bool, value: int, threshold: int, no_data: bool) -> str:
    if no_data:
        return NO_DATA
    return f"met ({value}/{threshold})" if met else f"not met ({value}/{threshold})"


def overview_table(evaluation: Evaluation, countries: pd.DataFrame,
                   no_data: list[str], rule_param: str) -> pd.DataFrame:
    """One row per State: name, ISO3, UN group, status (shape + text), criteria met, one
    column per criterion ('met (n/t)', 'not met (n/t)' or 'no data'), and a link to its page."""
    t = evaluation.table
    rules = evaluation.rules
    codes = t["country"].to_numpy()
    out = pd.DataFrame({
        "State": country_names(countries, codes).to_numpy(),
        "ISO3": codes,
        "UN group": country_groups(countries, codes).to_numpy(),
        "Status": [status_label(s) for s in t["status"]],
        "status": t["status"].to_numpy(),
        "Criteria met": t["criteria_met"].to_numpy(),
    })
    for crit in rules.criteria:
        if not crit.enabled:
            continue
        out[crit.title or crit.id] = [
            criterion_cell(m, v, crit.threshold, crit.id in no_data)
            for m, v in zip(t[f"{crit.id}_met"], t[f"{crit.id}_value"])]
    out["Page"] = [country_url(c, rule_param, evaluation.as_of) for c in codes]
    rank = out["status"].map(STATUS_RANK)
    order = np.lexsort((out["State"].to_numpy(), -out["Criteria met"].to_numpy(), -rank.to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def filter_overview(table: pd.DataFrame, evaluation: Evaluation, groups: list[str] | None,
                    criterion_id: str | None) -> pd.DataFrame:
    """Rows in the chosen UN regional groups, and (if one is chosen) meeting that criterion."""
    out = table
    if groups:
        wanted = set(groups)
        # A State can sit in two groups (Turkiye: Asia-Pacific;WEOG), stored joined by ';'.
        out = out[[bool(wanted & set(g.split(";"))) for g in out["UN group"]]]
    if criterion_id:
        met = evaluation.table.loc[evaluation.table[f"{criterion_id}_met"], "country"]
        out = out[out["ISO3"].isin(set(met))]
    return out.reset_index(drop=True)


def group_options(table: pd.DataFrame) -> list[str]:
    """The UN regional groups present, each once (joined memberships split)."""
    return sorted({g for joined in table["UN group"] for g in joined.split(";") if g})


def status_counts(table: pd.DataFrame) -> dict[str, int]:
    counts = table["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STATUS_ORDER}


def sources_table(coverage: pd.DataFrame) -> pd.DataFrame:
    """The sources loaded and the date each is complete to."""
    if coverage.empty:
        return pd.DataFrame(columns=["Source", "Issuer kinds", "Signals", "From", "Complete to"])
    return pd.DataFrame({
        "Source": coverage["source_kind"].to_numpy(),
        "Issuer kinds": [", ".join(k) for k in coverage["issuer_kinds"]],
        "Signals": coverage["signals"].to_numpy(),
        "From": [iso(d) for d in coverage["first_date"]],
        "Complete to": [iso(d) for d in coverage["last_date"]],
    })


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
    return link_column(pd.DataFrame({
        "Date": [iso(d) for d in ev["date"]],
        "Issuers": ev["signal_id"].map(names).fillna("").to_numpy(),
        "Reference": ev["reference"].to_numpy(),
        "Title": ev["title"].to_numpy(),
        "Source": ev["url"].to_numpy(),
        "Criterion": ev["criterion_id"].to_numpy(),
        "Signal id": ev["signal_id"].to_numpy(),
    }), "Source")


def country_criteria(evaluation: Evaluation, iso3: str, no_data: list[str]) -> pd.DataFrame:
    """A State's criteria: id, title, met label, the engine's sentence."""
    crit = evaluation.criteria[evaluation.criteria["country"] == iso3]
    titles = {c.id: (c.title or c.id) for c in evaluation.rules.criteria}
    labels = [NO_DATA if cid in no_data else ("met" if m else ("disabled" if not e else "not met"))
              for cid, m, e in zip(crit["criterion_id"], crit["met"], crit["enabled"])]
    return pd.DataFrame({
        "criterion_id": crit["criterion_id"].to_numpy(),
        "title": [titles[c] for c in crit["criterion_id"]],
        "result": labels,
        "sentence": crit["sentence"].to_numpy(),
    })


def country_signals(bundle: Bundle, iso3: str) -> pd.DataFrame:
    """Every signal about a State, one row per (signal, issuer kind): date, kind label."""
    sig = bundle.signals.loc[bundle.signals["country"] == iso3, ["signal_id", "date"]]
    links = bundle.links[bundle.links["signal_id"].isin(set(sig["signal_id"]))]
    kinds = links.merge(bundle.issuers[["issuer_id", "kind"]], on="issuer_id")
    kinds = kinds[["signal_id", "kind"]].drop_duplicates()
    out = sig.merge(kinds, on="signal_id")
    out["issuer kind"] = out["kind"].map(KIND_LABELS).fillna(out["kind"])
    return out[["signal_id", "date", "kind", "issuer kind"]].reset_index(drop=True)


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
    org_names = dict(zip(bundle.issuers["issuer_id"], bundle.issuers["name"]))
    memberships = pd.DataFrame({
        "Organisation": [org_names.get(o, o) for o in current["org_id"]],
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
    triggered), else 'moves' (clear <-> watch)."""
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


# ---------------------------------------------------------------- watchlists

def status_since(status: np.ndarray, countries: np.ndarray, first_day: np.datetime64) -> dict[str, str]:
    """For each country: the first day of its current status run in a timeline grid
    (countries x days), as ISO; 'before YYYY-MM-DD' when the run reaches the grid's start."""
    out = {}
    for code, row in zip(countries, status):
        if row.size == 0:
            continue
        changed = np.flatnonzero(row != row[-1])
        if changed.size == 0:
            out[code] = f"before {iso(first_day)}"
        else:
            out[code] = iso(first_day + np.timedelta64(int(changed[-1]) + 1, "D"))
    return out


def whats_new_table(new: pd.DataFrame) -> pd.DataFrame:
    """Signals that arrived since a visit (prevention.watchlists.arrived_since), for display."""
    return link_column(pd.DataFrame({
        "Date": [iso(x) for x in new["date"]],
        "ISO3": new["country"].to_numpy(),
        "Reference": new["reference"].to_numpy(),
        "Title": new["title"].to_numpy(),
        "Source": new["url"].to_numpy(),
        "Imported": [iso(x) for x in new["imported_at"]],
        "Signal id": new["signal_id"].to_numpy(),
    }), "Source")


def quarantine_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Open quarantined rows (prevention.quarantine.list_quarantine) for display: where each
    came from and why it was refused."""
    return pd.DataFrame({
        "Row id": rows["id"].to_numpy(),
        "Import": rows["import_id"].to_numpy(),
        "File": rows["file_name"].to_numpy(),
        "Kind": rows["kind"].to_numpy(),
        "Line": rows["row"].astype("Int64").to_numpy(),
        "Field": rows["field"].fillna("").to_numpy(),
        "Value": rows["value"].fillna("").astype(str).to_numpy(),
        "Reason": rows["reason"].to_numpy(),
    })


def watch_table(evaluation: Evaluation, countries: pd.DataFrame, codes, since: dict[str, str],
                new_signals: dict[str, int], rule_param: str) -> pd.DataFrame:
    """A watchlist's States: status, criteria met, the date the status last changed, and the
    signals that arrived since the user's last visit."""
    t = evaluation.table.set_index("country")
    codes = [c for c in codes]
    rows = []
    for c in codes:
        status = t["status"].get(c, "clear")
        rows.append({
            "State": country_names(countries, [c]).iloc[0], "ISO3": c,
            "Status": status_label(status), "status": status,
            "Criteria met": int(t["criteria_met"].get(c, 0)),
            "Status since": since.get(c, ""),
            "New signals": int(new_signals.get(c, 0)),
            "Page": country_url(c, rule_param, evaluation.as_of),
        })
    frame = pd.DataFrame(rows, columns=["State", "ISO3", "Status", "status", "Criteria met",
                                        "Status since", "New signals", "Page"])
    if frame.empty:
        return frame
    rank = frame["status"].map(STATUS_RANK)
    return frame.iloc[np.lexsort((frame["State"].to_numpy(), -rank.to_numpy()))].reset_index(drop=True)


# ---------------------------------------------------------------- inert text in markdown

_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:&\"'=")


def md_text(text: str) -> str:
    """Text from outside (signal titles, references) made inert inside st.markdown: every
    character markdown or HTML could act on is backslash-escaped, newlines become spaces."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch
                   for ch in " ".join(str(text).split()))


def web_url(url) -> str | None:
    """The URL if it is an http(s) address with a host, else None (javascript:, data:, file:,
    relative or protocol-relative, malformed). Every place that makes a link (tables, feeds,
    briefs, markdown) asks this first: a link to anything else could run code or leave the
    web on a click, so such a value is shown as text instead."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def safe_url(url: str) -> str | None:
    """web_url, fit for a markdown link target."""
    url = web_url(url)
    if url is None:
        return None
    # Parentheses and angle brackets would end the markdown link early.
    return url.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


NOT_A_LINK = " (not a web link)"


def link_column(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """A copy whose `column` holds only web addresses (None elsewhere), for a LinkColumn. Any
    other value stays visible as text in a column named '<column> (not a web link)', added
    after it only when there is such a value."""
    raw = table[column]
    links = [web_url(v) for v in raw]
    out = table.copy()
    out[column] = pd.Series(links, index=table.index, dtype=object)
    texts = ["" if link is not None or v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
             for v, link in zip(raw, links)]
    if any(texts):
        out.insert(out.columns.get_loc(column) + 1, column + NOT_A_LINK,
                   pd.Series(texts, index=table.index, dtype=object))
    return out


def source_links(evidence: pd.DataFrame, limit: int = 10) -> str:
    """A markdown line of links to the first `limit` sources: 'date · reference ↗'."""
    parts = []
    for row in evidence.head(limit).itertuples(index=False):
        url = safe_url(row.Source)
        if url is None:
            continue
        label = md_text(f"{row.Date} · {row.Reference or row.Title[:60] or row._6}")
        parts.append(f"[{label} ↗]({url})")
    return " · ".join(parts)
