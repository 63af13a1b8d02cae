"""The page list: one st.Page per file in prevention/ui, grouped for the sidebar.

Kept apart from app.py so a role filter (issue 5) is one function argument, and so tests can
check every page file exists.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

UI = Path(__file__).resolve().parent
ROOT = UI.parent.parent

# (url_path = page id in prevention/access.py, title, icon, section, file). Optional pages
# owned by other work land later; they are listed only when their file exists.
PAGES = [
    ("overview", "Overview", ":material/public:", "Situations", "overview.py"),
    ("country", "Country", ":material/flag:", "Situations", "country.py"),
    ("watchlists", "Watchlists", ":material/visibility:", "Situations", "watchlists.py"),
    ("lab", "Threshold lab", ":material/tune:", "Research", "lab.py"),
    ("backtest", "Back-test", ":material/history:", "Research", "backtest.py"),
    ("consistency", "Consistency", ":material/balance:", "Research", "consistency.py"),
    ("track_record", "Track record", ":material/fact_check:", "Research", "track_record.py"),
    ("data", "Data", ":material/database:", "Data", "data.py"),
    ("about", "About", ":material/info:", "Data", "about.py"),
]


def pages(allowed: set[str] | None = None) -> dict[str, list]:
    """st.navigation's sections; `allowed` (page ids) filters them, None shows every page."""
    out: dict[str, list] = {}
    for url_path, title, icon, section, file in PAGES:
        path = UI / file
        if not path.exists() or (allowed is not None and url_path not in allowed):
            continue
        out.setdefault(section, []).append(
            st.Page(str(path.relative_to(ROOT)), title=title, icon=icon, url_path=url_path,
                    default=url_path == "overview"))
    return out
