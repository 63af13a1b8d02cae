"""Issue 12, points 14-16: what leaves the dashboard, and what enters it through an upload,
is safe whatever the data says (docs/promises.md)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timezone

import feedparser
import openpyxl
import pandas as pd
import pytest

from prevention.cases import briefs
from prevention.display import text
from prevention.sources import uploads as data_admin
from prevention.watch import feeds
from prevention.web import exports, views

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-2+3", "@SUM(A1:A2)",
            "\t=1+2", "\r=1+2"]


# ---------------------------------------------------------------- 14. formulas in downloads

def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_download_neutralises_formula_cells():
    table = pd.DataFrame({"Title": FORMULAS, "n": [-5, 1, 2, 3, 4, 5], "plain": ["a"] * 6})
    rows = _csv_cells(exports.to_csv(table))
    assert rows[0] == ["Title", "n", "plain"]
    assert [r[0] for r in rows[1:]] == ["'" + f for f in FORMULAS]
    assert [r[1] for r in rows[1:]] == ["-5", "1", "2", "3", "4", "5"]  # numbers stay numbers
    assert {r[2] for r in rows[1:]} == {"a"}


def test_xlsx_download_neutralises_the_same_cells():
    table = pd.DataFrame({"Title": FORMULAS})
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(table)))
    values = [c.value for c in book["data"]["A"][1:]]
    # Whether a carriage return reads back as one or as a line feed depends on the XML
    # writer and reader installed (XML normalises a bare one); the prefix is what matters.
    assert [v.replace("\r", "\n") for v in values] == ["'" + f.replace("\r", "\n") for f in FORMULAS]
    assert all(c.data_type == "s" for c in book["data"]["A"][1:])


def test_one_function_decides_for_every_writer():
    for f in FORMULAS:
        assert text.inert_cell(f) == "'" + f
    for keep in ("Libya", "", "A/HRC/RES/S-15/1", 3, -3.5, None):
        assert text.inert_cell(keep) == keep


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_audit_export_neutralises_formula_cells(engine):
    from prevention.accounts import audit, auth
    from prevention.storage.db import session_scope

    with session_scope(engine) as s:
        admin = auth.add_account(s, None, "ada", "admin", "correct horse battery staple")
        audit.record(s, admin, "test.formula", "thing", "=1+2", detail="=cmd|' /C calc'!A0")
    with session_scope(engine) as s:
        text = audit.export_csv(s, admin, audit.AuditFilter(action="test.formula"))
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["detail"] == "'=cmd|' /C calc'!A0" and row["entity_id"] == "'=1+2"


# ---------------------------------------------------------------- 15. only web links are links

BAD_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
            " javascript:alert(1)", "vbscript:x", "file:///etc/passwd", "//evil.example/x",
            "http:/evil", "https://", "https://evil.example/ space"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_web_url_refuses_everything_but_http_and_https(url):
    assert views.web_url(url) is None and views.safe_url(url) is None


def test_web_url_keeps_real_addresses():
    for url in ("https://www.ohchr.org/en/x?y=(1)", "http://undocs.org/A/HRC/RES/S-15/1"):
        assert views.web_url(url) == url


def test_feed_links_only_web_addresses():
    signals = pd.DataFrame({"signal_id": ["a", "b", "c"], "country": ["LBY"] * 3,
                            "date": pd.to_datetime(["2011-02-22"] * 3), "title": ["t1", "t2", "t3"],
                            "url": ["javascript:alert(1)", "data:text/html,x", "https://ohchr.org/x"],
                            "reference": ["", "", ""]})
    xml = feeds.watchlist_feed("w", 1, [], signals, {}, self_url="https://d.example/feeds/w.atom",
                               page_url="https://d.example/watchlists", base_url="https://d.example",
                               rules_param="glion-iii-2016", rules_title="Glion III",
                               now=datetime(2011, 3, 1, tzinfo=timezone.utc))
    parsed = feedparser.parse(xml)
    hrefs = [link.href for e in parsed.entries for link in e.get("links", [])]
    # Only the web source and the dashboard's own Country pages are linked.
    assert [h for h in hrefs if not h.startswith("https://d.example/")] == ["https://ohchr.org/x"]
    assert b"javascript:" not in xml.split(b"<summary")[0]  # not as an href
    assert b'href="javascript' not in xml and b'href="data:' not in xml
    assert "not a web address" in parsed.entries[0].summary  # shown as text instead


def test_evidence_tables_link_only_web_addresses():
    new = pd.DataFrame({"date": pd.to_datetime(["2026-01-01", "2026-01-02"]), "country": ["LBY"] * 2,
                        "reference": ["r", "s"], "title": ["t", "u"],
                        "url": ["javascript:alert(1)", "https://ohchr.org/x"],
                        "imported_at": pd.to_datetime(["2026-01-03"] * 2), "signal_id": ["s1", "s2"]})
    table = views.whats_new_table(new)
    assert table["Source"].tolist() == [None, "https://ohchr.org/x"]
    assert table["Source (not a web link)"].tolist() == ["javascript:alert(1)", ""]
    links = views.link_column(pd.DataFrame({"url": ["https://a.example/", "ftp://x"]}), "url")
    assert links["url"].tolist() == ["https://a.example/", None]


def test_brief_links_only_web_addresses():
    for bad in ("javascript:alert(1)", "https://", "data:text/html,x"):
        row = briefs.evidence_row({"url": bad, "title": "t"})
        assert row["link"] is None and row["url_text"] == bad  # shown as text
    assert briefs.evidence_row({"url": "https://ohchr.org/x"})["link"] == "https://ohchr.org/x"
    # The template makes a link of nothing else.
    template = (briefs.TEMPLATES / "brief.html.j2").read_text()
    import re

    assert set(re.findall(r'href="([^"]*)"', template)) == {"{{ r.link }}"}


# ---------------------------------------------------------------- 16. zip uploads

def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_a_zip_bomb_is_refused_before_it_fills_the_disk(tmp_path):
    # 201 MiB of zeros compress to about 200 KiB: the example.
    bomb = _zip({"signals.csv": b"0" * (data_admin.MAX_EXPANDED_BYTES + 1024 * 1024),
                 "issuers.csv": b"issuer_id\n"})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(data_admin.UploadError, match="MiB unpacked") as refused:
        data_admin.stage_upload([("bundle.zip", bomb)], "bundle", tmp_path)
    assert "bundle.zip" in str(refused.value) and "upload the CSV files" in str(refused.value)
    written = sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())
    assert written <= data_admin.MAX_EXPANDED_BYTES


def test_a_zip_whose_header_lies_about_its_size_is_still_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(data_admin, "MAX_EXPANDED_BYTES", 1000)
    data = bytearray(_zip({"signals.csv": b"x" * 5000, "issuers.csv": b"issuer_id\n"}))
    # Rewrite the uncompressed sizes in the central directory to claim 10 bytes.
    at = data.rfind(b"PK\x01\x02")
    while at != -1:
        data[at + 24:at + 28] = (10).to_bytes(4, "little")
        at = data.rfind(b"PK\x01\x02", 0, at)
    # Python's zipfile stops at the declared size and the checksum then fails: refused as
    # damaged, with no more than the declared bytes written.
    with pytest.raises(data_admin.UploadError, match="unpacked|damaged archive"):
        data_admin.stage_upload([("b.zip", bytes(data))], "bundle", tmp_path)
    assert not list(tmp_path.rglob("signals.csv"))


def test_a_zip_with_too_many_entries_is_refused(tmp_path):
    many = _zip({f"f{i}.txt": b"" for i in range(data_admin.MAX_ZIP_MEMBERS + 1)})
    with pytest.raises(data_admin.UploadError, match=f"at most {data_admin.MAX_ZIP_MEMBERS}"):
        data_admin.stage_upload([("many.zip", many)], "bundle", tmp_path)


def test_a_file_that_is_not_a_zip_says_so(tmp_path):
    with pytest.raises(data_admin.UploadError, match="not a zip archive"):
        data_admin.stage_upload([("bundle.zip", b"signal_id,date\n")], "bundle", tmp_path)


def test_an_ordinary_zip_bundle_still_imports(tmp_path):
    ok = _zip({"b/signals.csv": b"signal_id\n", "b/issuers.csv": b"issuer_id\n"})
    target = data_admin.stage_upload([("b.zip", ok)], "bundle", tmp_path)
    assert (target / "signals.csv").read_bytes() == b"signal_id\n"
