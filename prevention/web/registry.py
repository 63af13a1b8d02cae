"""The page list, once: every page's id (its url_path, the page id of the role matrix in
prevention/accounts/access.py), title, icon, sidebar section and file in prevention/web/pages;
and the navigation a user's role allows."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from prevention.accounts.access import pages_for

PAGES_DIR = Path(__file__).resolve().parent / "pages"
ROOT = Path(__file__).resolve().parents[2]  # st.Page paths are relative to the project

PAGES = [
    ("overview", "Overview", ":material/public:", "Situations", "overview.py"),
    ("country", "Country", ":material/flag:", "Situations", "country.py"),
    ("watchlists", "Watchlists", ":material/visibility:", "Situations", "watchlists.py"),
    ("lab", "Threshold lab", ":material/tune:", "Research", "lab.py"),
    ("backtest", "Back-test", ":material/history:", "Research", "backtest.py"),
    ("consistency", "Consistency", ":material/balance:", "Research", "consistency.py"),
    ("track_record", "Track record", ":material/fact_check:", "Research", "track_record.py"),
    ("review", "Bureau review", ":material/gavel:", "Bureau", "review.py"),
    ("admin", "Administration", ":material/admin_panel_settings:", "Bureau", "admin.py"),
    ("data", "Data", ":material/database:", "Data", "data.py"),
    ("about", "About", ":material/info:", "Data", "about.py"),
    ("account", "Account", ":material/person:", "Account", "account.py"),
]
PAGE_IDS = tuple(p[0] for p in PAGES)
DEFAULT_PAGE = "overview"  # served at the app's root, so its URL has no page segment


def page_path(page_id: str) -> str:
    """A page's file as st.switch_page and st.Page take it (relative to the project)."""
    file = next(f for pid, *_, f in PAGES if pid == page_id)
    return str((PAGES_DIR / file).relative_to(ROOT))


def listed(user) -> list[str]:
    """The ids of the pages this user's role may open, in sidebar order."""
    allowed = set(pages_for(user))
    return [pid for pid in PAGE_IDS if pid in allowed]


def navigation(user) -> dict[str, list]:
    """st.navigation's sections for this user: only the pages their role may open."""
    mine = set(listed(user))
    out: dict[str, list] = {}
    for url_path, title, icon, section, file in PAGES:
        if url_path in mine:
            out.setdefault(section, []).append(st.Page(
                page_path(url_path), title=title, icon=icon, url_path=url_path,
                default=url_path == DEFAULT_PAGE))
    return out
