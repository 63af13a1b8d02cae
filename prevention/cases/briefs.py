"""The situation brief for a Bureau meeting: one print-ready HTML page per case.

HTML rather than PDF so that it needs no browser, font or binary download to produce: the
reader's browser prints it (A4, page breaks kept out of tables' rows) or saves it as PDF. The
timeline chart is inline SVG drawn here, so the brief is one self-contained file that works
offline. Every text taken from a signal is escaped: a title containing markup stays text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, timedelta

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
from prevention.display.status import STATUS_MEANINGS
from prevention.display.text import web_url
from triggers.bundle import Bundle
from triggers.rules import RuleSet, load_rule_set
from triggers.timeline import timeline

TIMELINE_DAYS = 730  # two years up to the as-of date: long enough to see a run of concern build


@dataclass
class Brief:
    case: CaseView
    country_name: str
    rule_title: str
    evidence: pd.DataFrame  # the frozen evidence as it reads now: date, reference, title, url, ...
    new_since: pd.DataFrame | None
    memberships: list[str]
    nhris: list[dict]
    timeline_days: pd.DataFrame  # date, status, criteria_met
    episodes: pd.DataFrame  # start, end, days
    signal_days: list[date]
    # The frozen criteria as views.frozen_criteria words them (titles, results, coverage).
    criteria: pd.DataFrame = field(default_factory=pd.DataFrame)
    generated: date = field(default_factory=date.today)


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


def gather(session: Session, viewer: Principal | None, case_id: int, bundle: Bundle,
           rules: RuleSet | None = None, new_since: pd.DataFrame | None = None) -> Brief:
    """Everything the brief shows, from the frozen snapshot plus the bundle for context."""
    require(viewer, "brief.export")
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
    memberships = sorted({str(names.get(o, o)) for o in active["org_id"]})
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
                 criteria=frozen_criteria(snap["criteria"], rules))


def case_brief_html(session: Session, viewer: Principal | None, case_id: int, bundle: Bundle,
                    rules: RuleSet | None = None, new_since: pd.DataFrame | None = None) -> str:
    """The brief as one HTML document; producing it is audited (briefs leave the building)."""
    brief = gather(session, viewer, case_id, bundle, rules, new_since)
    audit.record(session, viewer, "brief.export", "case", case_id,
                 detail=f"{brief.case.country}, snapshot {brief.case.snapshot['seq']}")
    return render_html(brief)


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


def _link(url: str, text: str) -> str:
    link = web_url(url)
    if link is not None:
        return f'<a href="{_e(link)}">{_e(text)}</a><br><span class="url">{_e(link)}</span>'
    shown = f'<br><span class="url">{_e(url)}</span>' if isinstance(url, str) and url.strip() else ""
    return _e(text) + shown


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
             f'role="img" aria-label="Status timeline">', _HATCH]
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


_CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #111; max-width: 60em; margin: auto; }
h1 { font-size: 17pt; margin-bottom: 0; } h2 { font-size: 12.5pt; border-bottom: 1px solid #999; margin-top: 1.4em; }
.mark { text-transform: uppercase; letter-spacing: .08em; font-size: 8.5pt; color: #7a0010; }
.muted, .url { color: #555; font-size: 8.5pt; word-break: break-all; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #bbb; padding: 3px 5px; vertical-align: top; text-align: left; }
tr { page-break-inside: avoid; } th { background: #eee; }
.met { font-weight: bold; } .note { border-left: 3px solid #999; padding-left: .6em; }
@media print { a { color: #000; } .noprint { display: none; } }
"""


def render_html(brief: Brief) -> str:
    case, snap = brief.case, brief.case.snapshot
    out = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
           f"<title>Situation brief: {_e(brief.country_name)} (case {case.id})</title>"
           f"<style>{_CSS}</style></head><body>"]
    out.append('<p class="mark">Confidential: for the Bureau of the Human Rights Council</p>')
    out.append(f"<h1>Situation brief: {_e(brief.country_name)} ({_e(case.country)})</h1>")
    out.append(
        f"<p>Case {case.id}, status <b>{_e(STATE_LABELS.get(case.status, case.status))}</b>. "
        f"Frozen record {snap['seq']}: rule set <b>{_e(snap['rule_set_id'])} version "
        f"{_e(snap['rule_set_version'])}</b> ({_e(brief.rule_title)}), as of "
        f"<b>{_day(snap['as_of'])}</b>: {_e(snap['status'])}"
        + (f" ({_e(STATUS_MEANINGS[snap['status']])})" if snap["status"] in STATUS_MEANINGS else "")
        + f", {_e(snap['criteria_met'])} criteria met. Brief generated {brief.generated.isoformat()}.</p>")
    out.append('<p class="muted">The criteria are proposals made by States, not rules the Human '
               'Rights Council adopted.</p>')

    out.append("<h2>Criteria</h2><table><tr><th>Criterion</th><th>Result</th><th>Value / threshold</th>"
               "<th>What the record shows</th><th>Coverage when frozen</th></tr>")
    # Results and coverage in the words the pages use: "not met" only where every day of the
    # window was searched, so the brief never states an absence the data cannot show.
    for c in brief.criteria.to_dict("records"):
        out.append(f"<tr><td>{_e(c['Criterion'])}</td><td class=\"{'met' if c['Result'] == 'met' else ''}\">"
                   f"{_e(c['Result'])}</td><td>{_e(c['Value / threshold'])}</td>"
                   f"<td>{_e(c['What the record shows'])}</td><td>{_e(c['Coverage'])}</td></tr>")
    out.append("</table>")

    out.append("<h2>Evidence in the frozen record</h2>")
    out.append(_evidence_table(brief.evidence, snap["evidence"]))
    if brief.new_since is not None:
        out.append("<h2>New since the case opened</h2>")
        if brief.new_since.empty:
            out.append("<p>No new evidence has been loaded since the case opened.</p>")
        else:
            out.append('<p class="muted">Not part of the frozen record above.</p>')
            out.append(_evidence_table(brief.new_since, None))

    out.append("<h2>Timeline</h2>")
    out.append(timeline_svg(brief.timeline_days, brief.signal_days))
    if not brief.episodes.empty:
        out.append("<table><tr><th>Triggered from</th><th>to</th><th>days</th></tr>")
        for r in brief.episodes.to_dict("records"):
            out.append(f"<tr><td>{_day(r['start'])}</td><td>{_day(r['end'])}</td><td>{_e(r['days'])}</td></tr>")
        out.append("</table>")

    out.append("<h2>Memberships and national human rights institution</h2>")
    out.append("<p>Regional organisations (member on the as-of date): "
               + (_e(", ".join(brief.memberships)) if brief.memberships else "none recorded") + ".</p>")
    if brief.nhris:
        out.append("<p>NHRI: " + "; ".join(
            f"{_e(n['name'])} (GANHRI status {_e(n['accreditation'] or 'none')})" for n in brief.nhris)
            + ".</p>")
    else:
        out.append("<p>NHRI: none recorded.</p>")

    out.append("<h2>Reviewers' assessments (Irish Principles)</h2><table><tr><th>Factor</th>"
               "<th>Assessment</th><th>Note</th><th>By</th></tr>")
    for jid, title in judgements().items():
        a = case.assessments.get(jid)
        out.append(f"<tr><td>{_e(title)}</td><td>{_e(RATING_LABELS[a['rating']]) if a else 'not assessed'}"
                   f"</td><td>{_e(a['note']) if a else ''}</td><td>"
                   f"{_e(a['author']) + ', ' + _day(a['created_at']) if a else ''}</td></tr>")
    out.append("</table>")

    out.append("<h2>Decision history</h2>")
    if case.decisions:
        out.append("<table><tr><th>Date</th><th>Action</th><th>Rationale</th><th>Decided by</th></tr>")
        for d in case.decisions:
            out.append(f"<tr><td>{_day(d['decided_at'])}</td><td>{_e(ACTION_LABELS[d['action']])}</td>"
                       f"<td>{_e(d['rationale'])}</td><td>{_e(d['decided_by'])}</td></tr>")
        out.append("</table>")
    else:
        out.append("<p>No decision yet.</p>")
    history = [e for e in case.events if e["kind"] in ("opened", "reopened", "updated", "decision")]
    if history:
        out.append('<p class="muted">Case history: ' + "; ".join(
            f"{_day(e['created_at'])} {_e(e['kind'])} by {_e(e['actor'])}" for e in history) + ".</p>")
    out.append("</body></html>")
    return "\n".join(out)


def _evidence_table(ev: pd.DataFrame, frozen: dict | None) -> str:
    if ev is None or ev.empty:
        return "<p>No evidence.</p>"
    rows = ["<table><tr><th>Date</th><th>Issuer(s)</th><th>Reference</th><th>Category</th>"
            "<th>Title and link</th>"
            + ("<th>Content hash (frozen)</th>" if frozen is not None else "") + "</tr>"]
    for r in ev.to_dict("records"):
        cells = [_day(r.get("date")), _e(r.get("issuers", "")), _e(r.get("reference", "")),
                 _e(category_label(r.get("category") or "")),
                 _link(r.get("url", ""), r.get("title", "") or r.get("signal_id", ""))]
        if frozen is not None:
            cells.append(f'<span class="url">{_e(frozen.get(r["signal_id"], "")[:16])}</span>')
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    rows.append("</table>")
    return "".join(rows)
