"""Text from outside (signal titles, references, usernames) made inert wherever it is shown."""

from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd

# A spreadsheet reads a cell starting with one of these as a formula (tab and carriage return
# because some programs skip them before looking): OWASP's list for CSV injection.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value):
    """A text cell that a spreadsheet would run as a formula, prefixed with ' so it is shown as
    typed; every other value unchanged. Signal titles, usernames and audit details come from
    outside, so every CSV and XLSX the dashboard writes goes through this (inert())."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


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
