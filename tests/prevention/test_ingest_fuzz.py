"""Fuzzing the bundle importer: whatever the files contain, the import either stores whole rows
with a report that adds up, or stores nothing; it never raises."""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prevention.accounts.access import system
from prevention.sources.ingest import import_file
from tests.prevention.bundles import ISSUER_HEADER, ISSUERS, SIGNAL_HEADER, table_counts

_folders = itertools.count()

good = {
    "signal_id": st.from_regex(r"[a-z]{1,3}-[0-9]{1,2}", fullmatch=True),
    "date": st.sampled_from(["2011-02-22", "2020-02-29", "2021-02-29", "22/02/2011", "", "2011"]),
    "country": st.sampled_from(["LBY", "SYR", "XKX", "syr", "Syria", "", "ZZZ"]),
    "issuers": st.sampled_from(["ohchr-hc", "las;unsc", "ohchr-hc; las", "", "nobody", ";"]),
    "concern": st.sampled_from(["true", "false", "", "TRUE", "maybe", "0"]),
}
noise = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=10),
    st.sampled_from(['a,b', 'quote"inside', "line\nbreak", "\x00nul", "\ufeffbom", " padded "]),
    st.integers(min_value=100_001, max_value=150_000).map(lambda n: "x" * n),
)


def cell(column: str):
    return st.one_of(good[column], noise) if column in good else st.one_of(st.just(""), noise)


row = st.one_of(
    st.tuples(*(cell(c) for c in SIGNAL_HEADER)).map(list),
    st.lists(st.text(max_size=8), max_size=14),  # wrong number of cells
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"])


def _encode(rows: list[list[str]], header: list[str], encoding: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding, errors="replace")


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rows=st.lists(row, max_size=12), encoding=encodings,
       issuer_rows=st.lists(st.lists(st.sampled_from(["ohchr-hc", "x", "ngo", "SYR", "A", "",
                                                      "special", "national"]),
                                     min_size=6, max_size=6), max_size=3),
       junk=st.one_of(st.none(), st.binary(max_size=64)))
def test_any_bundle_is_stored_whole_rows_or_nothing(engine, rows, encoding, issuer_rows, junk):
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        _check(engine, Path(tmp) / str(next(_folders)), rows, encoding, issuer_rows, junk)


def _check(engine, folder: Path, rows, encoding, issuer_rows, junk) -> None:
    folder.mkdir(parents=True)
    (folder / "signals.csv").write_bytes(junk if junk is not None else
                                         _encode(rows, SIGNAL_HEADER, encoding))
    (folder / "issuers.csv").write_bytes(_encode(ISSUERS + issuer_rows, ISSUER_HEADER, "utf-8"))
    before = table_counts(engine)
    report = import_file(folder, "bundle", user=system("fuzz"), engine=engine)
    after = table_counts(engine)
    assert report.accepted + report.duplicates + report.quarantined + report.skipped \
        == report.rows_read
    if not report.read_anything:
        assert after == before
        return
    added = {k: after[k] - before[k] for k in after}
    assert added["imports"] == 1
    # Each accepted bundle row is exactly one new record; each quarantined row one entry.
    assert added["signals"] + added["issuers"] + added["memberships"] == report.accepted
    assert added["quarantine"] == report.quarantined - report.already_quarantined
