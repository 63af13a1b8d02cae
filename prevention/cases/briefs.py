"""The situation brief for a Bureau meeting: one document per case, as PDF or HTML.

Both come from one Jinja2 template (prevention/cases/templates/brief.html.j2, autoescaped: a
title containing markup stays text) in the words the pages use (prevention.display): criterion
titles, results and coverage, organisation names, ISO dates. The PDF is laid out by WeasyPrint
(A4, running footer, page numbers) with the Noto fonts, so that Arabic and Chinese names and
titles print; the footer carries the fingerprint of the frozen evidence (SHA-256), the same on
every page and in every copy made from the same record. WeasyPrint fetches nothing: the
timeline is inline SVG drawn here, and any other URL is refused. Where WeasyPrint or Pango is
missing, render_pdf raises BriefPdfUnavailable and the page offers the HTML brief, which a
browser prints or saves as PDF.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from prevention.accounts import audit
from prevention.accounts.access import Principal, require
from prevention.cases.review import (
    ACTION_LABELS,
    RATING_LABELS,
    STATE_LABELS,
    CaseView,
    get_case,
    judgements,
)
from prevention.display.coverage import category_label, frozen_criteria
from prevention.display.names import organisation_names
from prevention.display.status import STATUS_MEANINGS, status_label
from prevention.display.text import web_url
from triggers.bundle import Bundle
from triggers.rules import RuleSet, load_rule_set
from triggers.timeline import timeline

TIMELINE_DAYS = 730  # two years up to the as-of date: long enough to see a run of concern build
TEMPLATES = Path(__file__).resolve().parent / "templates"
# The UN's six official languages, in the order the UN lists them, English left out (the
# brief's own language).
UN_LANGUAGES = ("ar", "zh", "fr", "ru", "es")


@dataclass
class Brief:
    case: CaseView
    country_name: str
    rule_title: str
    evidence: pd.DataFrame  # the frozen evidence as it reads now: date, reference, title, url, ...
    new_since: pd.DataFrame | None
    memberships: list[str]  # organisation names, not codes
    nhris: list[dict]
    timeline_days: pd.DataFrame  # date, status, criteria_met
    episodes: pd.DataFrame  # start, end, days
    signal_days: list[date]
    # The frozen criteria as views.frozen_criteria words them (titles, results, coverage).
    criteria: pd.DataFrame = field(default_factory=pd.DataFrame)
    generated: date = field(default_factory=date.today)
    un_names: dict[str, str] = field(default_factory=dict)  # the State's names: {"ar": ..., ...}
    criterion_titles: dict[str, str] = field(default_factory=dict)  # criterion id -> title
    min_criteria: int | None = None


def country_name(session: Session | None, iso3: str) -> str:
    """The UN short name from the countries table, else pycountry's, else the code."""
    if session is not None:
        try:
            from prevention.storage.models.core import Country

            row = session.get(Country, iso3)
            if row is not None and row.name:
                return row.name
        except Exception:  # the countries table is optional for a brief
            pass
    import pycountry

    found = pycountry.countries.get(alpha_3=iso3)
    return getattr(found, "common_name", None) or getattr(found, "name", None) or iso3


def _un_names(session: Session | None, iso3: str) -> dict[str, str]:
    """The State's names in the UN languages other than English, where the table has them."""
    if session is None:
        return {}
    try:
        from prevention.storage.models.core import Country

        row = session.get(Country, iso3)
    except Exception:
        return {}
    names = (row.names or {}) if row is not None else {}
    return {lang: str(names[lang]) for lang in UN_LANGUAGES if names.get(lang)}


def evidence_digest(evidence: dict[str, str]) -> str:
    """The fingerprint of a frozen record's evidence: SHA-256 over its items' content hashes
    (evidence.signal_hash), one 'signal_id hash' line each, in order of the id."""
    lines = "".join(f"{sid} {evidence[sid]}\n" for sid in sorted(evidence))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def gather(session: Session, viewer: Principal | None, case_id: int, bundle: Bundle,
           rules: RuleSet | None = None, new_since: pd.DataFrame | None = None) -> Brief:
    """Everything the brief shows, from the frozen snapshot plus the bundle for context."""
    require(viewer, "brief.export", session)
    case = get_case(session, viewer, case_id)
    snap = case.snapshot
    if rules is None:
        rules = load_rule_set(snap["rule_set_id"])
    as_of = snap["as_of"] if isinstance(snap["as_of"], date) else date.fromisoformat(str(snap["as_of"]))
    frozen = snap["evidence"]
    signals = bundle.signals
    ev = signals.loc[signals["signal_id"].isin(list(frozen))].copy()
    names = bundle.issuers.set_index("issuer_id")["name"]
    links = bundle.links.loc[bundle.links["signal_id"].isin(list(frozen))]
    who = links.assign(name=links["issuer_id"].map(names)).groupby("signal_id")["name"].agg(
        lambda s: "; ".join(sorted(s.dropna())))
    ev["issuers"] = ev["signal_id"].map(who).fillna("")
    missing = sorted(set(frozen) - set(ev["signal_id"]))
    if missing:
        ev = pd.concat([ev, pd.DataFrame({"signal_id": missing, "title": "(no longer in the database)"})],
                       ignore_index=True)
    ev = ev.sort_values("date", ascending=False, na_position="last").reset_index(drop=True)

    mem = bundle.memberships
    day = pd.Timestamp(as_of)
    active = mem.loc[(mem["country"] == case.country)
                     & (mem["since"].isna() | (mem["since"] <= day))
                     & (mem["until"].isna() | (mem["until"] > day))]
    memberships = organisation_names(active["org_id"], names.to_dict())
    iss = bundle.issuers
    nhris = iss.loc[(iss["kind"] == "nhri") & (iss["country"] == case.country),
                    ["name", "accreditation"]].to_dict("records")

    start = as_of - timedelta(days=TIMELINE_DAYS - 1)
    days = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "status": pd.Series(dtype=str),
                         "criteria_met": pd.Series(dtype=int)})
    episodes = pd.DataFrame({"start": [], "end": [], "days": []})
    if case.country in set(signals["country"]):
        tl = timeline(bundle, rules, start, as_of, countries=[case.country])
        frame = tl.frame()
        days = frame.loc[frame["country"] == case.country, ["date", "status", "criteria_met"]]
        episodes = tl.episodes()
        episodes = episodes.loc[episodes["country"] == case.country, ["start", "end", "days"]]
    mine = signals.loc[(signals["country"] == case.country) & signals["concern"]
                       & (signals["date"] >= pd.Timestamp(start)) & (signals["date"] <= day), "date"]
    return Brief(case=case, country_name=country_name(session, case.country),
                 rule_title=rules.title, evidence=ev, new_since=new_since, memberships=memberships,
                 nhris=nhris, timeline_days=days.reset_index(drop=True),
                 episodes=episodes.reset_index(drop=True),
                 signal_days=sorted(d.date() for d in mine),
                 criteria=frozen_criteria(snap["criteria"], rules),
                 un_names=_un_names(session, case.country),
                 criterion_titles={c.id: (c.title or c.id) for c in rules.criteria},
                 min_criteria=rules.min_criteria)


def _audited(session: Session, viewer: Principal | None, case_id: int, bundle: Bundle,
             rules: RuleSet | None, new_since: pd.DataFrame | None, fmt: str) -> Brief:
    brief = gather(session, viewer, case_id, bundle, rules, new_since)
    audit.record(session, viewer, "brief.export", "case", case_id,
                 detail=f"{brief.case.country}, snapshot {brief.case.snapshot['seq']}, {fmt}")
    return brief


def case_brief_html(session: Session, viewer: Principal | None, case_id: int, bundle: Bundle,
                    rules: RuleSet | None = None, new_since: pd.DataFrame | None = None) -> str:
    """The brief as one HTML document; producing it is audited (briefs leave the building)."""
    return render_html(_audited(session, viewer, case_id, bundle, rules, new_since, "HTML"))


def case_brief_pdf(session: Session, viewer: Principal | None, case_id: int, bundle: Bundle,
                   rules: RuleSet | None = None, new_since: pd.DataFrame | None = None) -> bytes:
    """The brief as PDF (audited like the HTML one). Raises BriefPdfUnavailable, before
    anything is recorded, when WeasyPrint cannot run here."""
    pdf_engine()
    return render_pdf(_audited(session, viewer, case_id, bundle, rules, new_since, "PDF"))


# ------------------------------------------------------------------------------- rendering

def _e(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return html.escape(str(value), quote=True)


def _day(value) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""
    try:
        return pd.Timestamp(value).date().isoformat()
    except (ValueError, TypeError):
        return _e(value)


def _text(value) -> str:
    """A cell's text: '' for missing values, never 'nan' or 'None'."""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


STATUS_FILL = {"clear": "#ffffff", "watch": "#f0c75e", "triggered": "#b2182b",
               "undetermined": "url(#undetermined)"}
# Undetermined days are hatched grey: on paper, in black and white, they must not look white
# (clear) nor dark (triggered).
_HATCH = ('<defs><pattern id="undetermined" width="6" height="6" patternUnits="userSpaceOnUse" '
          'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e0e0e0"/>'
          '<line x1="0" y1="0" x2="0" y2="6" stroke="#777" stroke-width="2"/></pattern></defs>')


def timeline_svg(days: pd.DataFrame, signal_days: list[date], width: int = 680) -> str:
    """Status over time as a band (colour plus a text legend), with a tick per signal."""
    if days.empty:
        return ('<p class="muted">No signals about this State are loaded for the two years before '
                'the as-of date, so there is no timeline to draw.</p>')
    dates = pd.to_datetime(days["date"])
    first, last = dates.min(), dates.max()
    span = max((last - first).days, 1)
    left, band_h, top = 10, 26, 22
    scale = (width - 2 * left) / (span + 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="110" '
             f'role="img" aria-label="Status timeline" font-family="Noto Sans, DejaVu Sans, sans-serif">',
             _HATCH]
    status = days["status"].astype(str).to_numpy()
    run_start = 0
    for i in range(1, len(status) + 1):
        if i == len(status) or status[i] != status[run_start]:
            x = left + (dates.iloc[run_start] - first).days * scale
            w = max(((dates.iloc[i - 1] - dates.iloc[run_start]).days + 1) * scale, 1)
            fill = STATUS_FILL.get(status[run_start], "#ddd")
            pattern = ' stroke="#555" stroke-dasharray="2,2"' if status[run_start] == "watch" else ""
            parts.append(f'<rect x="{x:.1f}" y="{top}" width="{w:.1f}" height="{band_h}" '
                         f'fill="{fill}"{pattern}><title>{_e(status[run_start])} from '
                         f'{_day(dates.iloc[run_start])} to {_day(dates.iloc[i - 1])}</title></rect>')
            run_start = i
    parts.append(f'<rect x="{left}" y="{top}" width="{width - 2 * left}" height="{band_h}" '
                 'fill="none" stroke="#333"/>')
    for d in signal_days:
        x = left + (pd.Timestamp(d) - first).days * scale
        parts.append(f'<line x1="{x:.1f}" y1="{top + band_h + 4}" x2="{x:.1f}" '
                     f'y2="{top + band_h + 16}" stroke="#000"><title>signal {d}</title></line>')
    parts.append(f'<text x="{left}" y="14" font-size="11">{_day(first)}</text>')
    parts.append(f'<text x="{width - left}" y="14" font-size="11" text-anchor="end">{_day(last)}</text>')
    # Two lines: one would run past the figure's width on an A4 page.
    parts.append(f'<text x="{left}" y="{top + band_h + 32}" font-size="10">Band: white = clear, '
                 'yellow dashed = watch, dark red = triggered, grey hatched = undetermined (the '
                 'data loaded cannot tell).</text>')
    parts.append(f'<text x="{left}" y="{top + band_h + 46}" font-size="10">Ticks: one per '
                 'expression of concern loaded.</text>')
    parts.append("</svg>")
    return "".join(parts)


def evidence_row(r: dict) -> dict:
    """One frozen signal as the template shows it. `link` is set only for a web address
    (display.text.web_url): the template's only href; anything else is shown as text."""
    url = r.get("url")
    link = web_url(url)
    return {"date": _day(r.get("date")), "issuers": _text(r.get("issuers")),
            "reference": _text(r.get("reference")),
            "category": category_label(r.get("category") or ""),
            "title": _text(r.get("title")) or _text(r.get("reference")) or "(untitled)",
            "link": link, "url_text": "" if link else _text(url).strip()}


HISTORY_WORDS = {"opened": "opened", "reopened": "reopened with a new frozen record",
                 "updated": "updated", "decision": "decision recorded"}


def context(brief: Brief) -> dict:
    """What the template shows, as plain text values (the template escapes every one)."""
    from markupsafe import Markup

    case, snap = brief.case, brief.case.snapshot
    status = snap["status"]
    titles = brief.criterion_titles
    evidence = [evidence_row(r) for r in brief.evidence.to_dict("records")]
    new = None
    if brief.new_since is not None:
        new = [{"date": _day(r.get("date")), "change": _text(r.get("change")),
                "criterion": titles.get(r.get("criterion_id"), _text(r.get("criterion_id"))),
                "reference": _text(r.get("reference")),
                "title": _text(r.get("title")) or _text(r.get("reference")),
                "link": web_url(r.get("url"))}
               for r in brief.new_since.to_dict("records")]
    assessments = []
    for jid, title in judgements().items():
        a = case.assessments.get(jid)
        assessments.append({"title": title,
                            "rating": RATING_LABELS[a["rating"]] if a else "not assessed",
                            "note": a["note"] if a else "",
                            "by": f"{a['author']}, {_day(a['created_at'])}" if a else ""})
    history = [f"{_day(e['created_at'])} {HISTORY_WORDS.get(e['kind'], e['kind'])} by "
               f"{'the system' if e['actor'] == 'system' else e['actor']}"
               for e in case.events if e["kind"] in HISTORY_WORDS]
    return {
        "title": f"Situation brief: {brief.country_name} ({case.country})",
        "un_names": list(brief.un_names.items()),
        "case_id": case.id,
        "case_status": STATE_LABELS.get(case.status, case.status),
        "record": {
            "seq": snap["seq"], "status": status_label(status),
            "meaning": STATUS_MEANINGS.get(status, ""),
            "criteria_met": snap["criteria_met"],
            "min_criteria": brief.min_criteria if brief.min_criteria is not None else "?",
            "rule_title": brief.rule_title,
            "rule_set": f"rule set {snap['rule_set_id']} version {snap['rule_set_version']}",
            "as_of": _day(snap["as_of"]), "made": _day(snap.get("created_at"))},
        "generated": brief.generated.isoformat(),
        "criteria": [{"title": c["Criterion"], "result": c["Result"], "found": c["Found / needed"],
                      "sentence": c["What the record shows"], "coverage": c["Coverage"]}
                     for c in brief.criteria.to_dict("records")],
        "evidence": evidence,
        "evidence_count": len(snap["evidence"]),
        "digest": evidence_digest(snap["evidence"]),
        "new_since": new,
        # Drawn here from the engine's statuses and dates, every text in it escaped (_e).
        "timeline_svg": Markup(timeline_svg(brief.timeline_days, brief.signal_days)),
        "episodes": [{"start": _day(r["start"]), "end": _day(r["end"]), "days": _text(r["days"])}
                     for r in brief.episodes.to_dict("records")],
        "memberships": brief.memberships,
        "nhris": [{"name": _text(n["name"]), "status": _text(n["accreditation"]) or "none"}
                  for n in brief.nhris],
        "assessments": assessments,
        "decisions": [{"date": _day(d["decided_at"]), "action": ACTION_LABELS[d["action"]],
                       "rationale": d["rationale"], "by": d["decided_by"]} for d in case.decisions],
        "history": history,
    }


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                       autoescape=select_autoescape(("html", "j2"), default=True),
                       trim_blocks=True, lstrip_blocks=True)


def render_html(brief: Brief) -> str:
    return _environment().get_template("brief.html.j2").render(**context(brief))


class BriefPdfUnavailable(RuntimeError):
    """WeasyPrint (or the Pango library it lays text out with) is missing here."""


def pdf_engine():
    """The weasyprint module, or BriefPdfUnavailable saying what to install."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango library could not be loaded
        raise BriefPdfUnavailable(
            f"the PDF brief needs WeasyPrint and Pango ({exc}); run `make run` as root, or "
            "install the Debian packages listed in .ci/install-pdf.sh, and download the HTML "
            "brief meanwhile") from None
    return weasyprint


def _refuse_fetch(url: str, *args, **kwargs):
    # Nothing in a brief is loaded from anywhere: a URL that reaches WeasyPrint is a bug or an
    # attempt to make the server fetch it.
    raise ValueError(f"the brief loads no resource ({url[:60]})")


def render_pdf(brief: Brief) -> bytes:
    """The brief as PDF bytes (A4), from the same HTML as render_html."""
    weasyprint = pdf_engine()
    doc = weasyprint.HTML(string=render_html(brief), url_fetcher=_refuse_fetch,
                          base_url=str(TEMPLATES))
    return doc.write_pdf()
