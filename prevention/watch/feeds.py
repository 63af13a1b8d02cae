"""An Atom feed (RFC 4287) per watchlist: one entry per State's current status and one per
recent signal about a listed State, each linking to its source.

Built with ElementTree so every title and summary is escaped text: a signal title that contains
markup reaches the feed reader as text, never as HTML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from urllib.parse import quote

import pandas as pd

from prevention.display.status import STATUS_MEANINGS
from prevention.display.text import web_url

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)
TAG_AUTHORITY = "prevention-dashboard"  # tag: URIs need an authority; ids stay stable across hosts


def _el(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    e = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        e.text = text
    return e


def _stamp(value) -> str:
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def watchlist_feed(name: str, share_token: str, statuses: pd.DataFrame, signals: pd.DataFrame,
                   *, base_url: str = "", as_of: str = "", synthetic: bool = False,
                   now: datetime | None = None) -> bytes:
    """The feed as UTF-8 XML.

    statuses: State, ISO3, Status, Criteria met, Status since, and optionally `status` (the
    code, for its meaning) and `criteria` (what each criterion could be judged on), as
    prevention.web.views.watch_table gives them.
    signals: signal_id, country, date, title, url, reference (newest first).
    """
    now = now or datetime.now(timezone.utc)
    mark = "[SYNTHETIC] " if synthetic else ""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _el(feed, "id", f"tag:{TAG_AUTHORITY},2026:watchlist/{quote(share_token)}")
    _el(feed, "title", f"{mark}Watchlist: {name}", type="text")
    _el(feed, "subtitle", "Prevention Dashboard: status of each State and the latest expressions "
                          f"of concern (as of {as_of}). The criteria are proposals States made, "
                          "not rules the Human Rights Council adopted.", type="text")
    _el(feed, "updated", _stamp(now))
    author = _el(feed, "author")
    _el(author, "name", "Prevention Dashboard")
    if base_url:
        _el(feed, "link", rel="alternate", href=f"{base_url.rstrip('/')}/watchlists?list={quote(share_token)}")
    _el(feed, "generator", "Prevention Dashboard")

    for r in statuses.to_dict("records"):
        state, code, status = r["State"], r["ISO3"], r["Status"]
        entry = _el(feed, "entry")
        _el(entry, "id", f"tag:{TAG_AUTHORITY},2026:status/{quote(share_token)}/{code}/{as_of}")
        _el(entry, "title", f"{mark}{state}: {status} ({r['Criteria met']} criteria met)", type="text")
        since = str(r["Status since"])
        updated = since if len(since) == 10 else (as_of or now)
        _el(entry, "updated", _stamp(updated))
        # A reader of the feed never sees the page: the entry says what the status means and
        # which criteria the data could not judge, so "0 criteria met" is not read as "clear".
        meaning = STATUS_MEANINGS.get(str(r.get("status", "")))
        summary = (f"{state} ({code}) is {status} as of {as_of}"
                   + (f" ({meaning})" if meaning else "") + f"; status since {since}.")
        if r.get("criteria"):
            summary += f" {r['criteria']}"
        _el(entry, "summary", summary, type="text")
        if base_url:
            _el(entry, "link", rel="alternate",
                href=f"{base_url.rstrip('/')}/country?country={code}&as_of={as_of}")

    for r in signals.itertuples(index=False):
        entry = _el(feed, "entry")
        _el(entry, "id", f"tag:{TAG_AUTHORITY},2026:signal/{quote(str(r.signal_id), safe='')}")
        title = str(r.title or r.reference or r.signal_id)
        _el(entry, "title", f"{mark}{r.country}: {title}", type="text")
        _el(entry, "updated", _stamp(r.date))
        summary = f"{pd.Timestamp(r.date).date().isoformat()} · {r.reference}".strip(" ·")
        link = web_url(r.url)
        if r.url and link is None:  # a feed reader would follow javascript: or data: links
            summary += f" · source (not a web address, so not linked): {r.url}"
        _el(entry, "summary", summary, type="text")
        if link:
            _el(entry, "link", rel="alternate", href=link)
        _el(entry, "category", term=str(r.country))

    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
