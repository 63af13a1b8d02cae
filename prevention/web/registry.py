"""The page list, once: every page's id (its url_path, the page id of the role matrix in
prevention/accounts/access.py), title, icon, sidebar section and file in prevention/web/pages;
and the navigation a user's role allows.

The sidebar lists only the pages a role may open. Every other page is still in the
navigation, hidden, as a sign-in prompt (prevention/web/signin.py): a restricted address
opened signed out asks to sign in, says which page asked, and opens it after the sign-in,
instead of Streamlit's 'Page not found'."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from prevention.accounts.access import pages_for

PAGES_DIR = Path(__file__).resolve().parent / "pages"
ROOT = Path(__file__).resolve().parents[2]  # st.Page paths are relative to the project

PAGES = [
    ("overview", "Overview", ":material/public:", "Situations", "overview.py"),
    ("country", "Country", ":material/flag:", "Situations", "country.py"),
    ("changes", "What changed", ":material/update:", "Situations", "changes.py"),
    ("watchlists", "Watchlists", ":material/visibility:", "Situations", "watchlists.py"),
    ("shared", "Shared watchlist", ":material/share:", "Situations", "shared.py"),
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
# Reachable by their address, never listed: a shared watchlist needs its link's token.
HIDDEN = frozenset({"shared"})


def page_path(page_id: str) -> str:
    """A page's file as st.switch_page and st.Page take it (relative to the project)."""
    file = next(f for pid, *_, f in PAGES if pid == page_id)
    return str((PAGES_DIR / file).relative_to(ROOT))


def listed(user) -> list[str]:
    """The ids of the pages this user's role may open, in sidebar order (hidden ones aside)."""
    allowed = set(pages_for(user))
    return [pid for pid in PAGE_IDS if pid in allowed and pid not in HIDDEN]


def title_of(page_id: str) -> str:
    return next(t for pid, t, *_ in PAGES if pid == page_id)


def _prompt(page_id: str, title: str):
    """The stand-in for a page this user may not open: the sign-in prompt (an old share link,
    watchlists?list=..., opened signed out goes to the shared list's own page, which reads it)."""

    def page() -> None:
        from prevention.web.signin import prompt

        if page_id == "watchlists" and st.query_params.get("list"):
            st.switch_page(page_path("shared"), query_params={"list": st.query_params["list"]})
        prompt(page_id, title)

    page.__name__ = page.__qualname__ = f"sign_in_for_{page_id}"
    return page


def navigation(user) -> dict[str, list]:
    """st.navigation's sections for this user: the pages their role may open, listed (or
    hidden, HIDDEN), and every other page hidden behind a sign-in prompt."""
    allowed = set(pages_for(user))
    out: dict[str, list] = {}
    for url_path, title, icon, section, file in PAGES:
        if url_path in allowed:
            page = st.Page(page_path(url_path), title=title, icon=icon, url_path=url_path,
                           default=url_path == DEFAULT_PAGE,
                           visibility="hidden" if url_path in HIDDEN else "visible")
        else:
            page = st.Page(_prompt(url_path, title), title=title, icon=icon, url_path=url_path,
                           visibility="hidden")
        out.setdefault(section, []).append(page)
    return out
