"""What the live routes (feeds, API) and the pages that mirror them share: the published rule
set, status changes, monthly digests and the severity order, computed by the engine on the
stored data and cached like the pages' evaluations (keyed by the database and its data
version, so a new import shows at once).

These caches are Streamlit's (st.cache_resource), which work the same when a Starlette route
of app.py's st.App calls them: one process, one cache, shared with the pages.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from prevention.storage.db import session_scope
from prevention.watch import changes as ch
from prevention.watch import severity as sev
from prevention.web import common
from triggers.rules import RuleSet, rule_set_to_yaml

FEED_DAYS = 365  # status changes a watchlist feed lists
SIGNAL_DAYS = 90  # new signals a watchlist feed lists (by storage or statement date)
FEED_SIGNALS = 100
ARCHIVE_MONTHS = 12  # months in the What changed feed


@st.cache_resource(max_entries=4, show_spinner=False)
def _published(db: str, version: int) -> tuple[str, int]:
    from prevention.cases.rulesets import published

    with session_scope() as s:
        return published(s)


def published() -> RuleSet:
    """The published rule set (what the public pages, the feeds and the public API follow)."""
    rid, version = _published(*common.db_key())
    return common.rule_set(f"{rid}@{version}")


def published_key() -> tuple[str, int]:
    return _published(*common.db_key())


def rule_param(rules: RuleSet) -> str:
    """The pages' `rules` parameter for a stored version: 'id' for the latest, else 'id@v'."""
    older = f"{rules.id}@{rules.version}"
    return older if older in common.rule_set_choices() else rules.id


def app_address(page_id: str) -> str:
    """The dashboard's address as this browser reached it ('http://host:8501', with a base
    path if any), from the page `page_id`; '' outside a browser session (AppTest)."""
    from prevention.web import views
    from prevention.web.registry import DEFAULT_PAGE

    try:
        url = st.context.url
    except Exception:
        return ""
    if not isinstance(url, str):
        return ""
    return views.app_base(url, "" if page_id == DEFAULT_PAGE else page_id)


def names() -> dict[str, str]:
    countries = common.data()["countries"]
    return dict(zip(countries["iso3"], countries["name"]))


@st.cache_resource(max_entries=16, show_spinner=False)
def _severity(db: str, version: int, rules_yaml: str, as_of: str, _rules: RuleSet) -> pd.DataFrame:
    ev = common.evaluation(_rules, as_of, sentences=False)
    return sev.severity(ev, common.data()["bundle"].links)


def severity(rules: RuleSet, as_of) -> pd.DataFrame:
    return _severity(*common.db_key(), rule_set_to_yaml(rules), pd.Timestamp(as_of).date().isoformat(),
                     rules)


@st.cache_resource(max_entries=16, show_spinner=False)
def _changes(db: str, version: int, rules_yaml: str, start: str, end: str,
             _rules: RuleSet) -> list[ch.Change]:
    return ch.changes(common.data()["prepared"], _rules, start, end)


def recent_changes(rules: RuleSet, countries, today: date | None = None,
                   days: int = FEED_DAYS) -> list[ch.Change]:
    """Status changes of `countries` in the last `days` days (newest first)."""
    today = today or date.today()
    found = _changes(*common.db_key(), rule_set_to_yaml(rules),
                     (today - timedelta(days=days)).isoformat(), today.isoformat(), rules)
    codes = set(countries)
    return sorted((c for c in found if c.country in codes), key=lambda c: c.day, reverse=True)


@st.cache_resource(max_entries=32, show_spinner=False)
def _digest(db: str, version: int, rules_yaml: str, month: str, today: str,
            _rules: RuleSet) -> ch.MonthDigest:
    return ch.month_digest(common.data()["prepared"], _rules, month,
                           today=date.fromisoformat(today))


def digest(rules: RuleSet, month: str, today: date | None = None) -> ch.MonthDigest:
    """A month's digest (raises ValueError for a malformed or future month)."""
    today = today or date.today()
    ch.month_bounds(month, today)
    return _digest(*common.db_key(), rule_set_to_yaml(rules), month, today.isoformat(), rules)


@st.cache_resource(max_entries=8, show_spinner=False)
def _archive(db: str, version: int, rules_yaml: str, today: str, _rules: RuleSet) -> pd.DataFrame:
    bundle = common.data()["bundle"]
    first = bundle.date_range[0].date() if bundle.date_range else date.fromisoformat(today)
    return ch.archive(common.data()["prepared"], _rules, first, date.fromisoformat(today))


def archive(rules: RuleSet, today: date | None = None) -> pd.DataFrame:
    """Every month from the first stored signal to this one, newest first, with its counts."""
    today = today or date.today()
    return _archive(*common.db_key(), rule_set_to_yaml(rules), today.isoformat(), rules)


def latest_month_with_changes(rules: RuleSet, today: date | None = None) -> str | None:
    a = archive(rules, today)
    hit = a[a["changes"] > 0]
    return None if hit.empty else str(hit["month"].iloc[0])


def statuses_today(rules: RuleSet, countries) -> dict[str, str]:
    """Each State's status as of today ('undetermined' for one the data says nothing of):
    what alerts and digests compare, whatever day a page's date picker shows."""
    table = common.evaluation(rules, date.today(), sentences=False).table.set_index("country")
    return {c: str(table["status"].get(c, "undetermined")) for c in countries}


def recent_signals(countries, days: int = SIGNAL_DAYS, limit: int = FEED_SIGNALS) -> pd.DataFrame:
    """Signals about `countries` stored or dated in the last `days` days, newest first."""
    from datetime import datetime, timezone

    from prevention.watch import whatsnew

    since = datetime.now(timezone.utc) - timedelta(days=days)
    win = whatsnew.Window(since, True)
    return whatsnew.whats_new(countries, win).head(limit)
