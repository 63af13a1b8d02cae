"""A bundle turned into integer arrays once, so each evaluation is only masks and counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from triggers.bundle import Bundle
from triggers.coverage import PreparedCoverage, prepare_coverage

EPOCH = np.datetime64("1970-01-01", "D")


def to_day(value) -> int:
    """A date (str, date, Timestamp) as whole days since 1970-01-01."""
    return int((np.datetime64(pd.Timestamp(value).date(), "D") - EPOCH).astype(np.int64))


@lru_cache(maxsize=1 << 16)
def from_day(day: int) -> str:
    # Cached: a sentence names several dates, an evaluation writes about a thousand sentences.
    return str(EPOCH + np.timedelta64(int(day), "D"))


@dataclass(frozen=True)
class Prepared:
    bundle: Bundle
    countries: np.ndarray  # ISO3 codes; a country's index is its position here
    sig_country: np.ndarray  # int32 index into countries, per signal
    sig_day: np.ndarray  # int64 days since epoch, per signal
    sig_concern: np.ndarray  # bool, per signal
    sig_category: np.ndarray  # object, per signal ("" when the source gives none)
    link_sig: np.ndarray  # int64 signal index, per distinct (signal, issuer)
    link_issuer: np.ndarray  # int64 issuer index, per link
    link_member: np.ndarray  # bool: the State is a member of the issuer on the signal's date
    issuer_kind: np.ndarray  # object, per issuer
    issuer_country: np.ndarray  # int32 index into countries, -1 if none or elsewhere
    issuer_accreditation: np.ndarray  # object: the issuer's status today (issuers.csv)
    # object per link: the issuer's status on the signal's date (accreditations.csv, else the
    # issuer's column): NHRIs and NGOs are accredited, reviewed and downgraded over time.
    link_accreditation: np.ndarray
    issuer_scope: np.ndarray  # object
    issuer_name: np.ndarray  # object
    coverage: PreparedCoverage | None  # None: no coverage rows, complete everywhere
    # Per-criterion Features, which depend on the criterion but not on the day: computed
    # once per Prepared, so re-evaluating on each slider move costs only the day's masks.
    feature_cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_countries(self) -> int:
        return len(self.countries)

    @property
    def n_signals(self) -> int:
        return len(self.sig_day)

    def link_same_country(self) -> np.ndarray:
        """Per link: the issuer is of the State the signal is about (NHRIs, national NGOs)."""
        return self.issuer_country[self.link_issuer] == self.sig_country[self.link_sig]

    # Looked up only for the few signals a sentence cites, so held as numpy object arrays
    # (positional) rather than read cell by cell from the frame.
    @cached_property
    def signal_ids(self) -> np.ndarray:
        return self.bundle.signals["signal_id"].to_numpy(dtype=object)

    @cached_property
    def signal_references(self) -> np.ndarray:
        return self.bundle.signals["reference"].to_numpy(dtype=object)

    @cached_property
    def signal_titles(self) -> np.ndarray:
        return self.bundle.signals["title"].to_numpy(dtype=object)

    @cached_property
    def links_by_signal(self) -> tuple[np.ndarray, np.ndarray]:
        return group_index(self.link_sig, self.n_signals)

    def links_of(self, signals: np.ndarray) -> np.ndarray:
        """Indices of the links of the given signals."""
        return group_members(*self.links_by_signal, signals)


def group_index(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(order, starts): the rows with key k are order[starts[k]:starts[k + 1]], k in 0..n-1."""
    order = np.argsort(keys, kind="stable")
    return order, np.searchsorted(keys[order], np.arange(n + 1))


def group_members(order: np.ndarray, starts: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The rows of every key in `keys`, without scanning the rows of other keys."""
    keys = np.asarray(keys, dtype=np.int64)
    lo = starts[keys]
    size = starts[keys + 1] - lo
    total = int(size.sum())
    if total == 0:
        return order[:0]
    shift = np.repeat(lo - (np.cumsum(size) - size), size)
    return order[shift + np.arange(total)]


def positions(keys, values) -> np.ndarray:
    """Position of each value among the unique `keys` (-1 if absent): Index.get_indexer.

    One factorize of keys and values together: for pandas' Arrow-backed strings it hashes
    natively, where Index.get_indexer converts a million strings one by one (10x slower).
    """
    keys = pd.Series(keys, copy=False).reset_index(drop=True)
    values = pd.Series(values, copy=False).reset_index(drop=True)
    n = len(keys)
    codes, _ = pd.factorize(pd.concat([keys, values], ignore_index=True), use_na_sentinel=False)
    if not np.array_equal(codes[:n], np.arange(n)):  # repeated keys: let pandas decide
        return pd.Index(keys).get_indexer(values)
    found = codes[n:]
    return np.where(found < n, found, -1)


def _link_signals(signal_ids: pd.Series, link_ids: pd.Series) -> np.ndarray:
    """Signal position of each link. read_bundle lists links signal by signal in signal order;
    then the runs of equal ids in the links are the signals themselves, which two vectorised
    comparisons confirm, without hashing a million ids. Any other order goes through positions.
    """
    sig = signal_ids.reset_index(drop=True)
    ids = link_ids.reset_index(drop=True)
    if len(ids) and len(sig):
        change = np.ones(len(ids), dtype=bool)
        change[1:] = (ids.iloc[1:].reset_index(drop=True) != ids.iloc[:-1].reset_index(drop=True)).to_numpy()
        if int(change.sum()) == len(sig) and bool((ids[change].reset_index(drop=True) == sig).all()):
            return np.cumsum(change) - 1
    return positions(sig, ids).astype(np.int64)


def prepare(bundle: Bundle, countries: list[str] | None = None) -> Prepared:
    """Index a bundle. `countries` adds States with no signals (they evaluate as clear)."""
    signals, issuers, links = bundle.signals, bundle.issuers, bundle.links
    codes = sorted(set(pd.unique(signals["country"])) | set(countries or []))
    sig_country = positions(codes, signals["country"]).astype(np.int32)
    sig_day = (signals["date"].to_numpy().astype("datetime64[D]") - EPOCH).astype(np.int64)

    link_sig = _link_signals(signals["signal_id"], links["signal_id"])
    link_issuer = positions(issuers["issuer_id"], links["issuer_id"]).astype(np.int64)
    link_member = _membership(bundle, codes, sig_country, sig_day, link_sig, link_issuer)
    issuer_accreditation = issuers["accreditation"].fillna("").to_numpy(dtype=object)
    link_accreditation = _accreditation_on_signal_day(bundle, issuer_accreditation, sig_day,
                                                     link_sig, link_issuer)
    return Prepared(
        bundle=bundle,
        countries=np.asarray(codes, dtype=object),
        sig_country=sig_country,
        sig_day=sig_day,
        sig_concern=signals["concern"].to_numpy(dtype=bool),
        sig_category=(signals["category"].fillna("").to_numpy(dtype=object)
                      if "category" in signals.columns else np.full(len(signals), "", dtype=object)),
        link_sig=link_sig,
        link_issuer=link_issuer,
        link_member=link_member,
        issuer_kind=issuers["kind"].to_numpy(dtype=object),
        issuer_country=positions(codes, issuers["country"].fillna("")).astype(np.int32),
        issuer_accreditation=issuer_accreditation,
        link_accreditation=link_accreditation,
        issuer_scope=issuers["scope"].fillna("").to_numpy(dtype=object),
        issuer_name=issuers["name"].to_numpy(dtype=object),
        coverage=prepare_coverage(bundle.coverage, codes, EPOCH),
    )


def _membership(bundle: Bundle, codes: list[str], sig_country: np.ndarray, sig_day: np.ndarray,
                link_sig: np.ndarray, link_issuer: np.ndarray) -> np.ndarray:
    """Per link: is the signal's State a member of the issuing organisation on that day?

    A membership period is [since, until): `until` is the first day the State is no longer a
    member (the effective date of a withdrawal, expulsion or suspension); empty ends are open.
    """
    member = np.zeros(len(link_sig), dtype=bool)
    mem = bundle.memberships
    if mem.empty or len(link_sig) == 0:
        return member
    # Matched on integer codes: an organisation or country the bundle does not know gets -1
    # and matches no link, as a string that equals no issuer id or signal country would.
    org = positions(bundle.issuers["issuer_id"], mem["org_id"])
    country = positions(codes, mem["country"])
    known = (org >= 0) & (country >= 0)
    since = _days_or(mem["since"], np.iinfo(np.int64).min)[known]
    until = _days_or(mem["until"], np.iinfo(np.int64).max)[known]
    n_c = len(codes) + 1
    key = org[known].astype(np.int64) * n_c + country[known]
    # Only links from an organisation with memberships can match; the rest stay False.
    candidate = np.flatnonzero(np.isin(link_issuer, np.unique(org[known])))
    probe = pd.DataFrame({"link": candidate,
                          "key": link_issuer[candidate] * n_c + sig_country[link_sig[candidate]],
                          "day": sig_day[link_sig[candidate]]})
    hits = probe.merge(pd.DataFrame({"key": key, "since": since, "until": until}), on="key")
    inside = (hits["since"] <= hits["day"]) & (hits["day"] < hits["until"])
    member[hits.loc[inside, "link"].to_numpy()] = True
    return member


def _accreditation_on_signal_day(bundle: Bundle, current: np.ndarray, sig_day: np.ndarray,
                                 link_sig: np.ndarray, link_issuer: np.ndarray) -> np.ndarray:
    """Per link: the issuer's accreditation on the signal's date. An issuer with history rows
    has the status of the row with since <= date < until ("none" outside every row); the
    others keep their current status."""
    out = current[link_issuer] if len(link_issuer) else np.zeros(0, dtype=object)
    hist = bundle.accreditations
    if hist is None or hist.empty or len(link_issuer) == 0:
        return out
    issuer = positions(bundle.issuers["issuer_id"], hist["issuer_id"])
    known = issuer >= 0
    if not known.any():
        return out
    since = _days_or(hist["since"], np.iinfo(np.int64).min)[known]
    until = _days_or(hist["until"], np.iinfo(np.int64).max)[known]
    status = hist["status"].to_numpy(dtype=object)[known]
    issuer = issuer[known].astype(np.int64)
    with_history = np.flatnonzero(np.isin(link_issuer, np.unique(issuer)))
    out = out.copy()
    out[with_history] = "none"
    probe = pd.DataFrame({"link": with_history, "issuer": link_issuer[with_history],
                          "day": sig_day[link_sig[with_history]]})
    hits = probe.merge(pd.DataFrame({"issuer": issuer, "since": since, "until": until,
                                     "status": status, "order": np.arange(len(issuer))}),
                       on="issuer")
    hits = hits[(hits["since"] <= hits["day"]) & (hits["day"] < hits["until"])]
    # Overlapping rows: the latest that began wins (a review supersedes the one before); on
    # the same day, the later row of the file.
    hits = hits.sort_values(["link", "since", "order"]).drop_duplicates("link", keep="last")
    out[hits["link"].to_numpy()] = hits["status"].to_numpy(dtype=object)
    return out


def _days_or(dates: pd.Series, missing: int) -> np.ndarray:
    """Whole days since the epoch; an empty (NaT) end becomes `missing` (an open end)."""
    values = dates.to_numpy().astype("datetime64[D]")
    out = (values - EPOCH).astype(np.int64)
    return np.where(np.isnat(values), missing, out)
