"""What data the back-test had: signals per issuer kind, and a warning per criterion with gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from triggers.bundle import Bundle
from triggers.prepared import EPOCH, Prepared, from_day, prepare, to_day
from triggers.rules import RuleSet
from triggers.vocabulary import ISSUER_KINDS, KIND_LABELS

# A calendar year the period covers for fewer days than this is too short to call a gap.
MIN_YEAR_DAYS_FOR_GAP = 60


def criterion_kinds(criterion) -> list[str]:
    """The issuer kinds whose signals a criterion can count."""
    if criterion.type == "nhri_with_ngos":
        return ["nhri", "ngo"]
    return list(criterion.issuer_kinds)


def coverage(data: Bundle | Prepared, rules: RuleSet, start, end,
             declared: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Signals loaded per issuer kind over [start, end], and a warning per criterion with gaps.

    A gap is a calendar year (covered by the period for at least MIN_YEAR_DAYS_FOR_GAP days)
    with no signal at all from any of the criterion's issuer kinds; `declared` (columns kind,
    since, until; until exclusive, empty = open) adds the periods a source is known to be
    loaded for, and any part of the period outside them is a gap too.
    """
    prep = data if isinstance(data, Prepared) else prepare(data)
    s, e = to_day(start), to_day(end)
    years = _years(s, e)
    kind_of_sig = _kind_of_signal(prep)
    rows = []
    for kind in ISSUER_KINDS:
        days = prep.sig_day[kind_of_sig[kind] & (prep.sig_day >= s) & (prep.sig_day <= e)]
        year_of = (EPOCH + days).astype("datetime64[Y]").astype(int) + 1970
        seen = set(year_of.tolist())
        empty = [y for y, covered, _ in years if covered >= MIN_YEAR_DAYS_FOR_GAP and y not in seen]
        rows.append({"kind": kind, "label": KIND_LABELS[kind], "signals": int(len(days)),
                     "first": from_day(int(days.min())) if len(days) else None,
                     "last": from_day(int(days.max())) if len(days) else None,
                     "years_without_signals": ";".join(map(str, empty))})
    table = pd.DataFrame(rows)
    warnings = []
    for crit in rules.enabled_criteria:
        kinds = criterion_kinds(crit)
        mask = np.zeros(prep.n_signals, dtype=bool)
        for k in kinds:
            mask |= kind_of_sig[k]
        days = prep.sig_day[mask & (prep.sig_day >= s) & (prep.sig_day <= e)]
        labels = " or ".join(KIND_LABELS[k] for k in kinds)
        if not len(days):
            warnings.append(f"criterion {crit.id}: no signal at all from {labels} between "
                            f"{from_day(s)} and {from_day(e)}; this back-test says nothing about "
                            f"whether it would have warned")
            continue
        seen = set(((EPOCH + days).astype("datetime64[Y]").astype(int) + 1970).tolist())
        gaps = [y for y, covered, _ in years if covered >= MIN_YEAR_DAYS_FOR_GAP and y not in seen]
        if gaps:
            warnings.append(f"criterion {crit.id}: no signal from {labels} in {_year_list(gaps)}; "
                            f"for those years the back-test cannot tell whether it would have warned")
        if declared is not None:
            uncovered = _outside_declared(declared, kinds, s, e)
            if uncovered:
                warnings.append(f"criterion {crit.id}: {labels} not loaded for "
                                + ", ".join(f"{from_day(a)} to {from_day(b)}" for a, b in uncovered))
    return table, warnings


def _kind_of_signal(prep: Prepared) -> dict[str, np.ndarray]:
    kinds = prep.issuer_kind[prep.link_issuer]
    out = {}
    for k in ISSUER_KINDS:
        mask = np.zeros(prep.n_signals, dtype=bool)
        mask[prep.link_sig[kinds == k]] = True
        out[k] = mask
    return out


def _years(s: int, e: int) -> list[tuple[int, int, int]]:
    """(year, days of it inside [s, e], first day) for every calendar year the period touches."""
    first_year = int(str(EPOCH + s)[:4])
    last_year = int(str(EPOCH + e)[:4])
    out = []
    for y in range(first_year, last_year + 1):
        a, b = max(s, to_day(f"{y}-01-01")), min(e, to_day(f"{y}-12-31"))
        out.append((y, b - a + 1, a))
    return out


def _year_list(years: list[int]) -> str:
    """'2008-2010, 2014' from [2008, 2009, 2010, 2014]."""
    parts, run = [], [years[0]]
    for y in years[1:]:
        if y == run[-1] + 1:
            run.append(y)
        else:
            parts.append(run)
            run = [y]
    parts.append(run)
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in parts)


def _outside_declared(declared: pd.DataFrame, kinds: list[str], s: int, e: int) -> list[tuple[int, int]]:
    """Stretches of [s, e] that no declared loading period of the given kinds covers."""
    rows = declared[declared["kind"].isin(kinds)]
    spans = []
    for since, until in zip(rows["since"], rows["until"]):
        a = s if pd.isna(since) or since == "" else to_day(since)
        b = e if pd.isna(until) or until == "" else to_day(until) - 1
        spans.append((max(a, s), min(b, e)))
    spans = sorted(sp for sp in spans if sp[0] <= sp[1])
    gaps, cursor = [], s
    for a, b in spans:
        if a > cursor:
            gaps.append((cursor, a - 1))
        cursor = max(cursor, b + 1)
    if cursor <= e:
        gaps.append((cursor, e))
    return gaps
