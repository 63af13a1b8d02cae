"""What a page shows, computed once and handed to every session (issue 17).

Every viewer of the same page, rule set, day and filters sees the same statuses, tables and
figures: they are built once per process and data version, here, and every later rerun of any
session is a lookup. The key of an entry is (database, data version, what it is, the rules'
YAML, the day, the filters): an import or an edit bumps the data version (in another process
too: it is read from the database on every run), so the next run misses and builds afresh,
and the older entries of that database are dropped.

Nothing about a viewer goes in here, neither in a key nor in a value: no user name, no
watchlist, no role, no session state. What depends on who is looking (the watchlist form, the
sign-in, review notes) stays in the page, computed per run. tests/ui/test_shared_cache.py
checks that a user's watchlist never reaches another user's rerun through this cache.

Values are shared objects: treat them as read-only (copy before changing one).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

from prevention.cases import statuses
from prevention.web import charts, common, geo, views
from triggers.evaluate import Evaluation
from triggers.prepared import EPOCH, to_day
from triggers.rules import RuleSet, rule_set_to_yaml

T = TypeVar("T")
MAX_ENTRIES = 512


class SharedCache:
    """A bounded LRU map; a missing entry is built once even when many sessions ask at the
    same moment (the others wait for it instead of building it too)."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._data: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple, threading.Lock] = {}
        self._versions: dict[str, int] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple, build: Callable[[], T]) -> T:
        db, version = key[0], key[1]
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            lock = self._building.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                if key in self._data:
                    self.hits += 1
                    return self._data[key]
            value = build()
            with self._lock:
                self.misses += 1
                if version > self._versions.get(db, -1):
                    # The data changed: what was built on older versions is never read again.
                    self._versions[db] = version
                    for old in [k for k in self._data if k[0] == db and k[1] < version]:
                        del self._data[old]
                self._data[key] = value
                while len(self._data) > self.max_entries:
                    self._data.popitem(last=False)
                self._building.pop(key, None)
        return value

    def values(self) -> list:
        with self._lock:
            return list(self._data.values())

    def key_list(self) -> list[tuple]:
        with self._lock:
            return list(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._versions.clear()


CACHE = SharedCache()


def shared(kind: str, key: tuple, build: Callable[[], T]) -> T:
    """build(), once per (database, data version, kind, key) in this process. `key` names
    everything the result depends on besides the stored data, and nothing about the viewer."""
    return CACHE.get((*common.db_key(), kind, *key), build)


def arrow(frame: pd.DataFrame) -> pa.Table:
    """The frame as st.dataframe would convert it (a range index is not a column): done once
    here instead of on every rerun of every session."""
    return pa.Table.from_pandas(frame, preserve_index=False)


_yaml: OrderedDict[int, tuple[RuleSet, str]] = OrderedDict()
_yaml_lock = threading.Lock()


def _rules_key(rules: RuleSet) -> str:
    """The rules' YAML (the key of everything computed under them), written once per rules
    object: the stored rule sets are cached objects, and a dump costs milliseconds."""
    with _yaml_lock:
        hit = _yaml.get(id(rules))
        if hit is not None and hit[0] is rules:
            return hit[1]
    text = rule_set_to_yaml(rules)
    with _yaml_lock:
        _yaml[id(rules)] = (rules, text)  # the object is kept, so its id is not reused
        while len(_yaml) > 64:
            _yaml.popitem(last=False)
    return text


# ---------------------------------------------------------------- overview

@dataclass(frozen=True)
class OverviewBase:
    result: Evaluation  # statuses only (no sentences): from the stored status table when it has the day
    table: pd.DataFrame  # views.overview_table
    banner_md: str
    banner_full: bool
    groups: list[str]
    sources: pd.DataFrame  # views.sources_table
    sources_arrow: pa.Table | None
    stored: bool  # read from the stored status table (no evaluation)


def overview_result(rules: RuleSet, as_of) -> tuple[Evaluation, bool]:
    """The Overview's statuses: a lookup in the stored status table when it holds this day for
    exactly these rules on the current data, else the (cached) evaluation."""
    _db, version = common.db_key()
    try:
        table = statuses.stored_table(rules, as_of, version=version)
    except Exception:  # noqa: BLE001 - e.g. a database not migrated yet: evaluate
        table = None
    if table is not None:
        empty = pd.DataFrame()
        return Evaluation(rules=rules, as_of=views.iso(as_of), table=table, criteria=empty,
                          signals=empty), True
    return common.evaluation(rules, as_of, sentences=False), False


def overview_base(param: str, rules: RuleSet, as_of) -> OverviewBase:
    def build() -> OverviewBase:
        d = common.data()
        result, stored = overview_result(rules, as_of)
        table = views.overview_table(result, d["countries"], param)
        banner = views.coverage_banner(result, d["coverage"])
        sources = views.sources_table(d["sources"])
        return OverviewBase(
            result=result, table=table,
            banner_md=views.coverage_banner_markdown(banner, as_of),
            banner_full=all(line.full for line in banner),
            groups=views.group_options(table), sources=sources,
            sources_arrow=None if sources.empty else arrow(sources), stored=stored)

    return shared("overview", (_rules_key(rules), param, views.iso(as_of)), build)


@dataclass(frozen=True)
class OverviewShown:
    shown: pd.DataFrame
    counts: dict[str, int]
    figure: Any  # the map
    display: pd.DataFrame  # the table as shown (without the status code column)
    display_arrow: pa.Table
    labels: dict[str, str]  # ISO3 -> "shape status name" for the State picker
    download: pd.DataFrame  # views.coverage_columns(display, result)


def overview_shown(base: OverviewBase, param: str, rules: RuleSet, as_of, statuses_: list[str],
                   groups: list[str], criterion: str | None) -> OverviewShown:
    def build() -> OverviewShown:
        shown = views.filter_overview(base.table, base.result, groups, criterion, statuses_)
        display = shown.drop(columns=["status"])
        return OverviewShown(
            shown=shown, counts=views.status_counts(shown),
            figure=charts.status_map(shown, outlines=geo.GEOJSON_URL),
            display=display, display_arrow=arrow(display),
            labels={c: f"{s} {n}" for c, s, n in zip(display["ISO3"], display["Status"],
                                                    display["State"])},
            download=views.coverage_columns(display, base.result))

    key = (_rules_key(rules), param, views.iso(as_of), tuple(statuses_), tuple(groups),
           criterion or "")
    return shared("overview-shown", key, build)


# ---------------------------------------------------------------- country

@dataclass(frozen=True)
class CountryChoices:
    result: Evaluation  # with sentences and evidence
    codes: list[str]
    names: dict[str, str]


def country_choices(rules: RuleSet, as_of) -> CountryChoices:
    def build() -> CountryChoices:
        d = common.data()
        result = common.evaluation(rules, as_of)
        codes = result.table["country"].tolist()
        return CountryChoices(result, codes, dict(zip(codes, views.country_names(d["countries"], codes))))

    return shared("country-choices", (_rules_key(rules), views.iso(as_of)), build)


@dataclass(frozen=True)
class CountryView:
    res: Any  # triggers.evaluate.CountryResult
    profile: dict
    profile_arrow: dict  # memberships / nhris as Arrow tables
    has_signals: bool
    criteria: list[tuple]  # (row of views.country_criteria, evidence frame shown, its Arrow, links)
    evidence: pd.DataFrame  # all evidence, for the download (criterion_id dropped)
    figure: Any  # the timeline


def _without_empty(table: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The table without those of `columns` that hold nothing in any row: a column of empty
    cells says nothing on screen (a link column would show 'None' in each); the downloads keep
    every column."""
    empty = [c for c in columns if c in table and not table[c].fillna("").astype(str).str.len().any()]
    return table.drop(columns=empty)


def country_view(rules: RuleSet, as_of, iso3: str) -> CountryView:
    def build() -> CountryView:
        d = common.data()
        choices = country_choices(rules, as_of)
        result = choices.result
        profile = views.country_profile(d["bundle"], d["countries"], iso3, as_of)
        crit = views.country_criteria(result, iso3)
        # One lookup for every criterion's evidence (each lookup joins against all signals).
        all_ev = views.evidence_table(result, d["bundle"], iso3)
        rows = []
        for record in crit.to_dict("records"):
            row = SimpleNamespace(**record)
            ev = all_ev[all_ev["criterion_id"] == row.criterion_id]
            shown = _without_empty(ev.drop(columns=["Criterion", "criterion_id"]),
                                   ("Category", "Source"))
            rows.append((row, shown, None if ev.empty else arrow(shown),
                         views.source_links(ev) if not ev.empty else ""))
        return CountryView(
            res=result.country(iso3), profile=profile,
            profile_arrow={k: arrow(profile[k]) for k in ("memberships", "nhris")},
            has_signals=bool((d["bundle"].signals["country"] == iso3).any()),
            criteria=rows, evidence=all_ev.drop(columns=["criterion_id"]),
            figure=country_figure(rules, as_of, iso3))

    return shared("country", (_rules_key(rules), views.iso(as_of), iso3), build)


def country_figure(rules: RuleSet, as_of, iso3: str):
    """The Country page's timeline figure, exactly as the page built it from
    `common.status_timeline(rules, start, as_of)`; the timeline itself is computed once per
    rule set and day for every State (from the earliest signal) and cut to this State's range."""
    d = common.data()
    sig = views.country_signals(d["bundle"], iso3)
    # Drawn even without signals: the strips then show what was searched, so an empty chart
    # is not read as a quiet State.
    start = pd.Timestamp(as_of) - timedelta(days=365)
    if len(sig):
        start = min(start, sig["date"].min())
    met, episodes = country_timeline(rules, as_of, iso3, start)
    return charts.country_timeline(
        views.monthly_signal_counts(sig[sig["date"] <= pd.Timestamp(as_of)]),
        met, episodes, views.country_outcomes(d["outcomes"], iso3),
        bands=views.coverage_bands(d["coverage"], rules, iso3, start, as_of),
        band_kinds=views.band_kinds(rules), start=start, end=as_of,
    )


def _full_timeline(rules: RuleSet, as_of):
    """Every State's timeline from the earliest signal (or a year back) to as_of."""
    def build():
        d = common.data()
        dates = d["bundle"].signals["date"]
        start = pd.Timestamp(as_of) - timedelta(days=365)
        if len(dates):
            start = min(start, dates.min())
        return common.status_timeline(rules, start, as_of)

    return shared("timeline", (_rules_key(rules), views.iso(as_of)), build)


def country_timeline(rules: RuleSet, as_of, iso3: str, start) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(views.met_over_time(tl.frame(step_days=7), iso3), views.country_episodes(tl.episodes(), iso3))
    of the timeline from `start` to as_of, taken from the full timeline: the same weekly days
    (start, start + 7, ...), the same values, and episodes cut at `start` as that timeline
    would have cut them."""
    tl = _full_timeline(rules, as_of)
    offset = to_day(start) - tl.first_day
    if offset < 0:  # cannot happen (the full timeline starts earliest); be exact anyway
        t = common.status_timeline(rules, start, as_of)
        return (views.met_over_time(t.frame(step_days=7), iso3),
                views.country_episodes(t.episodes(), iso3))
    rows = np.flatnonzero(tl.countries == iso3)
    cols = np.arange(offset, tl.status.shape[1], 7)
    from triggers.vocabulary import STATUSES

    if len(rows):
        r = rows[0]
        met = pd.DataFrame({
            "date": (tl.dates[cols]).astype("datetime64[ns]"),
            "criteria_met": tl.criteria_met[r, cols],
            "status": pd.Categorical.from_codes(tl.status[r, cols], categories=STATUSES),
        })
    else:
        met = views.met_over_time(tl.frame(step_days=7).iloc[0:0], iso3)
    eps = views.country_episodes(tl.episodes(), iso3)
    first = pd.Timestamp(EPOCH + np.timedelta64(tl.first_day + offset, "D"))
    eps = eps[eps["end"] >= first].copy()
    clipped = eps["start"] < first
    eps.loc[clipped, "start"] = first
    eps["days"] = ((eps["end"] - eps["start"]).dt.days + 1).astype(np.int64)
    return met, eps.reset_index(drop=True)


# ---------------------------------------------------------------- warm-up

def warm(day: date | None = None) -> None:
    """Fill the caches a first visitor needs: the shared data, today's Overview (unfiltered)
    and its statuses under the default rule set, and the Country pages' evaluation."""
    from triggers.rules import DEFAULT_RULE_SET_ID

    day = day or date.today()
    common.data()
    rules = common.rule_set(DEFAULT_RULE_SET_ID)
    base = overview_base(DEFAULT_RULE_SET_ID, rules, day)
    overview_shown(base, DEFAULT_RULE_SET_ID, rules, day, [], [], None)
    country_choices(rules, day)
    _full_timeline(rules, day)
