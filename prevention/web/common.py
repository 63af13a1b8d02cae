"""What every page shares: cached data keyed by the data version, URL-backed widgets, the
synthetic-data banner, download buttons and the current user's name.

Caches hold only shared, read-only results (frames, prepared indexes, evaluations), keyed by
the database URL, the data version and the rule set, never anything about one user.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from prevention.accounts.access import can
from prevention.cases import rulesets
from prevention.storage import frames
from prevention.storage.settings import get_settings
from prevention.web import exports, views
from prevention.web.registry import DEFAULT_PAGE
from triggers.evaluate import Evaluation, evaluate
from triggers.prepared import prepare
from triggers.rules import RuleSet, rule_set_to_yaml
from triggers.timeline import Timeline, timeline

# ---------------------------------------------------------------- cached data

def db_key() -> tuple[str, int]:
    """(database URL, data version): the key of every cache below."""
    return get_settings().database_url, frames.data_version()


@st.cache_resource(max_entries=4, show_spinner=False)
def _data(db: str, version: int) -> dict:
    bundle = frames.load_bundle()
    countries = frames.load_countries()
    return {
        "bundle": bundle,
        "countries": countries,
        "prepared": prepare(bundle, views.evaluation_countries(countries, bundle)),
        "synthetic": views.is_synthetic(bundle),
        "outcomes": frames.load_outcomes(),
        "coverage": frames.load_coverage(),  # what each source was searched for
        "sources": frames.load_sources(),  # the signals each kind of import brought
    }


def data() -> dict:
    return _data(*db_key())


@st.cache_resource(max_entries=64, show_spinner=False)
def _evaluation(db: str, version: int, rules_yaml: str, as_of: str, sentences: bool,
                _rules: RuleSet) -> Evaluation:
    return evaluate(_data(db, version)["prepared"], _rules, as_of, sentences=sentences)


def evaluation(rules: RuleSet, as_of, sentences: bool = True) -> Evaluation:
    """The evaluation for a rule set on a day; the rule set's YAML is the cache key, so a lab
    scenario is cached like a stored one. Sentences cost a Python loop per State and criterion:
    pages that show only statuses pass sentences=False."""
    return _evaluation(*db_key(), rule_set_to_yaml(rules), views.iso(as_of), sentences, rules)


@st.cache_resource(max_entries=8, show_spinner=False)
def _timeline(db: str, version: int, rules_yaml: str, start: str, end: str, _rules: RuleSet) -> Timeline:
    return timeline(_data(db, version)["prepared"], _rules, start, end)


def status_timeline(rules: RuleSet, start, end) -> Timeline:
    return _timeline(*db_key(), rule_set_to_yaml(rules), views.iso(start), views.iso(end), rules)


@st.cache_resource(max_entries=4, show_spinner=False)
def _rule_set_list(db: str, version: int) -> tuple[list, tuple[str, int]]:
    from prevention.storage.db import session_scope

    with session_scope() as s:
        return rulesets.list_rule_sets(), rulesets.published(s)


def sees_scenarios(user=None) -> bool:
    """Whether the signed-in account may see unpublished scenarios (those who may save them)."""
    return can(signed_in() if user is None else user, "scenario.save")


def rule_set_choices() -> dict[str, str]:
    """'id' (latest) and 'id@v' -> label, for the rule sets the signed-in account may choose:
    every stored one for researchers and admins; for everyone else the shipped versions and
    the published one, so that a saved but unpublished scenario never appears on a public
    page. 'id' (latest) is offered only when the latest stored version is one of those."""
    infos, published = _rule_set_list(*db_key())
    latest = {info.id: info for info in infos}
    if not sees_scenarios():
        infos = [i for i in infos if i.author == rulesets.SHIPPED_AUTHOR
                 or (i.id, i.version) == published]
    out = {}
    for info in infos:
        if info.version == latest[info.id].version:
            out[info.id] = f"{info.title} — {info.id} (latest, v{info.version})"
    for info in infos:
        if info.version != latest[info.id].version:
            out[f"{info.id}@{info.version}"] = f"{info.title} — {info.id} v{info.version}"
    return out


def default_rule_set() -> str:
    """The choice every page starts on: the published rule set version."""
    infos, (rid, version) = _rule_set_list(*db_key())
    latest = max((i.version for i in infos if i.id == rid), default=version)
    return rid if version == latest else f"{rid}@{version}"


@st.cache_resource(max_entries=32, show_spinner=False)
def _rule_set(db: str, version: int, param: str) -> RuleSet:
    rid, _, ver = param.partition("@")
    return rulesets.get_rule_set(rid, int(ver) if ver else None)


def rule_set(param: str) -> RuleSet:
    return _rule_set(*db_key(), param)


# ---------------------------------------------------------------- URL-backed widgets

def _remember(key: str, value) -> None:
    st.session_state[f"_keep_{key}"] = value


def _initial(key: str, parse, default):
    """The widget's starting value: the URL (a shared link), else the value last used in this
    session on any page, else the default."""
    raw = st.query_params.get(key)
    if raw is not None:
        try:
            return parse(raw)
        except (ValueError, TypeError):
            pass
    return st.session_state.get(f"_keep_{key}", default)


def url_selectbox(label: str, options: list, key: str, default=None, format_func=str, **kw):
    """A selectbox whose value lives in the URL's query string under `key`."""
    if key not in st.session_state:
        start = _initial(key, str, default)
        st.session_state[key] = start if start in options else default
    elif st.session_state[key] not in options:
        st.session_state[key] = default
    value = st.selectbox(label, options, key=key, format_func=format_func, **kw)
    _sync(key, value)
    return value


def url_multiselect(label: str, options: list, key: str, format_func=str, **kw) -> list:
    if key not in st.session_state:
        start = _initial(key, lambda s: [v for v in s.split(",") if v], [])
        st.session_state[key] = [v for v in start if v in options]
    value = st.multiselect(label, options, key=key, format_func=format_func, **kw)
    _sync(key, ",".join(value))
    _remember(key, value)
    return value


def url_date(label: str, key: str, default: date, **kw) -> date:
    if key not in st.session_state:
        st.session_state[key] = _initial(key, date.fromisoformat, default)
    value = st.date_input(label, key=key, format="YYYY-MM-DD", **kw)
    _sync(key, value.isoformat())
    _remember(key, value)  # the date itself: the next page's widget needs a date, not text
    return value


def _sync(key: str, value) -> None:
    _remember(key, value)
    text = "" if value is None else str(value)
    if text:
        if st.query_params.get(key) != text:
            st.query_params[key] = text
    elif key in st.query_params:
        del st.query_params[key]


def context(sidebar: bool = True) -> tuple[str, RuleSet, date]:
    """The rule set and as-of date every evaluating page shares (in the sidebar and the URL)."""
    where = st.sidebar if sidebar else st
    choices = rule_set_choices()
    asked = st.query_params.get("rules")
    with where:
        if asked and asked not in choices:
            st.info("The link names a rule set that is not published here; the published one "
                    "is shown. Researchers see saved scenarios after signing in.")
        param = url_selectbox("Rule set", list(choices), "rules", default_rule_set(),
                              format_func=lambda k: choices.get(k, k),
                              help="The proposal whose criteria are applied. These are proposals "
                                   "States made, not rules the Council adopted.")
        as_of = url_date("As of", "as_of", date.today(),
                         help="Only signals dated on or before this day are counted.")
    return param, rule_set(param), as_of


# ---------------------------------------------------------------- page furniture

def header(title: str, caption: str | None = None) -> dict:
    """Page title, the synthetic-data banner when needed; returns the shared data."""
    d = data()
    _user_field()
    if d["synthetic"]:
        st.error("**SYNTHETIC DATA** — the signals loaded are invented for benchmarks; "
                 "nothing on this screen is a real statement.", icon="⚠️")
    st.title(title)
    if caption:
        st.caption(caption)
    return d


def signed_in():
    """The signed-in account (prevention.accounts.auth.User) or None for an anonymous visitor."""
    from prevention.web.session import current_user

    return current_user()


def user_name() -> str:
    """The signed-in user's name, '' when nobody is signed in. Watchlists, scenarios and
    imports are recorded under it."""
    user = signed_in()
    return user.username if user else ""


def guard(page_id: str):
    """The server-side check every restricted page makes first; stops the page if refused.
    Returns the signed-in user (None when anonymous on a public page)."""
    from prevention.accounts.access import PermissionDenied, require_page

    user = signed_in()
    st.session_state["_page_id"] = page_id
    try:
        require_page(user, page_id)
    except PermissionDenied as exc:
        st.error(f"{views.md_text(exc)}. Sign in on the Account page with an account that may open it.")
        st.stop()
    return user


def _user_field() -> None:
    user = signed_in()
    with st.sidebar:
        if user:
            st.caption(f"Signed in as **{views.md_text(user.label)}** ({user.role})")
        else:
            st.caption("Not signed in: the public pages only. Sign in on the Account page.")


def downloads(table: pd.DataFrame, stem: str, synthetic: bool, key: str) -> None:
    """CSV and XLSX buttons for a table (source URLs are columns of the table itself; in-app
    links are made absolute). The files are built only when a button is clicked: an XLSX
    costs far more than the page."""
    table = views.absolute_links(table, _base())
    a, b, _ = st.columns([1, 1, 4])
    suffix = "-SYNTHETIC" if synthetic else ""
    a.download_button("CSV", lambda: exports.to_csv(table, synthetic), f"{stem}{suffix}.csv",
                      "text/csv", key=f"{key}_csv", icon=":material/download:", on_click="ignore")
    b.download_button("XLSX", lambda: exports.to_xlsx(table, stem, synthetic), f"{stem}{suffix}.xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      key=f"{key}_xlsx", icon=":material/download:", on_click="ignore")




def _base() -> str:
    """The app's address for absolute links in exports ('' outside a browser session)."""
    try:
        url = st.context.url
    except Exception:  # no browser context (AppTest): links stay relative
        return ""
    page = st.session_state.get("_page_id", "")
    return views.app_base(url, "" if page == DEFAULT_PAGE else page)


def figure_downloads(make_fig, stem: str, synthetic: bool, key: str) -> None:
    """Chart downloads, each built on click from `make_fig()` (a figure with its outlines
    inline, so the file works on its own): HTML at once, PNG/SVG through kaleido and the
    system Chromium (a few seconds, as it starts a browser)."""
    suffix = "-SYNTHETIC" if synthetic else ""
    cols = st.columns([1, 1, 1, 3])
    cols[0].download_button("Chart HTML", lambda: exports.figure_html(make_fig(), synthetic),
                            f"{stem}{suffix}.html", "text/html", key=f"{key}_html", on_click="ignore")
    for col, fmt in zip(cols[1:3], ("png", "svg")):

        def render(fmt=fmt):
            try:
                return exports.figure_image(make_fig(), fmt, synthetic)
            except exports.ImageExportUnavailable as exc:
                # The download then holds the reason instead of an image.
                return f"Image export failed: {exc}".encode()

        col.download_button(fmt.upper(), render, f"{stem}{suffix}.{fmt}",
                            "image/png" if fmt == "png" else "image/svg+xml",
                            key=f"{key}_{fmt}", on_click="ignore",
                            help="Rendered on click by a headless Chromium: allow a few seconds.")
