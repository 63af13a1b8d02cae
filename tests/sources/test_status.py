"""What the Data page, the About page and `fetch --list` show of the sources."""

from __future__ import annotations

from prevention.sources import registry, status, terms
from prevention.sources.run import fetch
from prevention.storage.settings import Settings

from .test_run import SOURCE, Provider, tools


def test_every_source_has_its_terms_stated():
    every = registry.source_ids(Settings(reliefweb_appname="x", undl_search_approved=True))
    table = terms.terms_table(every)
    assert list(table["Source"]) == every
    assert (table["Provider"] != "").all() and (table["Attribution"] != "").all()
    undl = table.set_index("Source").loc["undl-sc-voting"]
    assert undl["Non-commercial only"].startswith("yes") and "Copyright, United Nations" in \
        undl["Copyright"]
    assert "4055387" in undl["Attribution"]
    assert terms.NOT_READ in table.set_index("Source").loc["reliefweb-ohchr", "Terms"]


def test_the_sources_table_after_a_failed_then_a_finished_fetch(engine, httpserver, clock):
    provider = Provider(httpserver)
    settings = Settings(reliefweb_appname="test-app")
    before = status.sources_table(engine, settings).set_index("Source")
    assert before.loc[SOURCE, "Outcome"] == "never fetched"
    assert before.loc[SOURCE, "Next fetch"] == "needs --since (first day)"
    assert "PREVENTION_UNDL_SEARCH_APPROVED" in before.loc["undl-hrc-resolutions", "Note"]
    assert list(before.index)[-1] == "undl-hrc-resolutions"  # waiting for a setting: last

    from werkzeug import Response as WResponse

    provider.faults[3] = lambda offset: WResponse("down", status=500)
    fetch(SOURCE, since="2011-01-01", engine=engine, **tools(httpserver, clock))
    failed = status.sources_table(engine, settings).set_index("Source").loc[SOURCE]
    assert failed["Outcome"] == "failed" and "HTTP 500" in failed["Note"]
    assert failed["Pages"] == 2 and failed["Archived"] == 2
    assert failed["Next fetch"].startswith("resumes the run of") and "at page 3" in \
        failed["Next fetch"]
    del provider.faults[3]
    fetch(SOURCE, engine=engine, **tools(httpserver, clock))
    done = status.sources_table(engine, settings).set_index("Source").loc[SOURCE]
    assert done["Outcome"] == "done" and done["Note"] == "" and done["Pages"] == 3
    assert done["Added"] == 4 and done["Next fetch"] == "from 2024-08-14"
    cov = status.source_coverage(SOURCE, engine)
    assert done["Coverage rows"] == len(cov) > 0
    assert set(cov["issuer_kind"]) == {"high_commissioner", "sp_mandate", "ohchr"}
    line = next(x for x in status.as_text(status.sources_table(engine, settings)).splitlines()
                if x.strip().startswith(SOURCE))
    assert " done " in line and "from 2024-08-14" in line
