"""Fetching into the database (prevention.sources.run): pages stored whole with their archived
response, the cursor and the run's coverage; a repeated fetch adds nothing; faults stop the run
at the last whole page and the next fetch resumes there; no network changes nothing; reparse
rebuilds from the archive. Every server is a loopback one; each test runs on SQLite and
PostgreSQL (the `engine` fixture)."""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import time

import pytest
import sqlalchemy as sa
from werkzeug import Response as WResponse

from prevention.accounts.access import system
from prevention.sources import classify, reliefweb, run
from prevention.sources.http import HttpClient
from prevention.sources.reparse import reparse
from prevention.sources.run import SourceBusy, SourceNotReady, fetch
from prevention.storage.settings import Settings

from .conftest import fixture_bytes

SOURCE = reliefweb.SOURCE
ITEMS = (json.loads(fixture_bytes("reliefweb_ohchr_p1.json"))["data"]
         + json.loads(fixture_bytes("reliefweb_ohchr_p2.json"))["data"])
SIZE = 3  # 8 items: pages at offsets 0, 3, 6
# Page 1: Libya (HC), Belarus (experts), a World item (skipped). Page 2: Iran experts without a
# closing list (quarantined), a World item (skipped), Iran briefing notes (ohchr). Page 3:
# Belarus (four mandates), an item without a title (quarantined).
ALL = ["reliefweb:9000001:LBY", "reliefweb:9000003:BLR", "reliefweb:9000006:IRN",
       "reliefweb:9000007:BLR"]
TABLES = ["imports", "issuers", "signals", "signal_issuers", "quarantine", "coverage",
          "raw_responses", "signal_responses", "source_cursors", "audit_log"]


def page_body(offset: int) -> bytes:
    data = ITEMS[offset:offset + SIZE]
    return json.dumps({"time": 3, "totalCount": len(ITEMS), "count": len(data),
                       "data": data}).encode()


class Provider:
    """A ReliefWeb stand-in: pages by the POSTed offset; `faults[page]` replaces a page."""

    def __init__(self, httpserver):
        self.httpserver, self.faults, self.offsets = httpserver, {}, []
        httpserver.expect_request("/v2/reports", method="POST").respond_with_handler(self)

    def __call__(self, request):
        offset = json.loads(request.data)["offset"]
        self.offsets.append(offset)
        fault = self.faults.get(offset // SIZE + 1)
        if fault is not None:
            return fault(offset)
        return WResponse(page_body(offset), content_type="application/json")


@pytest.fixture
def provider(httpserver):
    return Provider(httpserver)


def tools(httpserver, clock, **client_options):
    connector = reliefweb.ReliefWebOhchr(httpserver.url_for("/v2"), "test-app", page_size=SIZE)
    options = {"timeout": 2.0, "clock": clock, "min_delay": 0.0, "attempts": 2} | client_options
    return {"connectors": {SOURCE: connector}, "client": HttpClient("test-agent", **options),
            "settings": Settings(reliefweb_appname="test-app")}


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                for t in TABLES}


def signal_ids(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(sa.text("SELECT signal_id FROM signals")))


def cursor(engine) -> dict:
    with engine.connect() as conn:
        return dict(run.cursor_row(conn, SOURCE))


def run_state(engine) -> dict | None:
    return cursor(engine)["run"]


def test_fetch_stores_pages_archive_links_coverage_and_cursor(engine, httpserver, provider,
                                                            clock):
    report = fetch(SOURCE, since="2011-01-01", actor=system("ops"), engine=engine,
                   **tools(httpserver, clock))
    assert report.outcome == "done" and report.exit_code == 0 and report.pages == 3
    assert (report.accepted, report.quarantined, report.skipped) == (4, 2, 2)
    assert provider.offsets == [0, 3, 6]
    assert signal_ids(engine) == ALL
    with engine.connect() as conn:
        raw = conn.execute(sa.text("SELECT id, url, sha256, body, status, size, request, "
                                   "import_id FROM raw_responses ORDER BY id")).all()
        links = conn.execute(sa.text("SELECT signal_id, response_id FROM signal_responses "
                                     "ORDER BY signal_id")).all()
        cov = conn.execute(sa.text('SELECT issuer_kind, CAST(start AS TEXT), CAST("end" AS TEXT),'
                                   " completeness FROM coverage WHERE source = :s"),
                           {"s": SOURCE}).all()
        kinds = {r[0] for r in conn.execute(sa.text("SELECT source_kind FROM imports"))}
    # Every response archived: gzip body, its SHA-256, the request that asked for it.
    assert [r.sha256 for r in raw] == [hashlib.sha256(page_body(o)).hexdigest() for o in (0, 3, 6)]
    assert all(gzip.decompress(r.body) == page_body(o) for r, o in zip(raw, (0, 3, 6)))
    assert all(r.status == 200 and r.import_id is not None and "appname=test-app" in r.url
               for r in raw)
    request = raw[1].request if isinstance(raw[1].request, dict) else json.loads(raw[1].request)
    assert request["meta"]["offset"] == 3 and request["method"] == "POST"
    # Every signal links to the response it was read from.
    by_signal = dict(links)
    assert set(by_signal) == set(ALL)
    assert by_signal["reliefweb:9000001:LBY"] == raw[0].id
    assert by_signal["reliefweb:9000006:IRN"] == raw[1].id
    assert by_signal["reliefweb:9000007:BLR"] == raw[2].id
    # Coverage: each page's span and the whole run's, sample for the three issuer kinds.
    today = clock.now().date().isoformat()
    assert {(k, s, e) for k, s, e, _ in cov} >= {
        (k, "2011-01-01", today) for k in reliefweb.ISSUER_KINDS}
    assert {c for *_, c in cov} == {"sample"}
    assert "fetch:reliefweb-ohchr" in kinds and "reliefweb" in kinds
    c = cursor(engine)
    assert c["run"] is None and c["last_outcome"] == "done" and c["last_actor"] == "ops"
    assert c["start"].isoformat() == "2024-08-14"  # the next fetch starts at the last day read
    assert (c["last_pages"], c["last_accepted"], c["last_quarantined"]) == (3, 4, 2)


def test_a_second_fetch_of_the_same_span_adds_nothing(engine, httpserver, provider, clock):
    fetch(SOURCE, since="2011-01-01", engine=engine, **tools(httpserver, clock))
    before = counts(engine)
    again = fetch(SOURCE, since="2011-01-01", engine=engine, **tools(httpserver, clock))
    assert again.outcome == "done" and again.pages == 3 and again.unchanged == 3
    assert again.accepted == again.coverage == 0
    after = counts(engine)
    assert {k: v for k, v in after.items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}
    # From the cursor (the last day read) it adds nothing either.
    fetch(SOURCE, engine=engine, **tools(httpserver, clock))
    assert signal_ids(engine) == ALL and counts(engine)["raw_responses"] == 3


def test_500_forever_on_page_3_keeps_pages_1_2_and_the_next_fetch_resumes(
        engine, httpserver, provider, clock):
    provider.faults[3] = lambda offset: WResponse("down", status=500)
    report = fetch(SOURCE, since="2011-01-01", engine=engine, **tools(httpserver, clock))
    assert report.outcome == "failed" and report.exit_code == 1 and report.pages == 2
    assert "HTTP 500" in report.summary() and "failed 2 times" in report.summary()
    assert signal_ids(engine) == ALL[:3]
    assert counts(engine)["raw_responses"] == 2
    state = run_state(engine)
    assert state["next"]["meta"]["offset"] == 6 and len(state["pages"]) == 2
    c = cursor(engine)
    assert c["last_outcome"] == "failed" and "HTTP 500" in c["last_error"]
    assert c["start"] is None  # the cursor moves only when a run ends
    with engine.connect() as conn:  # no run coverage yet: only the pages' own
        run_rows = conn.execute(sa.text("SELECT COUNT(*) FROM imports WHERE source_kind = "
                                        "'fetch:reliefweb-ohchr'")).scalar_one()
    assert run_rows == 0

    del provider.faults[3]
    provider.offsets.clear()
    resumed = fetch(SOURCE, engine=engine, **tools(httpserver, clock))
    assert resumed.resumed and resumed.outcome == "done" and resumed.pages == 1
    assert provider.offsets == [6]  # pages 1-2 are not fetched again
    assert signal_ids(engine) == ALL
    assert run_state(engine) is None and cursor(engine)["start"].isoformat() == "2024-08-14"
    # The run's totals cover every page, whichever fetch stored it.
    assert (cursor(engine)["last_pages"], cursor(engine)["last_accepted"]) == (3, 4)
    with engine.connect() as conn:
        starts = {r[0] for r in conn.execute(sa.text(
            "SELECT CAST(c.start AS TEXT) FROM coverage c JOIN imports i ON i.id = c.import_id "
            "WHERE i.source_kind = 'fetch:reliefweb-ohchr'"))}
    assert starts == {"2011-01-01"}  # the span the run was started with


@pytest.mark.parametrize("fault, problem", [
    (lambda offset: WResponse(page_body(offset)[:40], content_type="application/json"),
     "not JSON"),
    (lambda offset: WResponse(page_body(0), content_type="application/json"), "same as page 1"),
    (lambda offset: WResponse(json.dumps({"totalCount": 8, "count": 0, "data": []})),
     "empty page at offset 6"),
    (lambda offset: WResponse(json.dumps({"error": "gone"})), "no 'data' list"),
])
def test_a_bad_page_3_stops_the_run_after_page_2_and_a_fixed_source_resumes(
        engine, httpserver, provider, clock, fault, problem):
    provider.faults[3] = fault
    report = fetch(SOURCE, since="2011-01-01", engine=engine, **tools(httpserver, clock))
    assert report.outcome == "incomplete" and report.exit_code == 1
    assert problem in report.summary()
    assert signal_ids(engine) == ALL[:3] and counts(engine)["raw_responses"] == 2
    assert run_state(engine)["next"]["meta"]["offset"] == 6
    assert problem in cursor(engine)["last_error"]
    del provider.faults[3]
    assert fetch(SOURCE, engine=engine, **tools(httpserver, clock)).outcome == "done"
    assert signal_ids(engine) == ALL


def test_429_with_retry_after_and_a_timeout_are_retried(engine, httpserver, provider, clock):
    once = {"429": True, "slow": True}

    def rate_limited(offset):
        if once.pop("429", False):
            return WResponse("slow down", status=429, headers={"Retry-After": "7"})
        return WResponse(page_body(offset), content_type="application/json")

    def slow(offset):
        if once.pop("slow", False):
            # Past the client's time-out, and over before the retry's would end (the server
            # answers one at a time); wide enough that a loaded machine's normal answers fit.
            time.sleep(1.5)
        return WResponse(page_body(offset), content_type="application/json")

    provider.faults.update({2: rate_limited, 3: slow})
    report = fetch(SOURCE, since="2011-01-01", engine=engine,
                   **tools(httpserver, clock, timeout=1.0, attempts=3))
    assert report.outcome == "done" and signal_ids(engine) == ALL
    assert 7.0 in clock.sleeps  # Retry-After honoured
    assert provider.offsets.count(3) == 2 and provider.offsets.count(6) == 2


def test_no_network_is_one_line_exit_3_and_changes_nothing(engine, clock):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    connector = reliefweb.ReliefWebOhchr(f"http://127.0.0.1:{port}/v2", "app", page_size=SIZE)
    before = counts(engine)
    report = fetch(SOURCE, since="2011-01-01", engine=engine, connectors={SOURCE: connector},
                   client=HttpClient("ua", clock=clock, min_delay=0), settings=Settings())
    assert report.outcome == "unreachable" and report.exit_code == 3
    line = report.summary()
    assert "\n" not in line and f"cannot reach 127.0.0.1:{port}" in line
    assert "network" in line and "nothing was fetched" in line
    assert counts(engine) == before


def test_arguments_a_source_does_not_take_are_refused_before_anything(engine, clock,
                                                                      httpserver):
    t = tools(httpserver, clock)
    with pytest.raises(SourceNotReady, match="never been fetched: give --since"):
        fetch(SOURCE, engine=engine, **t)
    with pytest.raises(SourceNotReady, match="before --since"):
        fetch(SOURCE, since="2020-01-02", until="2020-01-01", engine=engine, **t)
    with pytest.raises(SourceNotReady, match="not a day"):
        fetch(SOURCE, since="1 May 2020", engine=engine, **t)
    with pytest.raises(SourceNotReady, match="not searched by date"):
        fetch("feed-eu", since="2020-01-01", engine=engine, settings=Settings())
    with pytest.raises(SourceNotReady, match="PREVENTION_RELIEFWEB_APPNAME"):
        fetch(SOURCE, since="2020-01-01", engine=engine, settings=Settings(reliefweb_appname=""))
    with pytest.raises(SourceNotReady, match="unknown source 'nope'"):
        fetch("nope", engine=engine, settings=Settings())
    assert counts(engine)["source_cursors"] == 0 and not httpserver.log


def test_a_live_fetch_of_the_same_source_is_not_interleaved(engine, httpserver, provider,
                                                           clock):
    provider.faults[3] = lambda offset: WResponse("down", status=500)
    fetch(SOURCE, since="2011-01-01", engine=engine, **tools(httpserver, clock))
    state = run_state(engine)
    # Pretend the interrupted run's process is alive: a parent of this one is.
    import os

    alive = state | {"pid": os.getppid()}
    with engine.begin() as conn:
        conn.execute(sa.update(run.CURSORS).values(run=alive))
    with pytest.raises(SourceBusy, match="another fetch of reliefweb-ohchr is running"):
        fetch(SOURCE, engine=engine, **tools(httpserver, clock))
    with pytest.raises(SourceBusy):
        reparse(SOURCE, engine=engine)
    # A run whose process is gone is continued.
    with engine.begin() as conn:
        conn.execute(sa.update(run.CURSORS).values(run=state | {"pid": 2 ** 22 + 12345}))
    del provider.faults[3]
    assert fetch(SOURCE, engine=engine, **tools(httpserver, clock)).resumed


def test_a_run_taken_over_by_another_fetch_stops_at_its_next_page(engine, httpserver, provider,
                                                                 clock):
    def take_over(offset):
        with engine.begin() as conn:
            conn.execute(sa.update(run.CURSORS).values(run={"token": "someone-else"}))
        return WResponse(page_body(offset), content_type="application/json")

    provider.faults[2] = take_over
    with pytest.raises(SourceBusy, match="took this run over"):
        fetch(SOURCE, since="2011-01-01", engine=engine, **tools(httpserver, clock))
    assert signal_ids(engine) == ALL[:2]  # page 1 only: page 2 was not stored


def test_reparse_rebuilds_from_the_archive_without_the_network(engine, httpserver, provider,
                                                              clock, monkeypatch):
    # A parser bug: nothing reads as concern.
    real = classify.is_concern
    monkeypatch.setattr(classify, "is_concern", lambda title: False)
    fetch(SOURCE, since="2011-01-01", engine=engine, **tools(httpserver, clock))
    with engine.connect() as conn:
        assert not any(r[0] for r in conn.execute(sa.text("SELECT concern FROM signals")))
    before = counts(engine)
    monkeypatch.setattr(classify, "is_concern", real)  # the fix
    httpserver.clear()  # no server answers any more
    report = reparse(SOURCE, actor=system("ops"), engine=engine)
    assert not httpserver.log
    assert report.responses == 3 and report.unreadable == 0
    assert report.removed == 4 and report.accepted == 4 and report.quarantined == 2
    with engine.connect() as conn:
        concern = dict(conn.execute(sa.text("SELECT signal_id, concern FROM signals")).all())
        links = conn.execute(sa.text("SELECT COUNT(*) FROM signal_responses")).scalar_one()
        quarantine = dict(conn.execute(sa.text(
            "SELECT status, COUNT(*) FROM quarantine GROUP BY status")).all())
    assert sorted(concern) == ALL and all(concern.values())
    assert links == 4
    # The two bad items: their old rows closed by the reparse, quarantined again with today's
    # reason (still bad), never twice open.
    assert quarantine == {"fixed": 2, "open": 2}
    after = counts(engine)
    assert after["raw_responses"] == before["raw_responses"]  # nothing fetched
    assert after["signals"] == before["signals"] and after["coverage"] == before["coverage"]


def test_reparse_refuses_a_damaged_archive_and_an_empty_one(engine, httpserver, provider,
                                                           clock):
    with pytest.raises(SourceNotReady, match="nothing of reliefweb-ohchr is archived"):
        reparse(SOURCE, engine=engine)
    fetch(SOURCE, since="2011-01-01", engine=engine, **tools(httpserver, clock))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE raw_responses SET body = :b WHERE id = (SELECT MIN(id) "
                             "FROM raw_responses)"), {"b": gzip.compress(b"{}", mtime=0)})
    before = counts(engine)
    with pytest.raises(run.archive.ArchiveDamaged, match="does not match its SHA-256"):
        reparse(SOURCE, engine=engine)
    assert counts(engine) == before


def test_a_fetched_row_in_quarantine_points_to_reparse(engine, httpserver, provider, clock):
    from prevention.sources.quarantine import list_quarantine, resubmit

    fetch(SOURCE, since="2011-01-01", engine=engine, **tools(httpserver, clock))
    rows = list_quarantine("open", engine=engine)
    assert len(rows) == 2
    qid = int(rows["id"].iloc[0])
    before = counts(engine)
    result = resubmit(qid, dict(rows["raw"].iloc[0]), user=system("ops"), engine=engine)
    assert not result.fixed
    assert "fetched from reliefweb-ohchr" in result.reason
    assert "python -m prevention reparse reliefweb-ohchr" in result.reason
    assert counts(engine) == before  # the row stays open, unchanged


def test_a_page_the_store_refuses_is_rolled_back_whole_and_retried_next_time(
        engine, httpserver, provider, clock, monkeypatch):
    from prevention.sources.ingest import IngestError

    real, calls = run.store_in, []

    def refuse_page_2(conn, parsed, report, **kw):
        calls.append(1)
        blocked = real(conn, parsed, report, **kw)  # rows written, then the page fails
        if len(calls) == 2:
            raise IngestError(f"{parsed.file_name}: refused for the test")
        return blocked

    monkeypatch.setattr(run, "store_in", refuse_page_2)
    report = fetch(SOURCE, since="2011-01-01", engine=engine, **tools(httpserver, clock))
    assert report.outcome == "failed" and "refused for the test" in report.summary()
    assert report.pages == 1 and signal_ids(engine) == ALL[:2]
    assert counts(engine)["raw_responses"] == 1  # page 2's archive row went with its rows
    assert len(run_state(engine)["pages"]) == 1
    monkeypatch.setattr(run, "store_in", real)
    provider.offsets.clear()
    again = fetch(SOURCE, engine=engine, **tools(httpserver, clock))
    assert again.resumed and again.outcome == "done" and provider.offsets == [3, 6]
    assert signal_ids(engine) == ALL
