"""The connectors and the HTTP client built from the settings, so that phase 2 (the fetch
command and its jobs) does not repeat which host needs which delay, or which setting names a
host in an error message.

Delays: ReliefWeb documents a daily quota (1,000 calls), not a rate; one request a second keeps
a full fetch well inside it. The Digital Library's robots.txt asks 5 s. The others publish
nothing found: 2 s, a polite default for sites that serve HTML to people.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from prevention.sources.http import HttpClient
from prevention.sources.regional import RegionalFeed, feeds
from prevention.sources.reliefweb import ReliefWebOhchr
from prevention.sources.sdg import Sdg16a1
from prevention.sources.settings import SourceSettings
from prevention.sources.spcomm_listing import SpCommLatest
from prevention.sources.undl import CRAWL_DELAY, UndlDataset

DEFAULT_DELAY = 2.0


def _host(url: str) -> str:
    return urlsplit(url).netloc


def client(settings: SourceSettings, **options) -> HttpClient:
    delays = {_host(settings.reliefweb_url): 1.0, _host(settings.undl_url): CRAWL_DELAY}
    names = {_host(settings.reliefweb_url): "PREVENTION_RELIEFWEB_URL",
             _host(settings.undl_url): "PREVENTION_UNDL_URL",
             _host(settings.spcomm_url): "PREVENTION_SPCOMM_URL",
             _host(settings.sdg_url): "PREVENTION_SDG_URL"}
    return HttpClient(settings.user_agent(), host_delays=delays, min_delay=DEFAULT_DELAY,
                      settings_for_host=names, **options)


def connectors(settings: SourceSettings) -> dict:
    """Every connector by source id. ReliefWeb is left out until an appname is set (it would
    only be refused)."""
    out = {
        "ohchr-spcomm-latest": SpCommLatest(settings.spcomm_url),
        "unsd-sdg-16a1": Sdg16a1(settings.sdg_url),
        "undl-sc-voting": UndlDataset(settings.undl_url, "SC"),
        "undl-ga-voting": UndlDataset(settings.undl_url, "GA"),
    }
    if settings.reliefweb_appname:
        out["reliefweb-ohchr"] = ReliefWebOhchr(settings.reliefweb_url,
                                                settings.reliefweb_appname)
    for cfg in feeds().values():
        feed = RegionalFeed(cfg)
        out[feed.source] = feed
    return out
