"""The sentence of one criterion result: what the criterion's type says it found, and, below
full coverage, what the data loaded covers instead of an absence."""

from __future__ import annotations

import numpy as np

from triggers.coverage import FULL, NONE
from triggers.criteria import CriterionRule, Features
from triggers.prepared import Prepared, from_day


def sentence(rule: CriterionRule, prep: Prepared, f: Features, as_of: int, value: int,
             has_nhri: bool, met: bool, evidence: np.ndarray,
             coverage: tuple[int, int, tuple[str, ...]] = (FULL, 0, ())) -> str:
    """The sentence for one country; `evidence` holds that country's evidence signal indices,
    `coverage` its (state, covered days, source labels). Below full coverage an absence is
    never stated: a criterion not met says what the data loaded covers instead."""
    prefix = "" if rule.criterion.enabled else "Disabled in this rule set. "
    text, absent = rule.found(prep, f, as_of, value, has_nhri, met, evidence)
    state, days, sources = coverage
    if met or state == FULL:
        return prefix + text
    first, last = from_day(as_of - rule.window + 1), from_day(as_of)
    who = rule.who()
    if state == NONE:
        gap = (f"No data: no source of statements by {who} is loaded for {first} to {last}."
               if absent else
               f"No data beyond these signals: no source of statements by {who} is loaded "
               f"for {first} to {last}.")
    else:
        gap = (f"Not met in the data loaded, which covers {days} of {rule.window} days "
               f"completely ({', '.join(sources)}).")
    return prefix + (gap if absent else f"{text} {gap}")
