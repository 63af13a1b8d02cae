"""A bundle turned into integer arrays once, so each evaluation is only masks and counts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from triggers.bundle import Bundle

EPOCH = np.datetime64("1970-01-01", "D")


def to_day(value) -> int:
    """A date (str, date, Timestamp) as whole days since 1970-01-01."""
    return int((np.datetime64(pd.Timestamp(value).date(), "D") - EPOCH).astype(np.int64))


def from_day(day: int) -> str:
    return str(EPOCH + np.timedelta64(int(day), "D"))


@dataclass(frozen=True)
class Prepared:
    bundle: Bundle
    countries: np.ndarray  # ISO3 codes; a country's index is its position here
    sig_country: np.ndarray  # int32 index into countries, per signal
    sig_day: np.ndarray  # int64 days since epoch, per signal
    sig_concern: np.ndarray  # bool, per signal
    link_sig: np.ndarray  # int64 signal index, per distinct (signal, issuer)
    link_issuer: np.ndarray  # int64 issuer index, per link
    link_member: np.ndarray  # bool: the State is a member of the issuer on the signal's date
    issuer_kind: np.ndarray  # object, per issuer
    issuer_country: np.ndarray  # int32 index into countries, -1 if none or elsewhere
    issuer_accreditation: np.ndarray  # object
    issuer_scope: np.ndarray  # object
    issuer_name: np.ndarray  # object

    @property
    def n_countries(self) -> int:
        return len(self.countries)

    @property
    def n_signals(self) -> int:
        return len(self.sig_day)

    def link_same_country(self) -> np.ndarray:
        """Per link: the issuer is of the State the signal is about (NHRIs, national NGOs)."""
        return self.issuer_country[self.link_issuer] == self.sig_country[self.link_sig]


def prepare(bundle: Bundle, countries: list[str] | None = None) -> Prepared:
    """Index a bundle. `countries` adds States with no signals (they evaluate as clear)."""
    signals, issuers, links = bundle.signals, bundle.issuers, bundle.links
    codes = sorted(set(signals["country"]) | set(countries or []))
    country_index = pd.Index(codes)
    sig_country = country_index.get_indexer(signals["country"]).astype(np.int32)
    sig_day = (signals["date"].to_numpy().astype("datetime64[D]") - EPOCH).astype(np.int64)

    link_sig = pd.Index(signals["signal_id"]).get_indexer(links["signal_id"]).astype(np.int64)
    link_issuer = pd.Index(issuers["issuer_id"]).get_indexer(links["issuer_id"]).astype(np.int64)
    link_member = _membership(bundle, links, signals, link_sig)
    return Prepared(
        bundle=bundle,
        countries=np.asarray(codes, dtype=object),
        sig_country=sig_country,
        sig_day=sig_day,
        sig_concern=signals["concern"].to_numpy(dtype=bool),
        link_sig=link_sig,
        link_issuer=link_issuer,
        link_member=link_member,
        issuer_kind=issuers["kind"].to_numpy(dtype=object),
        issuer_country=country_index.get_indexer(issuers["country"].fillna("")).astype(np.int32),
        issuer_accreditation=issuers["accreditation"].fillna("").to_numpy(dtype=object),
        issuer_scope=issuers["scope"].fillna("").to_numpy(dtype=object),
        issuer_name=issuers["name"].to_numpy(dtype=object),
    )


def _membership(bundle: Bundle, links: pd.DataFrame, signals: pd.DataFrame,
                link_sig: np.ndarray) -> np.ndarray:
    """Per link: is the signal's State a member of the issuing organisation on that day?

    A membership period is [since, until): `until` is the first day the State is no longer a
    member (the effective date of a withdrawal, expulsion or suspension); empty ends are open.
    """
    member = np.zeros(len(links), dtype=bool)
    mem = bundle.memberships
    if mem.empty or links.empty:
        return member
    probe = pd.DataFrame({
        "link": np.arange(len(links)),
        "org_id": links["issuer_id"].to_numpy(),
        "country": signals["country"].to_numpy()[link_sig],
        "date": signals["date"].to_numpy()[link_sig],
    })
    hits = probe.merge(mem, on=["org_id", "country"], how="inner")
    inside = ((hits["since"].isna() | (hits["since"] <= hits["date"]))
              & (hits["until"].isna() | (hits["date"] < hits["until"])))
    member[hits.loc[inside, "link"].to_numpy()] = True
    return member
