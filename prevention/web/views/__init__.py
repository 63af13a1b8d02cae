"""The tables the dashboard pages show, shaped from the engine's results by pure functions.

Pages only read widgets, call these and render: every join, filter and relabel lives here, so it
is tested without a browser. Nothing here imports Streamlit or touches the database. One module
per page or idea; this package is the one namespace the pages use (`views.overview_table`), and
it carries the product's wording (prevention.display) with it.
"""

from __future__ import annotations

from prevention.display.audit import shown_name, without_folder
from prevention.display.coverage import (
    NOT_RECORDED,
    PARTIAL_NOT_MET,
    RESULT_MARKS,
    UNCOUNTED_KINDS,
    category_label,
    category_options,
    coverage_words,
    criterion_cell,
    criterion_result,
    frozen_criteria,
    kind_title,
)
from prevention.display.status import (
    NO_DATA,
    STATUS_COLOURS,
    STATUS_MEANINGS,
    STATUS_RANK,
    STATUS_SHAPES,
    SYNTHETIC_MARK,
    is_synthetic,
    iso,
    status_label,
)
from prevention.display.text import (
    NOT_A_LINK,
    inert_cell,
    link_column,
    md_text,
    safe_url,
    source_links,
    web_url,
)
from prevention.web.views.admin import (
    accounts_table,
    audit_sentence,
    audit_table,
    recorded_values,
)
from prevention.web.views.changes import (
    archive_table,
    change_rows,
    digest_sections,
)
from prevention.web.views.countries import (
    country_groups,
    country_names,
    evaluation_countries,
)
from prevention.web.views.country import (
    band_kinds,
    country_criteria,
    country_episodes,
    country_outcomes,
    country_profile,
    country_signals,
    coverage_bands,
    evidence_table,
    issuer_names,
    met_over_time,
    monthly_signal_counts,
)
from prevention.web.views.coverage import (
    MAX_HOLES_SHOWN,
    MAX_SOURCE_LINES,
    CriterionCoverage,
    coverage_banner,
    coverage_banner_markdown,
    day_spans,
    source_spans,
    span_words,
    unsearched_kinds,
)
from prevention.web.views.lab import (
    rule_set_diff,
    rules_with,
    scenario_id,
    status_changes,
)
from prevention.web.views.overview import (
    SOURCE_TABLE_COLUMNS,
    absolute_links,
    app_base,
    country_url,
    coverage_columns,
    coverage_rows_table,
    filter_overview,
    group_options,
    overview_table,
    sources_table,
    status_counts,
)
from prevention.web.views.review import (
    frozen_evidence_table,
    minute,
    new_evidence_table,
    review_queue_table,
)
from prevention.web.views.watch import (
    criteria_summary,
    quarantine_table,
    status_since,
    watch_table,
    whats_new_table,
)

__all__ = [
    "STATUS_SHAPES", "STATUS_COLOURS", "STATUS_MEANINGS", "STATUS_RANK", "NO_DATA",
    "SYNTHETIC_MARK", "status_label", "iso", "is_synthetic", "NOT_RECORDED", "PARTIAL_NOT_MET",
    "RESULT_MARKS", "criterion_result", "coverage_words", "criterion_cell", "kind_title",
    "UNCOUNTED_KINDS", "category_label", "category_options", "frozen_criteria", "inert_cell",
    "md_text", "web_url", "safe_url", "NOT_A_LINK", "link_column", "source_links",
    "evaluation_countries", "country_names", "country_groups", "country_url", "app_base",
    "absolute_links", "overview_table", "coverage_columns", "filter_overview", "group_options",
    "status_counts", "SOURCE_TABLE_COLUMNS", "sources_table", "coverage_rows_table",
    "unsearched_kinds", "day_spans", "source_spans", "MAX_HOLES_SHOWN", "span_words",
    "CriterionCoverage", "MAX_SOURCE_LINES", "coverage_banner", "coverage_banner_markdown",
    "issuer_names", "evidence_table", "country_criteria", "country_signals", "coverage_bands",
    "band_kinds", "monthly_signal_counts", "country_profile", "country_outcomes",
    "met_over_time", "country_episodes", "rules_with", "scenario_id", "status_changes",
    "rule_set_diff", "status_since", "whats_new_table", "quarantine_table", "criteria_summary",
    "watch_table", "archive_table", "change_rows", "digest_sections", "review_queue_table",
    "frozen_evidence_table", "new_evidence_table", "minute", "accounts_table", "audit_table",
    "audit_sentence", "recorded_values", "shown_name", "without_folder"
]
