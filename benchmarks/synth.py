"""A seeded synthetic signal bundle at any size, for benchmarks and load tests.

`make_bundle(n_signals)` returns a validated `triggers.bundle.Bundle` whose frames have the
same dtypes and row order `read_bundle` produces, built with numpy (no per-row Python), so a
million signals take seconds. Everything in it is invented: every title starts "[SYNTHETIC]".

The mix imitates the real sources in the domain brief closely enough that every criterion of
every shipped rule set is exercised, and that the timeline has real structure (clear, watch and
triggered days, episodes that start and end):

- 58 Special Procedures mandates; communications of 1-15 mandates, skewed to small groups,
  with OHCHR-style references (`JAL SYR 3/2021`);
- the High Commissioner, the Secretary-General, the General Assembly, the Security Council;
- 15 regional organisations with memberships, some with `since`/`until` periods (joining late,
  leaving, a suspension and readmission), and statements about non-members too;
- one NHRI per country (A/B/C/none), national NGOs per country and international NGOs, with
  ECOSOC statuses general/special/roster/none; some "other" voices;
- about 6% of signals are not expressions of concern (`concern` false).

Dates cluster in crisis bursts per country (a burst is a period of intense and broad concern)
over a quieter background. Strong voices (the ones the Glion III criteria count) are rare in the
background, scaled by its density, so that even a million signals leave clear periods.

    python -m benchmarks.synth OUT_DIR --signals 100000 [--countries 193] [--years 20] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

from triggers.bundle import ISSUER_COLUMNS, SIGNAL_COLUMNS, Bundle, write_bundle

N_SP = 58
N_REGIONAL = 15
N_REGIONS = 6
NGOS_PER_COUNTRY = 10
N_INTL_NGOS = 300
N_OTHER = 20
CONCERN_FALSE = 0.06
BURST_SHARE = 0.45  # share of signals that fall inside crisis bursts
# Expected strong (trigger-relevant) background signals per country-year at average density.
BACKGROUND_STRONG_PER_YEAR = 0.25

# Signal categories: what kind of voice spoke, and how.
CATS = ["hc", "sg", "ga", "sc", "ro_member", "ro_other", "sp_small", "sp_big",
        "nhri_ngos", "ngo", "nhri", "other"]
C = {name: i for i, name in enumerate(CATS)}
LABELS = np.array([
    "Statement of the High Commissioner", "Statement of the Secretary-General",
    "General Assembly resolution", "Security Council press statement",
    "Regional organisation communique", "Regional organisation communique",
    "Special Procedures communication", "Joint communication of Special Procedures",
    "Joint statement of the NHRI and NGOs", "NGO statement", "NHRI statement", "Statement",
], dtype=object)
BURST_MIX = {"hc": .06, "sg": .03, "ga": .01, "sc": .02, "ro_member": .05, "ro_other": .02,
             "sp_small": .28, "sp_big": .12, "nhri_ngos": .06, "ngo": .20, "nhri": .03,
             "other": .12}
BACKGROUND_WEAK = {"sg": .04, "ro_other": .05, "sp_small": .36, "ngo": .30, "nhri": .05,
                   "other": .20}
BACKGROUND_STRONG = {"hc": .25, "ga": .05, "sc": .10, "ro_member": .20, "sp_big": .30,
                     "nhri_ngos": .10}
NHRI_STATUS = (["A", "B", "C", "none"], [.45, .20, .05, .30])
NGO_STATUS = (["general", "special", "roster", "none"], [.05, .45, .20, .30])


def _mix(weights: dict[str, float]) -> np.ndarray:
    p = np.zeros(len(CATS))
    for name, w in weights.items():
        p[C[name]] = w
    return p / p.sum()


def _skewed_sizes(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    """Group sizes in [low, high] with P(k) ~ k^-1.6: joint letters are mostly small."""
    ks = np.arange(low, high + 1)
    p = ks ** -1.6
    return rng.choice(ks, size=n, p=p / p.sum())


def _str(values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=object), dtype="str")


def pick_countries(n: int, rng: np.random.Generator) -> np.ndarray:
    codes = np.array(sorted(c.alpha_3 for c in pycountry.countries), dtype=object)
    if n > len(codes):
        raise ValueError(f"at most {len(codes)} countries (ISO 3166-1 alpha-3 codes)")
    return np.sort(rng.choice(codes, size=n, replace=False))


def make_bundle(n_signals: int, n_countries: int = 193, years: int = 20, seed: int = 0,
                end: str = "2025-12-31") -> Bundle:
    """A deterministic synthetic bundle: same arguments, same frames."""
    if n_signals < 1:
        raise ValueError("n_signals must be at least 1")
    rng = np.random.default_rng(seed)
    countries = pick_countries(n_countries, rng)
    nc = len(countries)
    last = (np.datetime64(end, "D") - np.datetime64("1970-01-01", "D")).astype(np.int64)
    first = last - int(round(years * 365.25)) + 1
    span = last - first + 1

    # ---- issuers (ids chosen so that sorting by id keeps each group contiguous) ----------
    region = rng.integers(0, N_REGIONS, nc)
    ids, names, kinds, icountry, acc, scope = [], [], [], [], [], []

    def add(i, n, k, c="", a="", s=""):
        ids.append(np.asarray(i, dtype=object))
        names.append(np.asarray(n, dtype=object))
        cnt = len(ids[-1])
        kinds.append(np.full(cnt, k, dtype=object))
        for store, v in ((icountry, c), (acc, a), (scope, s)):
            store.append(np.asarray(v, dtype=object) if not isinstance(v, str)
                         else np.full(cnt, v, dtype=object))

    add(["un-hc"], ["UN High Commissioner for Human Rights (synthetic)"], "high_commissioner")
    add(["un-sg"], ["UN Secretary-General (synthetic)"], "secretary_general")
    add(["un-ga"], ["UN General Assembly (synthetic)"], "general_assembly")
    add(["un-sc"], ["UN Security Council (synthetic)"], "security_council")
    sp_ids = [f"sp-{i:02d}" for i in range(1, N_SP + 1)]
    add(sp_ids, [f"Special Procedures mandate {i:02d} (synthetic)" for i in range(1, N_SP + 1)],
        "sp_mandate")
    ro_ids = [f"ro-{i:02d}" for i in range(1, N_REGIONAL + 1)]
    add(ro_ids, [f"Regional organisation {i:02d} (synthetic)" for i in range(1, N_REGIONAL + 1)],
        "regional_org")
    add([f"nhri-{c}" for c in countries], [f"National human rights institution of {c} (synthetic)"
                                           for c in countries],
        "nhri", countries, rng.choice(NHRI_STATUS[0], nc, p=NHRI_STATUS[1]).astype(object))
    ngo_country = np.repeat(countries, NGOS_PER_COUNTRY)
    ngo_n = np.tile(np.arange(1, NGOS_PER_COUNTRY + 1), nc)
    add([f"ngo-{c}-{k:02d}" for c, k in zip(ngo_country, ngo_n)],
        [f"National NGO {k:02d} of {c} (synthetic)" for c, k in zip(ngo_country, ngo_n)],
        "ngo", ngo_country,
        rng.choice(NGO_STATUS[0], len(ngo_country), p=NGO_STATUS[1]).astype(object), "national")
    add([f"ngo-int-{i:03d}" for i in range(1, N_INTL_NGOS + 1)],
        [f"International NGO {i:03d} (synthetic)" for i in range(1, N_INTL_NGOS + 1)],
        "ngo", rng.choice(countries, N_INTL_NGOS),
        rng.choice(NGO_STATUS[0], N_INTL_NGOS, p=[.25, .45, .15, .15]).astype(object),
        "international")
    add([f"other-{i:02d}" for i in range(1, N_OTHER + 1)],
        [f"Other voice {i:02d} (synthetic)" for i in range(1, N_OTHER + 1)], "other")
    issuers = pd.DataFrame({
        "issuer_id": np.concatenate(ids), "name": np.concatenate(names),
        "kind": np.concatenate(kinds), "country": np.concatenate(icountry),
        "accreditation": np.concatenate(acc), "scope": np.concatenate(scope)})
    order = np.argsort(issuers["issuer_id"].to_numpy().astype(str), kind="stable")
    code_of = np.empty(len(order), dtype=np.int64)
    code_of[order] = np.arange(len(order))  # construction position -> sorted position
    issuers = issuers.iloc[order].reset_index(drop=True)
    issuers = issuers.astype({c: "str" for c in ISSUER_COLUMNS})[ISSUER_COLUMNS]
    pos = np.cumsum([0] + [len(a) for a in ids])
    hc, sg, ga, sc = (code_of[pos[i]] for i in range(4))
    sp_code = code_of[pos[4]:pos[5]]
    ro_code = code_of[pos[5]:pos[6]]
    nhri_code = code_of[pos[6]:pos[7]]
    ngo_code = code_of[pos[7]:pos[8]].reshape(nc, NGOS_PER_COUNTRY)
    intl_code = code_of[pos[8]:pos[9]]
    other_code = code_of[pos[9]:pos[10]]

    # ---- memberships: each organisation draws most of one region, a few from elsewhere ----
    org_region = np.arange(N_REGIONAL) % N_REGIONS
    p_in = np.where(region[None, :] == org_region[:, None], 0.8, 0.04)
    m_org, m_c = np.nonzero(rng.random((N_REGIONAL, nc)) < p_in)
    nm = len(m_org)
    since = np.full(nm, -1, dtype=np.int64)  # -1 = open end
    until = np.full(nm, -1, dtype=np.int64)
    fate = rng.random(nm)
    joined = fate < 0.10
    since[joined] = first + rng.integers(0, max(span - 400, 1), joined.sum())
    left = (fate >= 0.10) & (fate < 0.17)
    until[left] = first + rng.integers(min(365, span - 1), span, left.sum())
    both = (fate >= 0.17) & (fate < 0.20)
    since[both] = first + rng.integers(0, max(span // 2, 1), both.sum())
    until[both] = since[both] + rng.integers(1, max(span // 2, 2), both.sum())
    suspended = (fate >= 0.20) & (fate < 0.24)  # suspended, then readmitted: two periods
    s_from = first + rng.integers(0, max(span - 1500, 1), suspended.sum())
    s_back = s_from + rng.integers(180, 1200, suspended.sum())
    until[suspended] = s_from
    mem_org = np.concatenate([m_org, m_org[suspended]])
    mem_c = np.concatenate([m_c, m_c[suspended]])
    since = np.concatenate([since, s_back])
    until = np.concatenate([until, np.full(suspended.sum(), -1)])
    memberships = _membership_frame(ro_ids, countries, mem_org, mem_c, since, until)

    # ---- signals: per-country intensity, crisis bursts, background ---------------------
    weight = rng.lognormal(0.0, 1.0, nc)
    weight /= weight.sum()
    n_burst = int(round(n_signals * BURST_SHARE))
    n_bg = n_signals - n_burst
    bursts_per = np.minimum(rng.poisson(1.0 + 2.0 * weight * nc), 8)
    b_country = np.repeat(np.arange(nc), bursts_per)
    nb = len(b_country)
    b_len = rng.integers(30, 400, nb)
    b_start = first + (rng.random(nb) * (span - b_len)).astype(np.int64)
    b_weight = rng.lognormal(0.0, 0.7, nb) * np.sqrt(b_len)
    if nb == 0 or n_burst == 0:
        n_bg, n_burst = n_signals, 0
    which = rng.choice(nb, n_burst, p=b_weight / b_weight.sum()) if n_burst else np.zeros(0, int)
    # Triangular within the burst: concern peaks in its middle.
    burst_day = b_start[which] + (rng.triangular(0, 0.5, 1, n_burst) * b_len[which]).astype(np.int64)
    bg_country = rng.choice(nc, n_bg, p=weight)
    bg_day = first + rng.integers(0, span, n_bg)
    per_country_year = n_bg / (nc * years)
    p_strong = min(0.04, BACKGROUND_STRONG_PER_YEAR / max(per_country_year, 1e-9))
    bg_mix = _mix(BACKGROUND_WEAK) * (1 - p_strong) + _mix(BACKGROUND_STRONG) * p_strong
    country = np.concatenate([b_country[which], bg_country]).astype(np.int64)
    day = np.concatenate([burst_day, bg_day])
    cat = np.concatenate([rng.choice(len(CATS), n_burst, p=_mix(BURST_MIX)),
                          rng.choice(len(CATS), n_bg, p=bg_mix)])
    # Signal ids follow the date order, so the frame is sorted as write/read_bundle sort it.
    order = np.argsort(day, kind="stable")
    country, day, cat = country[order], day[order], cat[order]
    n = n_signals
    concern = rng.random(n) >= CONCERN_FALSE

    # Regional statements about members need an organisation the State belongs to (at some
    # time: a statement outside the membership period is the case members_only must drop).
    mem_first_c = np.zeros(nc + 1, dtype=np.int64)
    mem_sorted = np.lexsort((mem_org, mem_c))
    np.add.at(mem_first_c, mem_c[mem_sorted] + 1, 1)
    mem_first_c = np.cumsum(mem_first_c)
    n_orgs_of = np.diff(mem_first_c)
    orphan = (cat == C["ro_member"]) & (n_orgs_of[country] == 0)
    cat[orphan] = C["ro_other"]

    links_sig, links_iss = [], []

    def link(sel_idx, codes):
        links_sig.append(sel_idx)
        links_iss.append(np.asarray(codes, dtype=np.int64))

    for name, code in (("hc", hc), ("sg", sg), ("ga", ga), ("sc", sc)):
        idx = np.flatnonzero(cat == C[name])
        link(idx, np.full(len(idx), code))
    idx = np.flatnonzero(cat == C["ro_member"])
    pick = mem_first_c[country[idx]] + (rng.random(len(idx)) * n_orgs_of[country[idx]]).astype(np.int64)
    link(idx, ro_code[mem_org[mem_sorted][pick]])
    # About a State that is not a member (never was): only members_only=false would count it.
    idx = np.flatnonzero(cat == C["ro_other"])
    ever = np.zeros((N_REGIONAL, nc), dtype=bool)
    ever[mem_org, mem_c] = True
    org = rng.integers(0, N_REGIONAL, len(idx))
    for _ in range(8):
        clash = ever[org, country[idx]]
        org[clash] = rng.integers(0, N_REGIONAL, clash.sum())
    link(idx, ro_code[org])
    sp_size = np.zeros(n, dtype=np.int64)
    for name, lo, hi in (("sp_small", 1, 3), ("sp_big", 4, 15)):
        idx = np.flatnonzero(cat == C[name])
        k = _skewed_sizes(rng, len(idx), lo, hi)
        sp_size[idx] = k
        rep = np.repeat(idx, k)
        # Drawn without replacement within a signal: a random offset and a stride coprime
        # with 58 walk k distinct mandates, so a group of k is exactly k mandates.
        offset = np.repeat(rng.integers(0, N_SP, len(idx)), k)
        stride = np.repeat(rng.choice([1, 3, 5, 7, 9, 11, 13, 15, 17], len(idx)), k)
        step = np.arange(len(rep)) - np.repeat(np.cumsum(k) - k, k)
        link(rep, sp_code[(offset + stride * step) % N_SP])
    idx = np.flatnonzero(cat == C["nhri_ngos"])
    link(idx, nhri_code[country[idx]])
    k = rng.integers(1, 7, len(idx))
    rep = np.repeat(idx, k)
    link(rep, ngo_code[country[rep], rng.integers(0, NGOS_PER_COUNTRY, len(rep))])
    idx = np.flatnonzero(cat == C["ngo"])
    k = _skewed_sizes(rng, len(idx), 1, 4)
    rep = np.repeat(idx, k)
    national = rng.random(len(rep)) < 0.7
    link(rep, np.where(national, ngo_code[country[rep], rng.integers(0, NGOS_PER_COUNTRY, len(rep))],
                       intl_code[rng.integers(0, N_INTL_NGOS, len(rep))]))
    idx = np.flatnonzero(cat == C["nhri"])
    link(idx, nhri_code[country[idx]])
    idx = np.flatnonzero(cat == C["other"])
    link(idx, other_code[rng.integers(0, N_OTHER, len(idx))])

    n_iss = len(issuers)
    pair = np.unique(np.concatenate(links_sig) * n_iss + np.concatenate(links_iss))
    l_sig, l_iss = pair // n_iss, pair % n_iss  # sorted by signal, then issuer id: read order

    width = max(7, len(str(n)))
    sid = np.char.add("syn-", np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)
    ccode = countries[country]
    dates = (np.datetime64("1970-01-01", "D") + day).astype("datetime64[ns]")
    reference = _sp_references(cat, sp_size, ccode, day, dates)
    title = pd.Series(LABELS[cat], dtype="str") + " on " + _str(ccode)
    title = "[SYNTHETIC] " + title.where(pd.Series(concern), title + " (no concern expressed)")
    signals = pd.DataFrame({
        "signal_id": _str(sid), "date": dates, "country": _str(ccode), "concern": concern,
        "title": title.astype("str"), "url": _str(np.full(n, "", dtype=object)),
        "reference": reference, "summary": _str(np.full(n, "", dtype=object)),
        "language": _str(np.full(n, "en", dtype=object)),
        "category": _str(np.full(n, "", dtype=object)),
    })[[c for c in SIGNAL_COLUMNS if c != "issuers"]]
    links = pd.DataFrame({"signal_id": _str(sid[l_sig]),
                          "issuer_id": _str(issuers["issuer_id"].to_numpy(dtype=object)[l_iss])})
    return Bundle(signals=signals, issuers=issuers, links=links, memberships=memberships)


def _membership_frame(ro_ids, countries, org, c, since, until) -> pd.DataFrame:
    def as_dates(days):
        out = (np.datetime64("1970-01-01", "D") + np.where(days < 0, 0, days)).astype("datetime64[ns]")
        out[days < 0] = np.datetime64("NaT")
        return out

    frame = pd.DataFrame({"org_id": _str(np.asarray(ro_ids, dtype=object)[org]),
                          "country": _str(countries[c]),
                          "since": as_dates(since), "until": as_dates(until)})
    # write_bundle sorts the rows as text, where an open end ("") comes first.
    return frame.sort_values(["org_id", "country", "since", "until"],
                             na_position="first").reset_index(drop=True)


def _sp_references(cat, sp_size, ccode, day, dates) -> pd.Series:
    """OHCHR-style references for SP communications: `<TYPE> <ISO3> <n>/<yyyy>`."""
    n = len(cat)
    out = np.full(n, "", dtype=object)
    sp = np.flatnonzero(sp_size > 0)
    if len(sp):
        years = dates[sp].astype("datetime64[Y]").astype(np.int64) + 1970
        frame = pd.DataFrame({"c": ccode[sp], "y": years})
        number = frame.groupby(["c", "y"], sort=False).cumcount().to_numpy() + 1
        letter = np.array(["UA", "AL", "OL"], dtype=object)[day[sp] % 3]
        kind = np.where(sp_size[sp] > 1, "J" + letter, letter)
        out[sp] = (pd.Series(kind, dtype="str") + " " + _str(ccode[sp]) + " "
                   + pd.Series(number).astype("str") + "/" + pd.Series(years).astype("str")).to_numpy()
    return _str(out)


TABLE_MAPPING = {"signal_id": "Ref", "date": "Date sent", "country": "State",
                 "issuers": "Issuer ids", "title": "Subject", "reference": "Symbol", "url": "Link"}


def write_generic_table(bundle: Bundle, path: str | Path, seed: int = 0) -> Path:
    """The bundle's signals as a spreadsheet a mission might keep (CSV, its own column names,
    see TABLE_MAPPING), for the generic table importer. States are written the ways people
    write them: the English short name (half the rows), the official name, ISO3 or ISO2 codes;
    every form maps to one ISO3 code."""
    rng = np.random.default_rng(seed)
    codes = bundle.signals["country"].to_numpy(dtype=object)
    forms = {}
    for code in pd.unique(codes):
        c = pycountry.countries.get(alpha_3=code)
        forms[code] = [c.name, getattr(c, "official_name", c.name), code, c.alpha_2] if c else \
            [code] * 4
    choice = rng.choice(4, size=len(codes), p=[.5, .1, .25, .15])
    state = np.array([forms[c][k] for c, k in zip(codes, choice)], dtype=object)
    joined = bundle.links.groupby("signal_id", sort=False)["issuer_id"].agg(";".join)
    table = pd.DataFrame({
        "Ref": bundle.signals["signal_id"], "Date sent": bundle.signals["date"].dt.strftime("%Y-%m-%d"),
        "State": state, "Issuer ids": bundle.signals["signal_id"].map(joined),
        "Subject": bundle.signals["title"], "Symbol": bundle.signals["reference"],
        "Link": bundle.signals["url"]})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.synth",
                                 description="Write a seeded synthetic signal bundle folder.")
    ap.add_argument("out_dir")
    ap.add_argument("--signals", type=int, default=100_000)
    ap.add_argument("--countries", type=int, default=193)
    ap.add_argument("--years", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--end", default="2025-12-31", help="last day (YYYY-MM-DD)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    bundle = make_bundle(args.signals, args.countries, args.years, args.seed, args.end)
    t1 = time.perf_counter()
    write_bundle(bundle, args.out_dir)
    t2 = time.perf_counter()
    print(f"{len(bundle.signals):,} signals, {len(bundle.links):,} links, {len(bundle.issuers):,} issuers, "
          f"{len(bundle.memberships):,} memberships -> {Path(args.out_dir)} "
          f"(generated in {t1 - t0:.1f} s, written in {t2 - t1:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
