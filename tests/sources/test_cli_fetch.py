"""`python -m prevention fetch | reparse`: exit codes (0 done, 2 bad arguments or a missing
setting, 3 a host unreachable, 1 other), one line without network, --all skipping what needs a
setting, --list. The base URLs are the settings, pointed at loopback servers."""

from __future__ import annotations

import json
import socket

import pytest
import sqlalchemy as sa

from prevention.cli import main
from prevention.sources import registry
from prevention.storage.settings import get_settings

from .conftest import FakeClock, fixture_bytes
from .test_run import ALL, ITEMS, TABLES

ONE_PAGE = json.dumps({"totalCount": len(ITEMS), "count": len(ITEMS), "data": ITEMS}).encode()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def env(db_url, monkeypatch):
    """Settings from the environment, as the CLI reads them; no real waiting, no real feeds."""
    def setenv(**values):
        for k, v in values.items():
            monkeypatch.setenv(f"PREVENTION_{k.upper()}", v)
        get_settings.cache_clear()

    real_client = registry.client
    monkeypatch.setattr(registry, "client",
                        lambda settings, **kw: real_client(settings, clock=FakeClock(), **kw))
    monkeypatch.setattr(registry, "feeds", lambda: {})  # the feed table names real sites
    for name in ("RELIEFWEB_APPNAME", "UNDL_SEARCH_APPROVED"):
        monkeypatch.delenv(f"PREVENTION_{name}", raising=False)
    # A closed port each: errors name the setting of their own host.
    off = {k: f"http://127.0.0.1:{closed_port()}" for k in ("rw", "undl", "sp", "sdg")}
    setenv(reliefweb_url=off["rw"] + "/v2", undl_url=off["undl"], spcomm_url=off["sp"],
           sdg_url=off["sdg"] + "/sdg")
    yield setenv
    get_settings.cache_clear()


def counts() -> dict[str, int]:
    from prevention.storage.db import get_engine

    with get_engine().connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                for t in TABLES}


def test_fetch_then_again_then_list_then_reparse(env, httpserver, capsys):
    httpserver.expect_request("/v2/reports", method="POST").respond_with_data(
        ONE_PAGE, content_type="application/json")
    env(reliefweb_url=httpserver.url_for("/v2"), reliefweb_appname="test-app")
    assert main(["fetch", "reliefweb-ohchr", "--since", "2011-01-01", "--user", "ops"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("reliefweb-ohchr: done; 1 page(s) stored") and "4 accepted" in out.out
    assert "page 1 of reliefweb-ohchr stored" in out.err  # progress on stderr
    before = counts()
    assert main(["fetch", "reliefweb-ohchr", "--since", "2011-01-01", "--quiet"]) == 0
    assert "0 accepted" in capsys.readouterr().out
    assert {k: v for k, v in counts().items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}
    # From the cursor: no signal again, only the newly searched span as coverage.
    assert main(["fetch", "reliefweb-ohchr", "--quiet"]) == 0
    assert counts()["signals"] == before["signals"]
    capsys.readouterr()
    assert main(["fetch", "--list"]) == 0
    listed = capsys.readouterr().out
    line = next(x for x in listed.splitlines() if "reliefweb-ohchr" in x)
    assert " done " in line and "from 2024-08-14" in line
    httpserver.clear()
    assert main(["reparse", "reliefweb-ohchr"]) == 0
    assert "1 archived response(s) parsed again" in capsys.readouterr().out
    assert not httpserver.log


def test_no_network_is_exit_3_one_line_naming_the_host_and_nothing_changed(env, capsys):
    env(reliefweb_appname="test-app")
    host = get_settings().reliefweb_url.split("/")[2]
    before = counts()
    assert main(["fetch", "reliefweb-ohchr", "--since", "2011-01-01", "--quiet"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert f"cannot reach {host}" in err and "PREVENTION_RELIEFWEB_URL" in err
    assert "network" in err and "nothing was fetched" in err
    assert counts() == before


@pytest.mark.parametrize("argv, message", [
    (["fetch"], "give one SOURCE, or --all, or --list"),
    (["fetch", "feed-x", "--all"], "give one SOURCE"),
    (["fetch", "--all", "--since", "2020-01-01"], "--since, --until and --restart apply to one"),
    (["fetch", "reliefweb-ohchr"], "PREVENTION_RELIEFWEB_APPNAME"),
    (["fetch", "undl-hrc-resolutions"], "PREVENTION_UNDL_SEARCH_APPROVED"),
    (["fetch", "ohchr-spcomm-latest", "--since", "2020-01-01"], "not searched by date"),
    (["fetch", "no-such-source"], "unknown source 'no-such-source'"),
    (["reparse", "ohchr-spcomm-latest"], "nothing of ohchr-spcomm-latest is archived"),
])
def test_bad_arguments_and_missing_settings_exit_2(env, capsys, argv, message):
    before = counts()
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert counts() == before


def test_bad_days_are_refused_by_the_parser_of_arguments(env, capsys):
    env(reliefweb_appname="test-app")
    assert main(["fetch", "reliefweb-ohchr", "--since", "yesterday"]) == 2
    assert "not a day (YYYY-MM-DD)" in capsys.readouterr().err


def test_all_skips_sources_waiting_for_a_setting_and_reports_the_worst(env, httpserver, capsys):
    for n, name in (("1", "spcomm_latest_p1.html"), ("2", "spcomm_latest_empty.html")):
        httpserver.expect_request("/LatestReports/CommunicationSent",
                                  query_string=f"page={n}").respond_with_data(fixture_bytes(name))
    env(spcomm_url=httpserver.url_for(""))
    assert main(["fetch", "--all", "--quiet"]) == 3  # the SDG and Library hosts are down
    captured = capsys.readouterr()
    assert "ohchr-spcomm-latest: done" in captured.out
    assert "fetch reliefweb-ohchr: skipped: reliefweb-ohchr needs the setting " \
           "PREVENTION_RELIEFWEB_APPNAME" in captured.err
    assert "fetch undl-hrc-resolutions: skipped:" in captured.err
    assert sum("cannot reach" in line for line in captured.err.splitlines()) == 3
    assert counts()["signals"] > 0


def test_an_interrupted_run_is_continued_by_the_next_fetch(env, httpserver, capsys):
    env(reliefweb_url=httpserver.url_for("/v2"), reliefweb_appname="test-app")
    httpserver.expect_ordered_request("/v2/reports").respond_with_data(
        ONE_PAGE[: len(ONE_PAGE) // 2])
    assert main(["fetch", "reliefweb-ohchr", "--since", "2011-01-01", "--quiet"]) == 1
    assert "not JSON" in capsys.readouterr().err
    httpserver.clear()
    httpserver.expect_request("/v2/reports").respond_with_data(ONE_PAGE)
    assert main(["fetch", "reliefweb-ohchr", "--quiet"]) == 0  # no --since needed: the run's
    from prevention.storage.db import get_engine

    with get_engine().connect() as conn:
        assert sorted(r[0] for r in conn.execute(sa.text("SELECT signal_id FROM signals"))) == ALL
