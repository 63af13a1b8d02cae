"""The registry: which sources run with which settings, and each source's parser without any."""

from __future__ import annotations

import pytest

from prevention.sources import registry, reliefweb
from prevention.sources.http import Response
from prevention.storage.settings import Settings

from .conftest import FIXTURES


def test_sources_that_need_a_setting_say_which():
    bare = Settings(reliefweb_appname="", undl_search_approved=False)
    missing = registry.unavailable(bare)
    assert "PREVENTION_RELIEFWEB_APPNAME" in missing["reliefweb-ohchr"]
    assert "PREVENTION_UNDL_SEARCH_APPROVED" in missing["undl-hrc-resolutions"]
    assert not set(missing) & set(registry.connectors(bare))
    ready = Settings(reliefweb_appname="approved", undl_search_approved=True)
    assert registry.unavailable(ready) == {}
    assert {"reliefweb-ohchr", "undl-hrc-resolutions"} <= set(registry.connectors(ready))
    assert registry.source_ids(bare) == registry.source_ids(ready)


def test_every_source_has_a_parser_that_needs_no_setting():
    ready = Settings(reliefweb_appname="approved", undl_search_approved=True)
    for source in registry.source_ids(ready):
        assert callable(registry.parser(source)), source
    parsed = registry.parser(reliefweb.SOURCE)(
        Response.from_file(FIXTURES / "reliefweb_ohchr_p1.json"))
    assert len(parsed.signals) == 2
    with pytest.raises(KeyError):
        registry.parser("no-such-source")
