"""Which States are evaluated, and their names and UN regional groups for display."""

from __future__ import annotations

import pandas as pd

from prevention.cases.statuses import evaluation_countries  # noqa: F401 (one list of States)
from triggers.vocabulary import country_name

# ---------------------------------------------------------------- countries

def country_names(countries: pd.DataFrame, codes) -> pd.Series:
    """Display names for ISO3 codes: the stored UN name, else the ISO name."""
    known = dict(zip(countries["iso3"], countries["name"])) if len(countries) else {}
    return pd.Series([known.get(c) or country_name(c) for c in codes], dtype=object)


def country_groups(countries: pd.DataFrame, codes) -> pd.Series:
    known = dict(zip(countries["iso3"], countries["un_group"])) if len(countries) else {}
    return pd.Series([known.get(c, "") or "" for c in codes], dtype=object)
