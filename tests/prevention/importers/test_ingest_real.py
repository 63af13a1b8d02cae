"""The parsers through the real ingest: every bundled file stores cleanly, and again adds
nothing (the natural keys are stable)."""

import pytest

from prevention.accounts.access import system
from prevention.sources.ingest import import_file
from tests.prevention.importers.helpers import REFERENCE, RESOLUTIONS, SP_SAMPLE

FILES = [
    ("memberships", REFERENCE / "memberships.csv", {}, (1038, 1038, 0, 0)),
    ("outcomes", REFERENCE / "council_outcomes.csv", {}, (55, 55, 0, 0)),
    ("ohchr-sp", SP_SAMPLE, {}, (42, 24, 0, 18)),
    ("undl", RESOLUTIONS, {"since": "2006-01-01"}, (9836, 1345, 0, 8491)),
]


@pytest.mark.parametrize("kind,path,options,counts", FILES, ids=[f[0] for f in FILES])
def test_bundled_file_imports_once(engine, kind, path, options, counts):
    first = import_file(path, kind, user=system("test"), engine=engine, **options)
    assert (first.rows_read, first.accepted, first.quarantined, first.skipped) == counts, \
        first.summary()
    again = import_file(path, kind, user=system("test"), engine=engine, **options)
    assert again.accepted == 0 and again.quarantined == 0
    assert again.duplicates == counts[1]
