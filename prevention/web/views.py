"""The tables the dashboard pages show, shaped from the engine's results by pure functions.

Pages only read widgets, call these and render: every join, filter and relabel lives here, so it
is tested without a browser. Nothing here imports Streamlit or touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import numpy as np
import pandas as pd

from triggers.bundle import Bundle
from triggers.evaluate import Evaluation
from triggers.rules import RuleSet
from triggers.vocabulary import KIND_LABELS, STATUS_ORDER, UNCATEGORISED, country_name

# Shape + text + colour, so status never depends on colour alone. Okabe-Ito colours are
# distinguishable under the common colour-vision deficiencies. `undetermined` is grey with a
# question mark: the data loaded cannot tell, and it must never read as `clear` (blue).
STATUS_SHAPES = {"triggered": "▲", "watch": "◆", "undetermined": "?", "clear": "○"}
STATUS_COLOURS = {"triggered": "#D55E00", "watch": "#E69F00", "undetermined": "#9E9E9E",
                  "clear": "#56B4E9"}
# What each status means, for legends, hovers and captions (docs/criteria.md, "Status").
STATUS_MEANINGS = {
    "triggered": "enough criteria met to reach the threshold",
    "watch": "not triggered, but a criterion has reached the rule set's watch level (by "
             "default half its threshold)",
    "undetermined": "not triggered in the data loaded, but criteria the data cannot judge "
                    "could still reach the threshold",
    "clear": "every criterion that could reach the threshold was searched on every day of its "
             "window and is not met",
}
assert set(STATUS_SHAPES) == set(STATUS_COLOURS) == set(STATUS_MEANINGS) == set(STATUS_ORDER)
# Higher is more pressing: tables sort on it, most pressing first.
STATUS_RANK = {s: len(STATUS_ORDER) - i for i, s in enumerate(STATUS_ORDER)}
NO_DATA = "no data"
SYNTHETIC_MARK = "[SYNTHETIC]"


def status_label(status: str) -> str:
    """'▲ triggered', '◆ watch', '? undetermined', '○ clear'."""
    return f"{STATUS_SHAPES.get(status, '•')} {status}"


def iso(value) -> str:
    """A date as YYYY-MM-DD, or '' when missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def is_synthetic(bundle: Bundle) -> bool:
    """True when any loaded signal is invented (benchmarks/synth.py marks every title)."""
    titles = bundle.signals["title"]
    return bool(len(titles)) and bool(titles.str.startswith(SYNTHETIC_MARK).any())


# ---------------------------------------------------------------- coverage in words

NOT_RECORDED = "coverage not recorded (frozen before coverage was recorded)"
# A criterion's result as the pages word it: "not met" only where every day was searched.
PARTIAL_NOT_MET = "not met in the data loaded"
RESULT_MARKS = {"met": "✓ met", "not met": "— not met", PARTIAL_NOT_MET: "◐ not met in the data loaded",
                NO_DATA: "∅ no data", "disabled": "disabled"}


def criterion_result(met: bool, enabled: bool, coverage: str | None) -> str:
    """'met', 'not met' (searched every day), 'not met in the data loaded' (partly searched),
    'no data' (not searched), or 'disabled'. A missing coverage (a record frozen before
    coverage existed) reads 'not met', as it did then."""
    if not enabled:
        return "disabled"
    if met:
        return "met"
    if coverage in (None, "full"):
        return "not met"
    return PARTIAL_NOT_MET if coverage == "partial" else NO_DATA


def _window_end(window_start, window_days) -> str:
    return iso(pd.Timestamp(window_start) + pd.Timedelta(days=int(window_days) - 1))


def coverage_words(record, kinds=()) -> str:
    """One criterion's coverage as a sentence, from an engine row (or a frozen record) with
    coverage, covered_days, window_days, window_start and coverage_sources:
    'Coverage: full (undl-2025-10).', 'Coverage: partial, 120 of 365 days (undl-2025-10).',
    'Coverage: no data loaded for these days (2025-03-02 to 2026-03-01).'
    With the criterion's `kinds`, a partial one reading several says its days are those of
    the least searched kind (the engine's covered_days is the smallest over its kinds)."""
    state = record.get("coverage")
    if not state:
        return NOT_RECORDED[0].upper() + NOT_RECORDED[1:] + "."
    sources = ", ".join(record.get("coverage_sources") or [])
    named = f" ({sources})" if sources else ""
    if state == "full":
        return f"Coverage: full{named}."
    days = int(record.get("window_days") or 0)
    if state == "partial":
        least = ""
        if len(kinds) > 1:
            names = [KIND_LABELS.get(k, k) for k in kinds]
            least = f" for the least searched of {', '.join(names[:-1])} and {names[-1]}"
        return (f"Coverage: partial, {int(record.get('covered_days') or 0)} of {days} days"
                f"{least}{named}.")
    span = ""
    if record.get("window_start") and days:
        span = f" ({iso(record['window_start'])} to {_window_end(record['window_start'], days)})"
    return f"Coverage: no data loaded for these days{span}."


def criterion_cell(met: bool, value: int, threshold: int, coverage: str = "full",
                   covered_days: int = 0, window_days: int = 0) -> str:
    """An Overview cell: 'met (n/t)'; 'not met (n/t)' only when every day was searched;
    else 'partial: 120 of 365 days' or 'no data' (with what was found, if anything)."""
    if met:
        return f"met ({value}/{threshold})"
    if coverage == "full":
        return f"not met ({value}/{threshold})"
    found = f" ({value}/{threshold})" if value else ""
    if coverage == "partial":
        return f"partial: {covered_days} of {window_days} days{found}"
    return NO_DATA + found


def kind_title(kind: str) -> str:
    """An issuer kind as a heading: 'The Security Council', 'Special Procedures mandates'."""
    label = KIND_LABELS.get(kind, kind)
    return label[:1].upper() + label[1:]


# Kinds no shipped rule set counts: never searched is no gap worth a warning.
UNCOUNTED_KINDS = ("ohchr", "other")


def unsearched_kinds(coverage_rows: pd.DataFrame) -> list[str]:
    """The issuer kinds no coverage row declares searched (complete or sample), as titles."""
    have = set(coverage_rows["issuer_kind"]) if coverage_rows is not None and len(coverage_rows) else set()
    return [kind_title(k) for k in KIND_LABELS if k not in have and k not in UNCOUNTED_KINDS]


def _spans(starts, ends) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Inclusive day intervals merged where they overlap or touch."""
    out: list[list[pd.Timestamp]] = []
    for a, b in sorted(zip(pd.to_datetime(starts), pd.to_datetime(ends))):
        if out and a <= out[-1][1] + pd.Timedelta(days=1):
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _day_range(a, b) -> str:
    return iso(a) if iso(a) == iso(b) else f"{iso(a)} to {iso(b)}"


def source_spans(coverage_rows: pd.DataFrame) -> pd.DataFrame:
    """What each source was searched for, one row per (source, issuer kind, State or every
    State, completeness): its span, the days inside it, and its holes (the gaps between the
    source's own rows, where nothing was searched). From frames.load_coverage()."""
    # The holes first after the span: they are what a reader of this table looks for.
    cols = ["Issuer kind", "Source", "From", "To", "Holes", "Days searched", "State",
            "Completeness", "kind"]
    if coverage_rows is None or coverage_rows.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    keys = ["source", "issuer_kind", "country", "completeness"]
    for (source, kind, country, completeness), part in coverage_rows.fillna({"country": ""}) \
            .groupby(keys, sort=True):
        spans = _spans(part["start"], part["end"])
        holes = [(b1 + pd.Timedelta(days=1), a2 - pd.Timedelta(days=1))
                 for (_, b1), (a2, _) in zip(spans, spans[1:])]
        rows.append({
            "Source": source, "Issuer kind": kind_title(kind), "kind": kind,
            "State": country or "every State", "Completeness": completeness,
            "From": iso(spans[0][0]), "To": iso(spans[-1][1]),
            "Days searched": int(sum((b - a).days + 1 for a, b in spans)),
            "Holes": "; ".join(_day_range(a, b) for a, b in holes),
        })
    return pd.DataFrame(rows, columns=cols)


MAX_HOLES_SHOWN = 3


def span_words(row) -> str:
    """One source_spans row as words: 'undl-2025-10 · the Security Council: 2006-01-01 to
    2025-10-30, holes 2024-03-08 to 2025-05-29'."""
    scope = "" if row["State"] == "every State" else f", {row['State']} only"
    sample = " (sample: some of what it published)" if row["Completeness"] == "sample" else ""
    text = f"{row['Source']} · {KIND_LABELS.get(row['kind'], row['kind'])}{scope}{sample}: " \
           f"{_day_range(row['From'], row['To'])}"
    holes = [h for h in row["Holes"].split("; ") if h]
    if holes:
        shown = ", ".join(holes[:MAX_HOLES_SHOWN])
        more = f" and {len(holes) - MAX_HOLES_SHOWN} more" if len(holes) > MAX_HOLES_SHOWN else ""
        text += f" ({row['Days searched']:,} days searched), holes {shown}{more}"
    return text


@dataclass(frozen=True)
class CriterionCoverage:
    """One enabled criterion's coverage on the chosen date, for the Overview's banner."""

    criterion_id: str
    title: str
    state: str  # across States: 'full for all 196 States', 'partial for 194 States (...)', ...
    full: bool  # full for every State evaluated
    sources: tuple[str, ...]  # one line per source searched for the kinds it reads


MAX_SOURCE_LINES = 6


def _state_words(states: pd.Series, days: pd.Series, window: int) -> str:
    n = len(states)
    parts = []
    for state in ("full", "partial", "none"):
        mine = states == state
        count = int(mine.sum())
        if not count:
            continue
        who = f"all {count} States" if count == n else f"{count} State{'s' if count != 1 else ''}"
        text = f"{state} for {who}"
        if state == "partial":
            lo, hi = int(days[mine].min()), int(days[mine].max())
            text += f" ({lo if lo == hi else f'{lo} to {hi}'} of {window} days searched)"
        parts.append(text)
    return ", ".join(parts) if parts else "no State evaluated"


def coverage_banner(evaluation: Evaluation, coverage_rows: pd.DataFrame) -> list[CriterionCoverage]:
    """Per enabled criterion: its coverage across the States evaluated on the evaluation's
    date (from the engine's <id>_coverage columns), and each source of the kinds it reads with
    its span and holes (from the stored coverage rows); a kind with no row says so."""
    t = evaluation.table
    spans = source_spans(coverage_rows)
    out = []
    for crit in evaluation.rules.enabled_criteria:
        lines = []
        for kind in crit.kinds:
            mine = spans[spans["kind"] == kind]
            if mine.empty:
                lines.append(f"{kind_title(kind)}: no source loaded")
            lines.extend(span_words(r) for r in mine.to_dict("records"))
        if len(lines) > MAX_SOURCE_LINES:
            rest = len(lines) - MAX_SOURCE_LINES + 1
            lines = lines[:MAX_SOURCE_LINES - 1] + [f"and {rest} more (see the Data page)"]
        states = t[f"{crit.id}_coverage"]
        out.append(CriterionCoverage(
            criterion_id=crit.id, title=crit.title or crit.id,
            state=_state_words(states, t[f"{crit.id}_covered_days"],
                               evaluation.rules.window_of(crit)),
            full=bool(len(states)) and bool((states == "full").all()),
            sources=tuple(lines)))
    return out


def coverage_banner_markdown(banner: list[CriterionCoverage], as_of) -> str:
    """The banner as markdown: a heading line, then per criterion its state and, indented,
    its sources. Titles and source ids come from users and imports: escaped (md_text)."""
    lines = [f"**What the data loaded covers, as of {iso(as_of)}.** “Not met” only where "
             "every day of a criterion's window was searched; a State that the other criteria "
             f"could still bring to the threshold is **{status_label('undetermined')}**, not "
             "clear."]
    for c in banner:
        lines.append(f"- **{md_text(c.title)}**: {md_text(c.state)}")
        lines.extend(f"    - {md_text(src)}" for src in c.sources)
    return "\n".join(lines)


# ---------------------------------------------------------------- categories (issue 13)

def category_label(category: str) -> str:
    """'peace_operation' -> 'peace operation'; '' (or a missing value) stays ''."""
    return category.replace("_", " ") if isinstance(category, str) else ""


def category_options(signals: pd.DataFrame, listed=None) -> list[str]:
    """The categories a statement_by criterion can be limited to: those of the loaded
    signals, any the rule already lists, and 'uncategorised' (signals without one)."""
    present = {c for c in signals["category"].unique() if c} if "category" in signals else set()
    return sorted(present | set(listed or []) - {UNCATEGORISED}) + [UNCATEGORISED]


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


def overview_table(evaluation: Evaluation, countries: pd.DataFrame, rule_param: str) -> pd.DataFrame:
    """One row per State: name, ISO3, UN group, status (shape + text), criteria met, one
    column per enabled criterion (criterion_cell: what the data loaded lets it say), and a
    link to its page."""
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
    for crit in rules.enabled_criteria:
        window = rules.window_of(crit)
        out[crit.title or crit.id] = [
            criterion_cell(m, v, crit.threshold, c, d, window)
            for m, v, c, d in zip(t[f"{crit.id}_met"], t[f"{crit.id}_value"],
                                  t[f"{crit.id}_coverage"], t[f"{crit.id}_covered_days"])]
    out["Page"] = [country_url(c, rule_param, evaluation.as_of) for c in codes]
    rank = out["status"].map(STATUS_RANK)
    order = np.lexsort((out["State"].to_numpy(), -out["Criteria met"].to_numpy(), -rank.to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def coverage_columns(table: pd.DataFrame, evaluation: Evaluation) -> pd.DataFrame:
    """The Overview table with, after each criterion's column, its coverage in words
    ('full', 'partial: 9 of 365 days', 'none'): for downloads, where a reader meets the
    cells without the page's banner."""
    t = evaluation.table.set_index("country")
    out = table.copy()
    rules = evaluation.rules
    for crit in rules.enabled_criteria:
        title = crit.title or crit.id
        if title not in out.columns:
            continue
        state = out["ISO3"].map(t[f"{crit.id}_coverage"])
        days = out["ISO3"].map(t[f"{crit.id}_covered_days"])
        words = [f"partial: {int(d)} of {rules.window_of(crit)} days" if s == "partial" else s
                 for s, d in zip(state, days)]
        out.insert(out.columns.get_loc(title) + 1, f"{title}: coverage", words)
    return out


def filter_overview(table: pd.DataFrame, evaluation: Evaluation, groups: list[str] | None,
                    criterion_id: str | None, statuses: list[str] | None = None) -> pd.DataFrame:
    """Rows in the chosen UN regional groups, with one of the chosen statuses, and (if one
    is chosen) meeting that criterion."""
    out = table
    if statuses:
        out = out[out["status"].isin(set(statuses))]
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


SOURCE_TABLE_COLUMNS = ["Import kind", "Issuer kinds", "Signals", "First signal", "Last signal"]


def sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    """The signals each kind of import brought (frames.load_sources): how many and the dates
    of the first and last. Dates of signals, not of searching: what was searched is
    source_spans()."""
    if sources.empty:
        return pd.DataFrame(columns=SOURCE_TABLE_COLUMNS)
    return pd.DataFrame(dict(zip(SOURCE_TABLE_COLUMNS, [
        sources["source_kind"].to_numpy(),
        [", ".join(kind_title(k) for k in kinds) for kinds in sources["issuer_kinds"]],
        sources["signals"].to_numpy(),
        [iso(d) for d in sources["first_date"]],
        [iso(d) for d in sources["last_date"]],
    ])))


def coverage_rows_table(coverage_rows: pd.DataFrame) -> pd.DataFrame:
    """The stored coverage rows (frames.load_coverage) one by one, for the Data page: who
    declared each (an import, or a person) and why."""
    cols = ["Row", "Source", "Issuer kind", "State", "From", "To", "Days", "Completeness",
            "Declared by", "Note"]
    if coverage_rows is None or coverage_rows.empty:
        return pd.DataFrame(columns=cols)
    c = coverage_rows.sort_values(["source", "issuer_kind", "country", "start"])
    return pd.DataFrame(dict(zip(cols, [
        c["id"].to_numpy(),
        c["source"].to_numpy(),
        [kind_title(k) for k in c["issuer_kind"]],
        [x or "every State" for x in c["country"]],
        [iso(d) for d in c["start"]],
        [iso(d) for d in c["end"]],
        ((c["end"] - c["start"]).dt.days + 1).to_numpy(),
        c["completeness"].to_numpy(),
        [f"import #{i} ({who})" if pd.notna(i) else who
         for i, who in zip(c["import_id"], c["declared_by"])],
        c["note"].to_numpy(),
    ]))).reset_index(drop=True)


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


def frozen_criteria(criteria: list[dict], rules: RuleSet | None = None) -> pd.DataFrame:
    """A frozen record's criteria (a review snapshot's) for display: title (from the rule set
    it was frozen under, else the id), result, value / threshold, the sentence then, and the
    coverage then (NOT_RECORDED for a record frozen before coverage was recorded)."""
    titles = {c.id: (c.title or c.id) for c in rules.criteria} if rules is not None else {}
    kinds = {c.id: c.kinds for c in rules.criteria} if rules is not None else {}
    rows = [{
        "Criterion": titles.get(c["criterion_id"], c["criterion_id"]),
        "Result": criterion_result(c["met"], c.get("enabled", True), c.get("coverage")),
        "Value / threshold": f"{c['value']} / {c['threshold']}",
        "What the record shows": c.get("sentence", ""),
        "Coverage": coverage_words(c, kinds.get(c["criterion_id"], ())),
    } for c in criteria]
    return pd.DataFrame(rows, columns=["Criterion", "Result", "Value / threshold",
                                       "What the record shows", "Coverage"])


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
        for a, b in _spans(part["start"].clip(lower=lo), part["end"].clip(upper=hi)):
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
    """Signals that arrived since a visit (prevention.watch.watchlists.arrived_since), for display."""
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
    """Open quarantined rows (prevention.sources.quarantine.list_quarantine) for display: where each
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


def criteria_summary(evaluation: Evaluation, code: str) -> str:
    """A State's criteria grouped by what the data lets each say, for text that travels
    without the page (feed entries): 'Met: A. Not met (every day searched): B. Not met in the
    data loaded: C (9 of 365 days searched). No data loaded: D; E.' Enabled criteria only."""
    crit = evaluation.criteria
    mine = crit[(crit["country"] == code) & crit["enabled"]]
    if mine.empty:
        return "Not evaluated: nothing is loaded about this State."
    titles = {c.id: (c.title or c.id) for c in evaluation.rules.criteria}
    groups: dict[str, list[str]] = {}
    for r in mine.to_dict("records"):
        title = titles.get(r["criterion_id"], r["criterion_id"])
        result = criterion_result(r["met"], r["enabled"], r["coverage"])
        if result == PARTIAL_NOT_MET:
            title += f" ({r['covered_days']} of {r['window_days']} days searched)"
        groups.setdefault(result, []).append(title)
    heads = {"met": "Met", "not met": "Not met (every day searched)",
             PARTIAL_NOT_MET: "Not met in the data loaded", NO_DATA: "No data loaded"}
    return " ".join(f"{heads[k]}: {'; '.join(groups[k])}." for k in heads if k in groups)


def watch_table(evaluation: Evaluation, countries: pd.DataFrame, codes, since: dict[str, str],
                new_signals: dict[str, int], rule_param: str) -> pd.DataFrame:
    """A watchlist's States: status, criteria met, the date the status last changed, and the
    signals that arrived since the user's last visit; `criteria` (criteria_summary) is for
    the feed, not for display."""
    t = evaluation.table.set_index("country")
    codes = [c for c in codes]
    rows = []
    for c in codes:
        # A listed State the evaluation did not cover is one the data says nothing about.
        status = t["status"].get(c, "undetermined")
        rows.append({
            "State": country_names(countries, [c]).iloc[0], "ISO3": c,
            "Status": status_label(status), "status": status,
            "Criteria met": int(t["criteria_met"].get(c, 0)),
            "Status since": since.get(c, ""),
            "New signals": int(new_signals.get(c, 0)),
            "Page": country_url(c, rule_param, evaluation.as_of),
            "criteria": criteria_summary(evaluation, c),
        })
    frame = pd.DataFrame(rows, columns=["State", "ISO3", "Status", "status", "Criteria met",
                                        "Status since", "New signals", "Page", "criteria"])
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
