"""Whose data each source is, how to attribute it and on which terms (docs/connectors.md says
where each line comes from). The About page shows this table; `fetch --list` names the provider.

Where the terms were not read (no stored copy of the page), the row says so instead of guessing:
the operator checks them before publishing anything built on the source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from prevention.sources.regional import feeds

NOT_READ = "not read (no copy was available offline): check them before publishing"


@dataclass(frozen=True)
class Terms:
    provider: str
    copyright: str
    attribution: str
    non_commercial: str  # "yes", "no" or "not stated"
    terms: str           # where the terms are
    note: str = ""


UNDL_TERMS = ("https://digitallibrary.un.org/pages/?ln=en&page=tos; "
              "https://www.un.org/en/about-us/terms-of-use")

TERMS: dict[str, Terms] = {
    "reliefweb-ohchr": Terms(
        provider="OHCHR news releases, through ReliefWeb (UN OCHA)",
        copyright="each source keeps its copyright: OHCHR for its releases",
        attribution="OHCHR as the author, ReliefWeb as the channel; link to the publisher's page "
                    "(each signal's link)",
        non_commercial="not stated",
        terms=f"ReliefWeb API terms of service, https://apidoc.reliefweb.int: {NOT_READ}",
        note="the appname must be approved by ReliefWeb (PREVENTION_RELIEFWEB_APPNAME)"),
    "ohchr-spcomm-latest": Terms(
        provider="OHCHR, Special Procedures communications (spcommreports.ohchr.org)",
        copyright="OHCHR",
        attribution="cite OHCHR as the source of the communications; link to each letter",
        non_commercial="not stated",
        terms="no terms of use found for the communications site"),
    "undl-sc-voting": Terms(
        provider="United Nations Dag Hammarskjöld Library, Security Council Voting Data "
                 "(record 4055387)",
        copyright="Copyright, United Nations",
        attribution="\"United Nations Dag Hammarskjöld Library, Security Council Voting Data, "
                    "United Nations, 2025, downloaded from "
                    "https://digitallibrary.un.org/record/4055387, [download date]\"",
        non_commercial="yes: non-commercial use with attribution",
        terms=UNDL_TERMS),
    "undl-ga-voting": Terms(
        provider="United Nations Dag Hammarskjöld Library, General Assembly Voting Data "
                 "(record 4060887)",
        copyright="Copyright, United Nations",
        attribution="\"United Nations Dag Hammarskjöld Library, General Assembly Voting Data, "
                    "United Nations, downloaded from https://digitallibrary.un.org/record/"
                    "4060887, [download date]\"",
        non_commercial="yes: non-commercial use with attribution",
        terms=UNDL_TERMS),
    "undl-hrc-resolutions": Terms(
        provider="United Nations Digital Library, Human Rights Council resolutions (search "
                 "export)",
        copyright="Copyright, United Nations",
        attribution="the Dag Hammarskjöld Library; link to each record",
        non_commercial="yes: non-commercial use with attribution",
        terms=UNDL_TERMS,
        note="automated downloading from the search needs the Library's approval "
             "(PREVENTION_UNDL_SEARCH_APPROVED)"),
    "unsd-sdg-16a1": Terms(
        provider="UN Statistics Division, SDG Global Database, indicator 16.a.1 (source of the "
                 "data: GANHRI)",
        copyright="United Nations",
        attribution="UN Statistics Division, SDG Global Database, indicator 16.a.1 (GANHRI)",
        non_commercial="not stated",
        terms=f"https://www.un.org/en/about-us/terms-of-use: {NOT_READ}"),
}


def terms_for(source: str) -> Terms:
    if source in TERMS:
        return TERMS[source]
    org = source.removeprefix("feed-")
    cfg = feeds().get(org)
    if cfg is None:
        raise KeyError(source)
    return Terms(provider=cfg.issuer_name, copyright=cfg.issuer_name,
                 attribution=f"{cfg.issuer_name}; link to each statement",
                 non_commercial="not stated",
                 terms=f"the terms of {cfg.url.split('/')[2]}: {NOT_READ}",
                 note="" if cfg.confirmed in ("", "no") else cfg.confirmed)


TERMS_COLUMNS = ["Source", "Provider", "Copyright", "Attribution", "Non-commercial only",
                 "Terms", "Note"]


def terms_table(sources: list[str] | None = None) -> pd.DataFrame:
    """One row per source, for the About page."""
    ids = sources if sources is not None else [*TERMS, *(f"feed-{o}" for o in feeds())]
    rows = []
    for source in ids:
        t = asdict(terms_for(source))
        rows.append([source, t["provider"], t["copyright"], t["attribution"],
                     t["non_commercial"], t["terms"], t["note"]])
    return pd.DataFrame(rows, columns=TERMS_COLUMNS)
