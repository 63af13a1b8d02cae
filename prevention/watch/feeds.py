"""Atom feeds (RFC 4287), built with feedgen and served live (prevention/web/feed_routes.py):

- a watchlist's feed, /feeds/watchlist/<token>.atom: one entry per status change of a listed
  State and one per new signal about one, each linking to the Country page and the source;
- the monthly What changed feed, /feeds/changes.atom: one entry per month.

Every feed has a `self` link (its own address, which a feed reader subscribes to) and an
`alternate` link (the page it mirrors). Titles and summaries are text, never HTML: a signal
title that contains markup reaches the reader as the characters it is. Pure: records in,
bytes out.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import quote, urlencode

import pandas as pd
from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from prevention.display.status import STATUS_MEANINGS, status_label
from prevention.display.text import web_url
from prevention.watch.changes import Change, MonthDigest, signal_rows

TAG = "tag:prevention-dashboard,2026:"  # tag: URIs need an authority; ids stay stable across hosts
CAVEAT = ("The criteria are proposals States made, not rules the Human Rights Council adopted.")
# XML 1.0 cannot hold most control characters; text from outside may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Entry(FeedEntry):
    """feedgen 1.0.0 writes an entry's links without their rel, type and title (the loop
    variable shadows the stored link, tests/ui/test_feeds_exports.py shows it): a related link
    would read as the entry's alternate. The attributes are put back on the written element."""

    def atom_entry(self, extensions=True):
        entry = super().atom_entry(extensions)
        written = [e for e in entry if isinstance(e.tag, str) and e.tag.rsplit("}", 1)[-1] == "link"]
        for element, link in zip(written, self._FeedEntry__atom_link or []):
            for key in ("rel", "type", "hreflang", "title", "length"):
                if link.get(key):
                    element.attrib[key] = str(link[key])
        return entry


def xml_text(value) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def _when(value) -> datetime:
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


def country_link(base_url: str, code: str, rules: str, as_of: str) -> str:
    """The Country page of a State under a rule set as of a day."""
    return f"{base_url.rstrip('/')}/country?" + urlencode({"country": code, "rules": rules,
                                                          "as_of": as_of})


def _feed(feed_id: str, title: str, subtitle: str, self_url: str, page_url: str,
          now: datetime) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(xml_text(title))
    fg.subtitle(xml_text(subtitle))
    fg.author({"name": "Prevention Dashboard"})
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=page_url, rel="alternate", type="text/html")
    fg.generator("Prevention Dashboard")
    fg.updated(now)
    return fg


def _signal_line(r) -> str:
    day = pd.Timestamp(r.date).date().isoformat() if not pd.isna(r.date) else ""
    text = " · ".join(p for p in (day, xml_text(r.reference), xml_text(r.title)[:160]) if p)
    if r.url and web_url(r.url) is None:  # a feed reader would follow javascript: or data: links
        text += f" (source, not a web address: {xml_text(r.url)})"
    elif r.url:
        text += f" <{r.url}>"
    return text


def change_summary(change: Change, name: str, signals: pd.DataFrame) -> str:
    """What a feed or an e-mail says about one change, in plain text."""
    meaning = STATUS_MEANINGS.get(change.after, "")
    text = (f"{name} ({change.country}) became {status_label(change.after)} on {change.day}"
            + (f" ({meaning})" if meaning else "") + f", from {status_label(change.before)}.")
    if change.moves:
        text += " What moved it: " + "; ".join(m.words() for m in change.moves) + "."
    rows = signal_rows(signals, change.signals)
    if len(rows):
        text += " Signals: " + "; ".join(_signal_line(r) for r in rows.itertuples(index=False)) + "."
    return text


def _change_entry(fg: FeedGenerator, change: Change, name: str, signals: pd.DataFrame,
                  base_url: str, rules_param: str, mark: str) -> None:
    fe = fg.add_entry(_Entry(), order="append")
    fe.id(f"{TAG}status/{quote(rules_param, safe='')}/{change.country}/{change.day}/{change.after}")
    fe.title(xml_text(f"{mark}{name}: {status_label(change.before)} → "
                      f"{status_label(change.after)} ({change.day})"))
    fe.updated(_when(change.day))
    fe.published(_when(change.day))
    fe.summary(xml_text(change_summary(change, name, signals)))
    fe.link(href=country_link(base_url, change.country, rules_param, change.day), rel="alternate",
            type="text/html")
    for r in signal_rows(signals, change.signals).head(5).itertuples(index=False):
        link = web_url(r.url)
        if link:
            label = xml_text(r.reference or r.title)[:200]
            fe.link(**({"href": link, "rel": "related"} | ({"title": label} if label else {})))
    fe.category(term=change.country)
    fe.category(term=change.after)


def _signal_entry(fg: FeedGenerator, r, names: dict, base_url: str, rules_param: str,
                  mark: str) -> None:
    fe = fg.add_entry(_Entry(), order="append")
    fe.id(f"{TAG}signal/{quote(str(r.signal_id), safe='')}")
    title = xml_text(r.title or r.reference or r.signal_id)
    fe.title(f"{mark}{names.get(r.country, r.country)}: {title}")
    day = pd.Timestamp(r.date).date().isoformat()
    stamp = getattr(r, "imported_at", None)
    fe.published(_when(r.date))
    fe.updated(_when(stamp) if stamp is not None and not pd.isna(stamp) else _when(r.date))
    summary = f"Statement dated {day}" + (f" · {xml_text(r.reference)}" if r.reference else "")
    if stamp is not None and not pd.isna(stamp):
        summary += f" · stored {pd.Timestamp(stamp):%Y-%m-%d %H:%M} UTC"
    link = web_url(r.url)
    if r.url and link is None:
        summary += f" · source (not a web address, so not linked): {xml_text(r.url)}"
    fe.summary(summary)
    page = country_link(base_url, r.country, rules_param, day)
    if link:
        fe.link(href=link, rel="alternate", type="text/html")
        fe.link(href=page, rel="related", type="text/html", title="Country page")
    else:  # no web source: the entry opens the Country page, which lists the signal
        fe.link(href=page, rel="alternate", type="text/html", title="Country page")
    fe.category(term=str(r.country))


def watchlist_feed(name: str, watchlist_id: int, changes: list[Change], signals: pd.DataFrame,
                   names: dict, *, self_url: str, page_url: str, base_url: str,
                   rules_param: str, rules_title: str, all_signals: pd.DataFrame | None = None,
                   synthetic: bool = False, now: datetime | None = None) -> bytes:
    """A watchlist's feed as UTF-8 XML, newest entries first.

    changes: the listed States' status changes (prevention.watch.changes.changes).
    signals: the new signals about them: signal_id, country, date, title, url, reference and
    optionally imported_at. all_signals: the bundle's signals, to describe the ones that moved
    a status (default: `signals`). names: ISO3 -> the State's name.
    """
    now = now or datetime.now(timezone.utc)
    mark = "[SYNTHETIC] " if synthetic else ""
    lookup = all_signals if all_signals is not None else signals
    fg = _feed(f"{TAG}watchlist/{watchlist_id}", f"{mark}Watchlist: {name}",
               f"Prevention Dashboard: status changes under {rules_title} and new expressions of "
               f"concern about the States on this list. {CAVEAT}", self_url, page_url, now)
    items: list[tuple[datetime, int, object]] = []
    for c in changes:
        items.append((_when(c.day), 0, c))
    for r in signals.itertuples(index=False):
        stamp = getattr(r, "imported_at", None)
        items.append((_when(stamp if stamp is not None and not pd.isna(stamp) else r.date), 1, r))
    items.sort(key=lambda x: (x[0], -x[1]), reverse=True)
    for _, kind, item in items:
        if kind == 0:
            _change_entry(fg, item, names.get(item.country, item.country), lookup, base_url,
                          rules_param, mark)
        else:
            _signal_entry(fg, item, names, base_url, rules_param, mark)
    return fg.atom_str(pretty=True)


def digest_text(digest: MonthDigest, names: dict, signals: pd.DataFrame) -> str:
    """A month's digest as plain text: entered and left, per followed status."""
    from prevention.watch.changes import FOLLOWED

    if not digest.changes:
        return (f"No State entered or left triggered, watch or undetermined from {digest.start} "
                f"to {digest.end}.")
    parts = []
    for status in FOLLOWED:
        for word, picked in (("Entered", digest.entered(status)), ("Left", digest.left(status))):
            if picked:
                parts.append(f"{word} {status}: " + "; ".join(
                    f"{names.get(c.country, c.country)} on {c.day}"
                    + (f" ({c.moves[0].words()})" if c.moves else "") for c in picked) + ".")
    return " ".join(parts)


def changes_feed(digests: list[MonthDigest], names: dict, signals: pd.DataFrame, *,
                 self_url: str, page_url: str, base_url: str, rules_param: str,
                 rules_title: str, synthetic: bool = False, now: datetime | None = None) -> bytes:
    """The What changed feed: one entry per month (newest first), linking to that month's
    digest page; each change's Country page and sources are in its summary."""
    now = now or datetime.now(timezone.utc)
    mark = "[SYNTHETIC] " if synthetic else ""
    fg = _feed(f"{TAG}changes/{quote(rules_param, safe='')}", f"{mark}What changed, month by month",
               f"Prevention Dashboard: States that entered or left triggered, watch or "
               f"undetermined each month under {rules_title}. {CAVEAT}", self_url, page_url, now)
    for d in sorted(digests, key=lambda d: d.month, reverse=True):
        fe = fg.add_entry(_Entry(), order="append")
        fe.id(f"{TAG}changes/{quote(rules_param, safe='')}/{d.month}")
        n = len(d.countries)
        fe.title(f"{mark}{d.month}: {n} State{'s' if n != 1 else ''} changed status")
        fe.updated(_when(d.end))
        fe.published(_when(d.start))
        fe.summary(xml_text(digest_text(d, names, signals)))
        fe.link(href=f"{page_url}{'&' if '?' in page_url else '?'}month={d.month}", rel="alternate",
                type="text/html")
        for c in d.changes[:20]:
            fe.link(href=country_link(base_url, c.country, rules_param, c.day), rel="related",
                    type="text/html", title=f"{names.get(c.country, c.country)} on {c.day}")
    return fg.atom_str(pretty=True)
