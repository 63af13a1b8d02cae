"""The situation brief, rendered and read back as text: the HTML, and the PDF through poppler
(pdftoppm to PNG pages, pdftotext and pdffonts), in the words the pages use."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from prevention.accounts.access import PermissionDenied
from prevention.cases import briefs, opening, review
from prevention.storage.db import session_scope
from tests.triggers.helpers import (
    cover,
    joint_group,
    make_bundle,
    make_rules,
    sig,
    statement_by,
)
from triggers.evaluate import evaluate


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.links, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_data(self, data):
        self.parts.append(data)

    @property
    def text(self):
        return re.sub(r"\s+", " ", " ".join(self.parts))


def _read(html_text):
    p = _Text()
    p.feed(html_text)
    return p


HC_TITLE = "The High Commissioner for Human Rights"
SP_TITLE = "A group of two or more Special Procedures mandates"
RO_TITLE = "A relevant regional organisation (the State is a member)"
RULES = make_rules(statement_by("high_commissioner", ["high_commissioner"], title=HC_TITLE),
                   joint_group("special_procedures", ["sp_mandate"], min_issuers=2, title=SP_TITLE),
                   statement_by("regional_organisation", ["regional_org"], members_only=True,
                                title=RO_TITLE))
SIGNALS = [
    sig("hc-1", "2011-02-22", "LBY", "hc", reference="HC press statement 22 Feb 2011",
        title="Pillay calls for <b>inquiry</b> <script>alert(1)</script>"),
    sig("las-1", "2011-02-22", "LBY", "las", reference="LAS statement"),
    sig("sp-1", "2011-02-20", "LBY", ["sp1", "sp2"], reference="JUA LBY 1/2011"),
]


@pytest.fixture
def decided_case(engine, users):
    bundle = make_bundle(SIGNALS, memberships=[("las", "LBY", "1953-01-01", ""),
                                               ("au", "LBY", "", ""), ("un", "LBY", "", ""),
                                               ("osce", "LBY", "", "2000-01-01")],
                         extra_issuers=[("nhri-lby", "National Council for Civil Liberties",
                                         "nhri", "LBY", "B", "")])
    rows = bundle.signals
    rows.loc[rows["signal_id"] == "hc-1", "url"] = "https://www.ohchr.org/en/press-releases/2011/02/x"
    ev = evaluate(bundle, RULES, "2011-02-25")
    rey = users["reviewer"]
    with session_scope(engine) as s:
        opening.sync_cases(s, rey, ev, bundle.links)
        cid = review.queue(s, rey)[0]["case"]
        v = review.get_case(s, rey, cid).version
    with session_scope(engine) as s:
        case = review.save_case(s, rey, cid, v, status="in_review",
                                assessments={"access": ("negative", "Journalists expelled.")})
        review.comment(s, rey, cid, "CONFIDENTIAL-COMMENT-TEXT")
    with session_scope(engine) as s:
        review.decide(s, rey, cid, case.version, "special_session",
                      "Request a special session: concern by the High Commissioner, the LAS and UN experts.")
    return cid, bundle


def test_brief_says_what_the_bureau_needs(engine, users, decided_case):
    cid, bundle = decided_case
    with session_scope(engine) as s:
        page = _read(briefs.case_brief_html(s, users["reviewer"], cid, bundle, RULES))
    text = page.text
    assert "Situation brief: Libya (LBY)" in text
    assert "test v1" not in text and "rule set test version 1" in text and "As of 2011-02-25" in text
    # criteria by their titles, with the engine's sentences and the counts in words
    assert HC_TITLE in text and SP_TITLE in text and RO_TITLE in text
    assert "high_commissioner" not in text and "regional_organisation" not in text
    assert "met 1 found, 1 needed" in text and "(7/4)" not in text
    assert "2011-02-22" in text and "HC press statement 22 Feb 2011" in text
    assert "JUA LBY 1/2011" in text
    # evidence with its link; signal text stays inert
    assert "https://www.ohchr.org/en/press-releases/2011/02/x" in page.links
    assert "script" not in page.tags
    assert "Pillay calls for <b>inquiry</b> <script>alert(1)</script>" in text
    # the timeline chart, memberships, NHRI, assessments and the decision history
    assert "svg" in page.tags and "Triggered from" in text
    # organisations by name (the reference table's), never by code; osce had ended by then
    assert "African Union, League of Arab States, United Nations." in text
    assert "Organization for Security" not in text
    assert "National Council for Civil Liberties (GANHRI status B)" in text
    assert "Access for defenders, humanitarian actors and media Negative Journalists expelled." in text
    assert "Prevention special session" in text and "Request a special session" in text
    # confidential comments are for the case page, not for a document that travels
    assert "CONFIDENTIAL-COMMENT-TEXT" not in text


def test_brief_shows_new_evidence_apart(engine, users, decided_case):
    cid, _ = decided_case
    later_bundle = make_bundle(SIGNALS + [sig("hc-2", "2011-03-01", "LBY", "hc", reference="HC 1 March")])
    later = evaluate(later_bundle, RULES, "2011-03-02")
    with session_scope(engine) as s:
        case = review.get_case(s, users["reviewer"], cid)
        fresh = review.new_since(case, later, later_bundle.links)
        text = _read(briefs.case_brief_html(s, users["reviewer"], cid, later_bundle, RULES,
                                            new_since=fresh)).text
    frozen, new = text.split("New since the case opened")
    assert "HC 1 March" in new and "HC 1 March" not in frozen


def test_only_reviewers_and_admins_get_a_brief(engine, users, decided_case):
    cid, bundle = decided_case
    for role in ("viewer", "researcher"):
        with session_scope(engine) as s:
            with pytest.raises(PermissionDenied):
                briefs.case_brief_html(s, users[role], cid, bundle, RULES)


# The sample's situation without the High Commissioner: joint letters by Special Procedures
# (searched completely) trigger it; no High Commissioner source is loaded at all.
SP_ONLY = [sig("sp-2", "2021-05-12", "SYR", ["sp1", "sp2"], reference="JAL SYR 3/2021")]
SP_COVERED = [cover("sp_mandate", "2020-01-01", "2021-12-31", source="ohchr-sp-export-2021")]


@pytest.fixture
def case_without_hc_data(engine, users):
    bundle = make_bundle(SP_ONLY, coverage=SP_COVERED)
    ev = evaluate(bundle, RULES, "2021-06-01")
    assert ev.table.set_index("country").loc["SYR", "status"] == "triggered"
    with session_scope(engine) as s:
        opening.sync_cases(s, users["reviewer"], ev, bundle.links)
        cid = review.queue(s, users["reviewer"])[0]["case"]
    return cid, bundle


def test_a_brief_never_states_an_absence_the_data_cannot_show(engine, users, case_without_hc_data):
    cid, bundle = case_without_hc_data
    with session_scope(engine) as s:
        text = _read(briefs.case_brief_html(s, users["reviewer"], cid, bundle, RULES)).text
    assert "No expression of concern" not in text
    assert "not met" not in text.replace("not met in the data loaded", "")
    # The High Commissioner's line says no source was loaded, with the window's days.
    assert f"{HC_TITLE} no data" in text
    assert "Coverage: no data loaded for these days (2020-06-02 to 2021-06-01)" in text
    assert "Coverage: full (ohchr-sp-export-2021)" in text


def test_the_frozen_record_keeps_its_coverage(engine, users, case_without_hc_data):
    cid, _ = case_without_hc_data
    with session_scope(engine) as s:
        frozen = {c["criterion_id"]: c for c in review.get_case(s, users["reviewer"], cid).snapshot["criteria"]}
    assert (frozen["high_commissioner"]["coverage"], frozen["high_commissioner"]["covered_days"]) == ("none", 0)
    assert frozen["special_procedures"]["coverage"] == "full"
    assert frozen["special_procedures"]["coverage_sources"] == ["ohchr-sp-export-2021"]
    assert frozen["special_procedures"]["window_days"] == 365


def test_a_brief_of_a_record_frozen_before_coverage_says_so(engine, users, decided_case):
    from prevention.storage.models.review import CaseSnapshot

    cid, bundle = decided_case
    with session_scope(engine) as s:
        snap = s.query(CaseSnapshot).filter_by(case_id=cid).one()
        snap.criteria = [{k: v for k, v in c.items()
                          if k not in ("coverage", "covered_days", "coverage_sources", "window_days")}
                         for c in snap.criteria]
    with session_scope(engine) as s:
        text = _read(briefs.case_brief_html(s, users["reviewer"], cid, bundle, RULES)).text
    assert text.count("Coverage not recorded (frozen before coverage was recorded).") == len(RULES.criteria)


def test_the_brief_timeline_hatches_undetermined_days():
    import pandas as pd

    days = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=4),
                         "status": ["triggered", "undetermined", "undetermined", "clear"],
                         "criteria_met": [1, 0, 0, 0]})
    svg = briefs.timeline_svg(days, [])
    assert '<pattern id="undetermined"' in svg
    assert 'fill="url(#undetermined)"><title>undetermined from 2025-01-02 to 2025-01-03' in svg
    assert "grey hatched = undetermined" in svg


# ------------------------------------------------------------------------------ the PDF brief

def _poppler():
    import os
    import shutil

    missing = [t for t in ("pdftoppm", "pdftotext", "pdffonts") if shutil.which(t) is None]
    try:
        briefs.pdf_engine()
    except briefs.BriefPdfUnavailable as exc:
        missing.append(str(exc))
    if missing:
        reason = f"the PDF brief tests need poppler-utils and WeasyPrint ({', '.join(missing)})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + ": .ci/install-pdf.sh installs them")
        pytest.skip(reason + "; run `make test` as root")


def _run(*args) -> str:
    import subprocess

    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


ARABIC, CHINESE = "ليبيا", "利比亚"
ARABIC_TITLE = "الأمين العام يدعو إلى وقف العنف"
CHINESE_TITLE = "人权事务高级专员呼吁停止暴力"


@pytest.fixture
def pdf_brief(engine, users, decided_case, tmp_path):
    """The decided case's brief as PDF, its pages as PNG (pdftoppm) and its text (pdftotext),
    with the State's UN names and two evidence titles in Arabic and Chinese."""
    _poppler()
    from prevention.storage.models.core import Country

    cid, bundle = decided_case
    with session_scope(engine) as s:
        s.merge(Country(iso3="LBY", name="Libya", formal_name="State of Libya", un_group="African",
                        names={"ar": ARABIC, "zh": CHINESE, "fr": "Libye", "ru": "Ливия",
                               "es": "Libia", "en": "Libya"}))
    rows = bundle.signals
    rows.loc[rows["signal_id"] == "las-1", "title"] = ARABIC_TITLE
    rows.loc[rows["signal_id"] == "sp-1", "title"] = CHINESE_TITLE
    with session_scope(engine) as s:
        pdf = briefs.case_brief_pdf(s, users["reviewer"], cid, bundle, RULES)
        snapshot = review.get_case(s, users["reviewer"], cid).snapshot
    path = tmp_path / "brief.pdf"
    path.write_bytes(pdf)
    _run("pdftoppm", "-r", "60", "-png", str(path), str(tmp_path / "page"))
    pages = sorted(tmp_path.glob("page-*.png"))
    text = _run("pdftotext", "-raw", str(path), "-")  # in the order it was laid out
    return {"pdf": pdf, "path": path, "pages": pages, "text": text, "snapshot": snapshot,
            "fonts": _run("pdffonts", str(path))}


def test_the_pdf_brief_prints_what_the_screen_says(pdf_brief):
    from PIL import Image

    assert pdf_brief["pdf"].startswith(b"%PDF-")
    assert pdf_brief["pages"], "pdftoppm rendered no page"
    for png in pdf_brief["pages"]:
        with Image.open(png) as im:
            assert im.width < im.height  # A4 portrait
            inked = sum(im.convert("L").histogram()[:128])
            assert inked > 500, f"{png.name} is blank"
    text = " ".join(pdf_brief["text"].split())
    assert "Situation brief: Libya (LBY)" in text
    squeezed = "".join(text.split())  # a title wraps in its table cell
    for title in (HC_TITLE, SP_TITLE, RO_TITLE):
        assert "".join(title.split()) in squeezed, title
    assert "high_commissioner" not in text and "special_procedures" not in text
    assert "Coverage: full." in text and "1 found, 1 needed" in text
    assert "AfricanUnion,LeagueofArabStates,UnitedNations." in squeezed
    assert "00:00:00" not in text
    assert "Pillay calls for <b>inquiry</b> <script>alert(1)</script>" in text


def test_the_pdf_footer_carries_the_fingerprint_of_the_frozen_evidence(pdf_brief):
    import hashlib

    evidence = pdf_brief["snapshot"]["evidence"]
    digest = briefs.evidence_digest(evidence)
    lines = "".join(f"{sid} {evidence[sid]}\n" for sid in sorted(evidence))
    assert digest == hashlib.sha256(lines.encode()).hexdigest()
    pages = pdf_brief["text"].split("\f")
    printed = [p for p in pages if p.strip()]
    assert len(printed) == len(pdf_brief["pages"]) >= 2
    assert all(digest in " ".join(p.split()) for p in printed), "the fingerprint is not on every page"
    # Any change to one frozen item changes the fingerprint.
    changed = dict(evidence, **{next(iter(evidence)): "0" * 64})
    assert briefs.evidence_digest(changed) != digest


def test_arabic_and_chinese_print_in_noto_fonts(pdf_brief):
    fonts = pdf_brief["fonts"]
    assert "Arabic" in fonts, fonts  # Noto Naskh Arabic or Noto Sans Arabic, embedded
    assert "CJK" in fonts, fonts
    text = pdf_brief["text"]
    for word in (CHINESE, CHINESE_TITLE):
        assert word in "".join(text.split()), word
    # Arabic comes back from the PDF's text layer letter for letter, in whichever order
    # poppler reads the right-to-left run.
    letters = set("".join(text.split()))
    assert set(ARABIC) <= letters and set(ARABIC_TITLE.replace(" ", "")) <= letters


def test_markup_in_a_title_is_printed_as_text_and_fetches_nothing(engine, users, decided_case,
                                                                  monkeypatch):
    _poppler()
    cid, bundle = decided_case
    fetched = []
    monkeypatch.setattr(briefs, "_refuse_fetch", lambda url, *a, **k: fetched.append(url))
    rows = bundle.signals
    rows.loc[rows["signal_id"] == "las-1", "title"] = ('<img src="file:///etc/passwd">'
                                                      '<link rel="stylesheet" href="http://x.test/a.css">')
    with session_scope(engine) as s:
        pdf = briefs.case_brief_pdf(s, users["reviewer"], cid, bundle, RULES)
    assert fetched == []
    import subprocess

    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    assert b'<img src="file:///etc/passwd">' in text


def test_each_pdf_brief_is_audited(engine, users, decided_case):
    _poppler()
    from prevention.accounts import audit

    cid, bundle = decided_case
    with session_scope(engine) as s:
        briefs.case_brief_pdf(s, users["reviewer"], cid, bundle, RULES)
    with session_scope(engine) as s:
        rows = audit.query(s, users["admin"], audit.AuditFilter(action="brief.export"))
        assert [r.detail for r in rows] == ["LBY, snapshot 1, PDF"]
