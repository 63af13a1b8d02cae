"""One plain-English sentence per criterion result, naming dates and references."""

from __future__ import annotations

import numpy as np

from triggers.coverage import FULL, NONE
from triggers.criteria import CriterionRule, Features, group_label
from triggers.prepared import Prepared, from_day

CITED = 3  # how many dated references a sentence names before "and N more"


def _cite(prep: Prepared, s: int) -> str:
    ref = prep.signal_references[s] or prep.signal_titles[s] or prep.signal_ids[s]
    return f"{from_day(prep.sig_day[s])} ({ref})"


def _cite_many(prep: Prepared, idx: np.ndarray) -> str:
    latest = idx[np.argsort(prep.sig_day[idx], kind="stable")[::-1]][:CITED]
    parts = [_cite(prep, s) for s in latest]
    more = len(idx) - len(parts)
    text = ", ".join(parts)
    return text + (f" and {more} more" if more > 0 else "")


def _names(prep: Prepared, f: Features, idx: np.ndarray, limit: int = 3) -> str:
    issuers = np.unique(f.issuers_of(idx))  # a repeated signal repeats issuers; unique drops them
    names = sorted(prep.issuer_name[issuers])
    text = ", ".join(names[:limit])
    return text + (f" and {len(names) - limit} others" if len(names) > limit else "")


def _nhri_names(prep: Prepared, idx: np.ndarray, statuses) -> str:
    links = prep.links_of(idx)
    iss = prep.link_issuer[links]
    acc = prep.link_accreditation[links]  # the status on the signal's date
    pick = ((prep.issuer_country[iss] == prep.sig_country[prep.link_sig[links]])
            & (prep.issuer_kind[iss] == "nhri") & np.isin(acc, list(statuses)))
    named = sorted({(str(prep.issuer_name[i]), str(a)) for i, a in zip(iss[pick], acc[pick])})
    return ", ".join(f"{name}, {status}-status" for name, status in named)


def _needed(met: bool, text: str) -> str:
    return "" if met else f"; {text} needed"


def sentence(rule: CriterionRule, prep: Prepared, f: Features, as_of: int, value: int,
             has_nhri: bool, met: bool, evidence: np.ndarray,
             coverage: tuple[int, int, tuple[str, ...]] = (FULL, 0, ())) -> str:
    """The sentence for one country; `evidence` holds that country's evidence signal indices,
    `coverage` its (state, covered days, source labels). Below full coverage an absence is
    never stated: a criterion not met says what the data loaded covers instead."""
    prefix = "" if rule.criterion.enabled else "Disabled in this rule set. "
    text, absent = _what_was_found(rule, prep, f, as_of, value, has_nhri, met, evidence)
    state, days, sources = coverage
    if met or state == FULL:
        return prefix + text
    first, last = from_day(as_of - rule.window + 1), from_day(as_of)
    who = _who(rule.criterion)
    if state == NONE:
        gap = (f"No data: no source of statements by {who} is loaded for {first} to {last}."
               if absent else
               f"No data beyond these signals: no source of statements by {who} is loaded "
               f"for {first} to {last}.")
    else:
        gap = (f"Not met in the data loaded, which covers {days} of {rule.window} days "
               f"({', '.join(sources)}).")
    return prefix + (gap if absent else f"{text} {gap}")


def _who(c) -> str:
    if c.type == "nhri_with_ngos":
        return "the State's NHRI and national NGOs"
    return group_label(c.issuer_kinds)


def _what_was_found(rule: CriterionRule, prep: Prepared, f: Features, as_of: int, value: int,
                    has_nhri: bool, met: bool, evidence: np.ndarray) -> tuple[str, bool]:
    """(the sentence as the data reads with full coverage, whether it states an absence)."""
    c = rule.criterion
    span = f"in the {rule.window} days to {from_day(as_of)}"
    if c.type == "statement_by":
        who = group_label(c.issuer_kinds)
        if c.members_only and "regional_org" in c.issuer_kinds:
            who = who.replace("a regional organisation", "a regional organisation the State belongs to")
        if value == 0:
            return f"No expression of concern by {who} {span}.", True
        return (f"{_names(prep, f, evidence)} expressed concern "
                f"{'once' if value == 1 else f'{value} times'}: {_cite_many(prep, evidence)}"
                f"{_needed(met, f'{rule.threshold} are')}."), False
    if c.type == "joint_group":
        if value == 0:
            return f"No expression of concern by {group_label(c.issuer_kinds)} {span}.", True
        if c.mode == "joint":
            best = evidence[np.lexsort((prep.sig_day[evidence], f.weight[evidence]))[::-1]]
            top = best[0]
            text = (f"{'' if met else 'At most '}{f.weight[top]} {group_label(c.issuer_kinds, value)} "
                    f"expressed concern jointly on {_cite(prep, top)}")
            if len(best) > 1:
                text += (f"; {len(best)} joint expressions of concern by {rule.threshold} or more in "
                         f"the window, also {_cite_many(prep, best[1:])}" if met else
                         f"; also {_cite_many(prep, best[1:])}")
            return text + _needed(met, f"{rule.threshold} jointly are") + ".", False
        days = prep.sig_day[evidence]
        return (f"{value} distinct {group_label(c.issuer_kinds, value)} expressed concern "
                f"between {from_day(days.min())} and {from_day(days.max())} in "
                f"{len(evidence)} signal(s): {_cite_many(prep, evidence)}"
                f"{_needed(met, f'{rule.threshold} are')}."), False
    # nhri_with_ngos
    if not has_nhri:
        ngos = f" ({value} eligible national NGOs did)" if c.mode == "window" and value else ""
        return (f"No expression of concern by the State's NHRI "
                f"({'/'.join(c.nhri_status)}-status) {span}{ngos}."), True
    with_nhri = evidence[f.has_nhri[evidence]]
    nhri = _nhri_names(prep, with_nhri, c.nhri_status)
    if c.mode == "joint":
        best = with_nhri[np.lexsort((prep.sig_day[with_nhri], f.weight[with_nhri]))[::-1]]
        top = best[0]
        return (f"The NHRI ({nhri}) expressed concern together with "
                f"{'' if met else 'at most '}{f.weight[top]} eligible national NGO(s) "
                f"on {_cite(prep, top)}{_needed(met, f'{rule.threshold} NGOs in one statement are')}."), False
    ngo_signals = evidence[f.weight[evidence] > 0]
    ngo_text = (f"{value} eligible national NGO(s) expressed concern in the window"
                + (f" ({_cite_many(prep, ngo_signals)})" if len(ngo_signals) else ""))
    return (f"The NHRI ({nhri}) expressed concern on {_cite_many(prep, with_nhri)}, and "
            f"{ngo_text}{_needed(met, f'{rule.threshold} NGOs are')}."), False
