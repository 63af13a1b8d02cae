"""The Overview's table, filters and counts, and the Data page's sources tables."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import numpy as np
import pandas as pd

from prevention.display.coverage import criterion_cell, kind_title
from prevention.display.status import STATUS_RANK, iso, status_label
from prevention.web.views.countries import country_groups, country_names
from triggers.evaluate import Evaluation
from triggers.vocabulary import STATUS_ORDER

# ---------------------------------------------------------------- overview

def country_url(iso3: str, rule_set: str, as_of: str) -> str:
    """Relative link that reproduces the Country page for one State."""
    return "country?" + urlencode({"country": iso3, "rules": rule_set, "as_of": as_of})


def app_base(url: str | None, page_path: str) -> str:
    """The app's address without the current page ('http://host:8501' or with a base path),
    from the browser's URL of a page whose url_path is `page_path` ('' for the default)."""
    if not url:
        return ""
    from urllib.parse import urlunsplit

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
        words = [f"partial: {int(d)} of {rules.window_of(crit)} days searched completely" if s == "partial" else s
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
