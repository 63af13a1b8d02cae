"""Which States are evaluated, and their names and UN regional groups for display."""

from __future__ import annotations

import pandas as pd

from triggers.bundle import Bundle
from triggers.vocabulary import country_name

# ---------------------------------------------------------------- countries

def evaluation_countries(countries: pd.DataFrame, bundle: Bundle) -> list[str]:
    """Every UN Member State (whether or not any signal names it) plus every State with signals."""
    members = countries.loc[countries["un_group"].fillna("") != "", "iso3"] if len(countries) else []
    return sorted(set(members) | set(bundle.signals["country"].unique()))


def country_names(countries: pd.DataFrame, codes) -> pd.Series:
    """Display names for ISO3 codes: the stored UN name, else the ISO name."""
    known = dict(zip(countries["iso3"], countries["name"])) if len(countries) else {}
    return pd.Series([known.get(c) or country_name(c) for c in codes], dtype=object)


def country_groups(countries: pd.DataFrame, codes) -> pd.Series:
    known = dict(zip(countries["iso3"], countries["un_group"])) if len(countries) else {}
    return pd.Series([known.get(c, "") or "" for c in codes], dtype=object)
