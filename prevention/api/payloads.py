"""The API's JSON documents, built from the engine's results and the stored frames.

Pure: frames, evaluations and digests in, plain dicts out (JSON-ready: strings, numbers,
booleans, lists, None). Shapes are described in prevention/api/openapi.py, and
tests/api/test_openapi.py checks real responses against that description.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from prevention.display.coverage import coverage_words, criterion_result
from prevention.display.status import STATUS_MEANINGS, iso, status_label
from prevention.display.text import web_url
from prevention.watch import severity as sev
from prevention.watch.changes import FOLLOWED, MonthDigest
from triggers.evaluate import Evaluation
from triggers.rules import RuleSet
from triggers.vocabulary import STATUS_ORDER

API_VERSION = "1"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


class BadRequest(ValueError):
    """A parameter the API cannot use; the message says which and what it takes."""


class NotFound(LookupError):
    """No such resource."""


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @classmethod
    def parse(cls, params) -> Page:
        def number(name, default, low, high):
            raw = params.get(name)
            if raw in (None, ""):
                return default
            try:
                value = int(raw)
            except (TypeError, ValueError):
                raise BadRequest(f"{name} is a whole number, not {raw!r}") from None
            if not low <= value <= high:
                raise BadRequest(f"{name} is between {low} and {high}")
            return value

        return cls(number("page", 1, 1, 10**6), number("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE))


def _url(base: str, path: str, params: dict) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}{path}" + (f"?{urlencode(clean)}" if clean else "")


def paginated(items: list, page: Page, *, base: str, path: str, params: dict,
              meta: dict | None = None) -> dict:
    """The list envelope: data (this page), meta (page, per_page, total, pages and `meta`),
    links (self, first, last, next, prev; null where there is none)."""
    total = len(items)
    pages = max(1, math.ceil(total / page.size))
    lo = (page.number - 1) * page.size
    link = lambda n: _url(base, path, {**params, "page": n, "per_page": page.size})  # noqa: E731
    return {
        "api_version": API_VERSION,
        "data": items[lo:lo + page.size],
        "meta": {"page": page.number, "per_page": page.size, "total": total, "pages": pages,
                 **(meta or {})},
        "links": {"self": link(page.number), "first": link(1), "last": link(pages),
                  "next": link(page.number + 1) if page.number < pages else None,
                  "prev": link(page.number - 1) if 1 < page.number <= pages + 1 else None},
    }


def single(data: dict, self_url: str, **links) -> dict:
    return {"api_version": API_VERSION, "data": data, "links": {"self": self_url, **links}}


def error(status: int, title: str, detail: str) -> dict:
    return {"api_version": API_VERSION, "error": {"status": status, "title": title, "detail": detail}}


def _day(value) -> str | None:
    text = iso(value)
    return text or None


# ---------------------------------------------------------------- rule sets

def rule_set(rules: RuleSet, *, published: bool, author: str = "", created_at=None,
             note: str = "") -> dict:
    return {
        "id": rules.id, "version": rules.version, "title": rules.title, "published": published,
        "author": author, "created_at": None if created_at is None else pd.Timestamp(created_at).isoformat(),
        "note": note, "description": rules.description or "", "window_days": rules.window_days,
        "min_criteria": rules.min_criteria, "watch_ratio": rules.watch_ratio,
        "criteria": [{"id": c.id, "title": c.title or c.id, "type": c.type, "enabled": c.enabled,
                      "issuer_kinds": list(c.kinds), "window_days": rules.window_of(c)}
                     for c in rules.criteria],
    }


# ---------------------------------------------------------------- statuses

def _names(countries: pd.DataFrame) -> dict[str, str]:
    return dict(zip(countries["iso3"], countries["name"]))


def status_rows(evaluation: Evaluation, links: pd.DataFrame, countries: pd.DataFrame, *,
                api_base: str, page_url, status: str | None = None,
                codes: list[str] | None = None) -> list[dict]:
    """Every evaluated State, most pressing status first and by severity within it."""
    ranked = sev.severity(evaluation, links)
    if status:
        ranked = ranked[ranked["status"] == status]
    if codes:
        ranked = ranked[ranked["country"].isin(set(codes))]
    names = _names(countries)
    table = evaluation.table.set_index("country")
    enabled = [c for c in evaluation.rules.criteria if c.enabled]
    out = []
    for r in ranked.to_dict("records"):
        code = r["country"]
        row = table.loc[code]
        out.append({
            "country": code, "name": names.get(code, code), "status": r["status"],
            "status_label": status_label(r["status"]), "severity_rank": int(r["rank"]),
            "criteria_met": int(r["criteria_met"]), "issuers": int(r["issuers"]),
            "latest_evidence": _day(r["latest"]),
            "criteria": {c.id: {"met": bool(row[f"{c.id}_met"]), "value": int(row[f"{c.id}_value"]),
                                "coverage": str(row[f"{c.id}_coverage"])} for c in enabled},
            "links": {"self": f"{api_base}/states/{code}?" + urlencode(
                {"as_of": evaluation.as_of, "rule_set": f"{evaluation.rules.id}@{evaluation.rules.version}"}),
                "page": page_url(code)},
        })
    return out


def status_meta(evaluation: Evaluation) -> dict:
    counts = evaluation.table["status"].value_counts()
    return {"as_of": evaluation.as_of,
            "rule_set": {"id": evaluation.rules.id, "version": evaluation.rules.version,
                         "title": evaluation.rules.title},
            "counts": {s: int(counts.get(s, 0)) for s in STATUS_ORDER},
            "order": sev.EXPLANATION}


def _issuers_by_signal(bundle_links: pd.DataFrame, issuers: pd.DataFrame, ids) -> dict[str, list]:
    ids = set(ids)
    if not ids:
        return {}
    picked = bundle_links[bundle_links["signal_id"].isin(ids)].merge(
        issuers[["issuer_id", "name", "kind"]], on="issuer_id", how="left")
    out: dict[str, list] = {}
    for r in picked.itertuples(index=False):
        out.setdefault(r.signal_id, []).append({"id": r.issuer_id, "name": r.name or r.issuer_id,
                                                "kind": r.kind or ""})
    return out


def signal_record(r, issuers: list) -> dict:
    url = r["url"] if isinstance(r["url"], str) else ""
    return {"signal_id": r["signal_id"], "date": _day(r["date"]), "country": r["country"],
            "title": r["title"], "reference": r["reference"],
            "url": url, "url_is_web": web_url(url) is not None,
            "category": r.get("category", "") or "", "concern": bool(r.get("concern", True)),
            "issuers": issuers}


def state(evaluation: Evaluation, code: str, bundle, countries: pd.DataFrame, *,
          api_base: str, page_url: str) -> dict:
    """One State's status, its criteria with their evidence and coverage."""
    code = code.upper()
    if code not in set(evaluation.table["country"]):
        raise NotFound(f"{code} was not evaluated (an ISO 3166-1 alpha-3 code of a State)")
    result = evaluation.country(code)
    ranked = sev.severity(evaluation, bundle.links).set_index("country").loc[code]
    titles = {c.id: (c.title or c.id) for c in evaluation.rules.criteria}
    kinds = {c.id: c.kinds for c in evaluation.rules.criteria}
    all_ids = [s for c in result.criteria for s in c.evidence]
    by_signal = _issuers_by_signal(bundle.links, bundle.issuers, all_ids)
    signals = bundle.signals[bundle.signals["signal_id"].isin(set(all_ids))].set_index("signal_id")
    criteria = []
    for c in result.criteria:
        record = c.model_dump()
        evidence = []
        for sid in c.evidence:
            if sid in signals.index:
                row = signals.loc[sid].to_dict() | {"signal_id": sid}
                evidence.append(signal_record(row, by_signal.get(sid, [])))
        end = (pd.Timestamp(c.window_start) + pd.Timedelta(days=c.window_days - 1)).date().isoformat()
        criteria.append({
            "id": c.criterion_id, "title": titles.get(c.criterion_id, c.criterion_id),
            "type": c.type, "enabled": c.enabled,
            "result": criterion_result(c.met, c.enabled, c.coverage), "met": c.met,
            "value": c.value, "threshold": c.threshold, "progress": round(float(c.progress), 4),
            "window": {"days": c.window_days, "start": c.window_start, "end": end},
            "sentence": c.sentence,
            "coverage": {"state": c.coverage, "covered_days": c.covered_days,
                         "sources": list(c.coverage_sources),
                         "words": coverage_words(record, kinds.get(c.criterion_id, ()))},
            "evidence": evidence,
        })
    return {
        "country": code, "name": _names(countries).get(code, code), "as_of": evaluation.as_of,
        "rule_set": {"id": evaluation.rules.id, "version": evaluation.rules.version,
                     "title": evaluation.rules.title},
        "status": result.status, "status_label": status_label(result.status),
        "meaning": STATUS_MEANINGS.get(result.status, ""), "criteria_met": result.criteria_met,
        "severity": {"rank": int(ranked["rank"]), "issuers": int(ranked["issuers"]),
                     "latest_evidence": _day(ranked["latest"]),
                     "reason": sev.reason(ranked)},
        "criteria": criteria,
        "links": {"page": page_url, "signals": f"{api_base}/signals?country={code}"},
    }


# ---------------------------------------------------------------- signals

SIGNAL_FILTERS = ("country", "since", "until", "issuer_kind", "issuer", "category", "q")


def _date_param(params, name):
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return pd.Timestamp(str(raw)).normalize()
    except (ValueError, TypeError):
        raise BadRequest(f"{name} is a day written YYYY-MM-DD, not {raw!r}") from None


def signals(bundle, params) -> list[dict]:
    """Signals, newest first, filtered by country (comma-separated ISO3), since/until (days,
    inclusive), issuer_kind, issuer (an issuer id), category and q (text in title or
    reference)."""
    frame = bundle.signals
    mask = pd.Series(True, index=frame.index)
    if params.get("country"):
        codes = {c.strip().upper() for c in str(params["country"]).split(",") if c.strip()}
        mask &= frame["country"].isin(codes)
    since, until = _date_param(params, "since"), _date_param(params, "until")
    if since is not None:
        mask &= frame["date"] >= since
    if until is not None:
        mask &= frame["date"] <= until
    if params.get("category"):
        mask &= frame["category"] == str(params["category"])
    if params.get("q"):
        q = str(params["q"]).lower()
        mask &= (frame["title"].str.lower().str.contains(q, regex=False)
                 | frame["reference"].str.lower().str.contains(q, regex=False))
    links = bundle.links
    if params.get("issuer_kind") or params.get("issuer"):
        li = links.merge(bundle.issuers[["issuer_id", "kind"]], on="issuer_id")
        if params.get("issuer_kind"):
            li = li[li["kind"] == str(params["issuer_kind"])]
        if params.get("issuer"):
            li = li[li["issuer_id"] == str(params["issuer"])]
        mask &= frame["signal_id"].isin(set(li["signal_id"]))
    picked = frame[mask].sort_values(["date", "signal_id"], ascending=[False, True])
    by_signal = _issuers_by_signal(links, bundle.issuers, picked["signal_id"])
    return [signal_record(r, by_signal.get(r["signal_id"], [])) for r in picked.to_dict("records")]


# ---------------------------------------------------------------- sources and coverage

def sources(frame: pd.DataFrame) -> list[dict]:
    return [{"source_kind": r["source_kind"], "issuer_kinds": list(r["issuer_kinds"]),
             "signals": int(r["signals"]), "first_date": _day(r["first_date"]),
             "last_date": _day(r["last_date"])} for r in frame.to_dict("records")]


def coverage(frame: pd.DataFrame, params) -> list[dict]:
    """What each source was searched for (docs/coverage.md), filtered by issuer_kind and
    country ('' rows are every State and match any country)."""
    rows = frame
    if params.get("issuer_kind"):
        rows = rows[rows["issuer_kind"] == str(params["issuer_kind"])]
    if params.get("country"):
        code = str(params["country"]).upper()
        rows = rows[(rows["country"] == code) | (rows["country"] == "")]
    return [{"source": r["source"], "issuer_kind": r["issuer_kind"],
             "country": r["country"] or None, "start": _day(r["start"]), "end": _day(r["end"]),
             "completeness": r["completeness"]} for r in rows.to_dict("records")]


# ---------------------------------------------------------------- what changed

def change(c, names: dict, signals_frame: pd.DataFrame, page_url) -> dict:
    rows = signals_frame[signals_frame["signal_id"].isin(set(c.signals))].set_index("signal_id")
    moved = []
    for sid in c.signals:
        if sid in rows.index:
            r = rows.loc[sid]
            moved.append({"signal_id": sid, "date": _day(r["date"]), "title": r["title"],
                          "reference": r["reference"], "url": r["url"],
                          "entered": any(sid in m.added for m in c.moves)})
    return {"country": c.country, "name": names.get(c.country, c.country), "day": c.day,
            "before": c.before, "after": c.after,
            "criteria": [{"id": m.criterion_id, "title": m.title, "before": m.before,
                          "after": m.after, "value_before": m.value_before,
                          "value_after": m.value_after, "threshold": m.threshold,
                          "coverage_before": m.coverage_before, "coverage_after": m.coverage_after,
                          "words": m.words()} for m in c.moves],
            "signals": moved, "links": {"page": page_url(c.country, c.day)}}


def digest(d: MonthDigest, countries: pd.DataFrame, signals_frame: pd.DataFrame, page_url) -> dict:
    names = _names(countries)
    groups = {}
    for s in FOLLOWED:
        groups[f"entered_{s}"] = sorted({c.country for c in d.entered(s)})
        groups[f"left_{s}"] = sorted({c.country for c in d.left(s)})
    return {"month": d.month, "start": d.start, "end": d.end,
            "rule_set": {"id": d.rule_set_id, "version": d.rule_set_version},
            "groups": groups,
            "changes": [change(c, names, signals_frame, page_url) for c in d.changes],
            "order": sev.EXPLANATION}


def archive(frame: pd.DataFrame, *, api_base: str) -> list[dict]:
    return [{**{k: (int(v) if k != "month" else v) for k, v in r.items()},
             "links": {"self": f"{api_base}/changes/{r['month']}"}} for r in frame.to_dict("records")]
