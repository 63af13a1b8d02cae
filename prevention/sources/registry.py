"""The connectors and the HTTP client built from the settings, so that the fetch command, the
Data page and the timer do not repeat which host needs which delay, which setting names a host
in an error message, or which setting a source still needs.

Delays: ReliefWeb documents a daily quota (1,000 calls), not a rate; one request a second keeps
a full fetch well inside it. The Digital Library's robots.txt asks 5 s. The others publish
nothing found: 2 s, a polite default for sites that serve HTML to people.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from prevention.sources import reliefweb, sdg, spcomm_listing, undl
from prevention.sources.http import HttpClient, Response
from prevention.sources.importers.base import ParsedImport
from prevention.sources.regional import RegionalFeed, feeds, parse_feed
from prevention.sources.reliefweb import ReliefWebOhchr
from prevention.sources.sdg import Sdg16a1
from prevention.sources.spcomm_listing import SpCommLatest
from prevention.sources.undl import CRAWL_DELAY, HrcResolutions, UndlDataset
from prevention.storage.settings import Settings

DEFAULT_DELAY = 2.0
HRC = HrcResolutions.source


def _host(url: str) -> str:
    return urlsplit(url).netloc


def client(settings: Settings, **options) -> HttpClient:
    delays = {_host(settings.reliefweb_url): 1.0, _host(settings.undl_url): CRAWL_DELAY}
    names = {_host(settings.reliefweb_url): "PREVENTION_RELIEFWEB_URL",
             _host(settings.undl_url): "PREVENTION_UNDL_URL",
             _host(settings.spcomm_url): "PREVENTION_SPCOMM_URL",
             _host(settings.sdg_url): "PREVENTION_SDG_URL"}
    return HttpClient(settings.user_agent(), host_delays=delays, min_delay=DEFAULT_DELAY,
                      settings_for_host=names, **options)


def connectors(settings: Settings) -> dict:
    """Every connector that can run with these settings, by source id. ReliefWeb waits for an
    appname and the HRC resolutions for the Library's approval (see `unavailable`): either
    would only be refused."""
    out = {
        "ohchr-spcomm-latest": SpCommLatest(settings.spcomm_url),
        "unsd-sdg-16a1": Sdg16a1(settings.sdg_url),
        "undl-sc-voting": UndlDataset(settings.undl_url, "SC"),
        "undl-ga-voting": UndlDataset(settings.undl_url, "GA"),
    }
    if settings.reliefweb_appname:
        out[reliefweb.SOURCE] = ReliefWebOhchr(settings.reliefweb_url,
                                               settings.reliefweb_appname)
    if settings.undl_search_approved:
        out[HRC] = HrcResolutions(settings.undl_url, approved=True)
    for cfg in feeds().values():
        feed = RegionalFeed(cfg)
        out[feed.source] = feed
    return out


def unavailable(settings: Settings) -> dict[str, str]:
    """Sources that need a setting first: source id -> which setting and how to get it."""
    out = {}
    if not settings.reliefweb_appname:
        out[reliefweb.SOURCE] = (
            "needs the setting PREVENTION_RELIEFWEB_APPNAME: an appname ReliefWeb approved "
            "(request one at https://apidoc.reliefweb.int/parameters)")
    if not settings.undl_search_approved:
        out[HRC] = ("needs the setting PREVENTION_UNDL_SEARCH_APPROVED=true, once the UN Digital "
                    "Library has approved automated downloading from its search (its terms ask "
                    "for it; robots.txt disallows /search)")
    return out


def source_ids(settings: Settings) -> list[str]:
    """Every source id, runnable or not, in a stable order."""
    return sorted(set(connectors(settings)) | set(unavailable(settings)))


def parser(source: str) -> Callable[[Response], ParsedImport]:
    """The parser of one source's responses, without any setting: `reparse` reads the archive
    of a source whose appname or approval may since have been withdrawn."""
    fixed = {reliefweb.SOURCE: reliefweb.parse_response,
             spcomm_listing.SOURCE: spcomm_listing.parse_listing,
             sdg.SOURCE: sdg.parse_response,
             HRC: undl.parse_marcxml}
    if source in fixed:
        return fixed[source]
    for body in undl.DATASETS:
        dataset = UndlDataset("", body)
        if dataset.source == source:
            return dataset.parse
    for cfg in feeds().values():
        if f"feed-{cfg.org_id}" == source:
            return lambda response, cfg=cfg: parse_feed(response, cfg)
    raise KeyError(source)
