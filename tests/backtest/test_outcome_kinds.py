"""Outcome kinds: the reader, the importer and the database agree on the same list (issue 15:
regular-session country resolutions are outcomes too)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from prevention.sources.importers.base import OUTCOME_KINDS as IMPORTER_KINDS
from prevention.storage.db import session_scope
from prevention.storage.models.core import Outcome
from triggers.outcomes import (
    OUTCOME_KINDS,
    OUTCOME_LABELS,
    OUTCOME_PROVENANCE,
    parse_outcomes,
)


def test_one_list_of_kinds_everywhere():
    assert IMPORTER_KINDS == OUTCOME_KINDS
    assert set(OUTCOME_LABELS) == set(OUTCOME_KINDS) == set(OUTCOME_PROVENANCE)
    assert "country_resolution" in OUTCOME_KINDS


def test_the_reader_accepts_a_country_resolution():
    frame = parse_outcomes(b"country,date,kind,reference\n"
                           b"SYR,2012-03-23,country_resolution,A/HRC/RES/19/22\n")
    assert frame["kind"].tolist() == ["country_resolution"]


@pytest.mark.parametrize("kind, stored", [("country_resolution", True), ("resolution", False)])
def test_the_database_checks_the_kind(engine, kind, stored):
    row = Outcome(country="SYR", date=dt.date(2012, 3, 23), kind=kind, reference="R", title="",
                  url="")
    if stored:
        with session_scope(engine) as s:
            s.add(row)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT kind FROM outcomes")).scalar_one() == kind
    else:
        with pytest.raises(sa.exc.IntegrityError):
            with session_scope(engine) as s:
                s.add(row)
