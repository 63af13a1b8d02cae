"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Written here by hand, beside the documents it describes (prevention/api/payloads.py):
tests/api validate it with openapi-spec-validator and check every response of the test run
against the schema of its path.
"""

from __future__ import annotations

from prevention.api.payloads import API_VERSION, DEFAULT_PER_PAGE, MAX_PER_PAGE

S = {"type": "string"}
I = {"type": "integer"}  # noqa: E741
B = {"type": "boolean"}
N = {"type": "number"}
DAY = {"type": "string", "format": "date"}
NDAY = {"type": ["string", "null"], "format": "date"}
NS = {"type": ["string", "null"]}
STATUS = {"type": "string", "enum": ["triggered", "watch", "undetermined", "clear"]}


def _obj(props: dict, required: list | None = None, extra: bool = True) -> dict:
    out = {"type": "object", "properties": props, "required": required or list(props)}
    if not extra:
        out["additionalProperties"] = False
    return out


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(item: str) -> dict:
    return _obj({"api_version": S, "data": {"type": "array", "items": _ref(item)},
                 "meta": _ref("Meta"), "links": _ref("PageLinks")})


def _single(item: str) -> dict:
    return _obj({"api_version": S, "data": _ref(item), "links": _obj({"self": S}, ["self"])})


SCHEMAS = {
    "Error": _obj({"api_version": S, "error": _obj({"status": I, "title": S, "detail": S})}),
    "Meta": _obj({"page": I, "per_page": I, "total": I, "pages": I}),
    "PageLinks": _obj({"self": S, "first": S, "last": S, "next": NS, "prev": NS}),
    "RuleSetRef": _obj({"id": S, "version": I}, ["id", "version"]),
    "Issuer": _obj({"id": S, "name": S, "kind": S}),
    "Signal": _obj({"signal_id": S, "date": NDAY, "country": S, "title": S, "reference": S,
                    "url": {**S, "description": "as stored; a link only when url_is_web"},
                    "url_is_web": B, "category": S, "concern": B,
                    "issuers": {"type": "array", "items": _ref("Issuer")}}),
    "CriterionCell": _obj({"met": B, "value": I, "coverage": S}),
    "StatusRow": _obj({
        "country": S, "name": S, "status": STATUS, "status_label": S,
        "severity_rank": {**I, "description": "1 = most severe within its status"},
        "criteria_met": I, "issuers": I, "latest_evidence": NDAY,
        "criteria": {"type": "object", "additionalProperties": _ref("CriterionCell")},
        "links": _obj({"self": S, "page": S})}),
    "Criterion": _obj({
        "id": S, "title": S, "type": S, "enabled": B,
        "result": {"type": "string", "enum": ["met", "not met", "not met in the data loaded",
                                               "no data", "disabled"]},
        "met": B, "value": I, "threshold": I, "progress": N,
        "window": _obj({"days": I, "start": DAY, "end": DAY}), "sentence": S,
        "coverage": _obj({"state": {"type": "string", "enum": ["full", "partial", "none"]},
                          "covered_days": I, "sources": {"type": "array", "items": S},
                          "words": S}),
        "evidence": {"type": "array", "items": _ref("Signal")}}),
    "State": _obj({
        "country": S, "name": S, "as_of": DAY,
        "rule_set": _obj({"id": S, "version": I, "title": S}),
        "status": STATUS, "status_label": S, "meaning": S, "criteria_met": I,
        "severity": _obj({"rank": I, "issuers": I, "latest_evidence": NDAY, "reason": S}),
        "criteria": {"type": "array", "items": _ref("Criterion")},
        "links": _obj({"page": S, "signals": S})}),
    "RuleSet": _obj({
        "id": S, "version": I, "title": S, "published": B, "author": S, "created_at": NS,
        "note": S, "description": S, "window_days": I, "min_criteria": I, "watch_ratio": N,
        "criteria": {"type": "array", "items": _obj({
            "id": S, "title": S, "type": S, "enabled": B,
            "issuer_kinds": {"type": "array", "items": S}, "window_days": I})}}),
    "Source": _obj({"source_kind": S, "issuer_kinds": {"type": "array", "items": S},
                    "signals": I, "first_date": NDAY, "last_date": NDAY}),
    "CoverageRow": _obj({"source": S, "issuer_kind": S, "country": NS, "start": NDAY,
                         "end": NDAY, "completeness": S}),
    "Change": _obj({
        "country": S, "name": S, "day": DAY, "before": STATUS, "after": STATUS,
        "criteria": {"type": "array", "items": _obj({
            "id": S, "title": S, "before": S, "after": S, "value_before": I, "value_after": I,
            "threshold": I, "coverage_before": S, "coverage_after": S, "words": S})},
        "signals": {"type": "array", "items": _obj({
            "signal_id": S, "date": NDAY, "title": S, "reference": S, "url": S, "entered": B})},
        "links": _obj({"page": S})}),
    "Digest": _obj({
        "month": S, "start": DAY, "end": DAY, "rule_set": _ref("RuleSetRef"),
        "groups": {"type": "object", "additionalProperties": {"type": "array", "items": S}},
        "changes": {"type": "array", "items": _ref("Change")}, "order": S}),
    "ArchiveMonth": _obj({
        "month": S, "changes": I, "entered_triggered": I, "left_triggered": I,
        "entered_watch": I, "left_watch": I, "entered_undetermined": I,
        "left_undetermined": I, "links": _obj({"self": S})}),
    "Watchlist": _obj({
        "id": I, "name": S, "shared": B, "countries": {"type": "array", "items": S},
        "statuses": {"type": "array", "items": _ref("StatusRow")},
        "links": _obj({"feed": S, "page": S})}),
}
for name in ("Signal", "StatusRow", "RuleSet", "Source", "CoverageRow", "ArchiveMonth", "Watchlist"):
    SCHEMAS[f"{name}List"] = _list(name)
for name in ("State", "Digest", "RuleSet"):
    SCHEMAS[f"{name}Document"] = _single(name)
SCHEMAS["StatusList"] = _obj({
    "api_version": S, "data": {"type": "array", "items": _ref("StatusRow")},
    "meta": {"allOf": [_ref("Meta"), _obj({
        "as_of": DAY, "rule_set": _obj({"id": S, "version": I, "title": S}),
        "counts": _obj({"triggered": I, "watch": I, "undetermined": I, "clear": I}),
        "order": S})]},
    "links": _ref("PageLinks")})
SCHEMAS["Index"] = _obj({"api_version": S, "links": {"type": "object",
                                                      "additionalProperties": S}})


def _param(name: str, description: str, schema=None, where: str = "query",
           required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema or S}


PAGING = [_param("page", "Page number, from 1.", {**I, "minimum": 1, "default": 1}),
          _param("per_page", f"Items per page (at most {MAX_PER_PAGE}).",
                 {**I, "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE})]
AS_OF = _param("as_of", "The day to evaluate (YYYY-MM-DD, default today). Only signals dated on "
                        "or before it count.", DAY)
RULES = _param("rule_set", "A rule set as id or id@version (default: the published one). Any "
                           "other needs a token of a role that may open the threshold lab.")


def _responses(schema: str, *extra: int) -> dict:
    out = {"200": {"description": "OK", "headers": {
        "X-RateLimit-Limit": {"schema": I}, "X-RateLimit-Remaining": {"schema": I},
        "X-RateLimit-Reset": {"schema": I}},
        "content": {"application/json": {"schema": _ref(schema)}}}}
    texts = {400: "A parameter the API cannot use (the detail says which)",
             401: "A token is needed (Authorization: Bearer <token>), or the one given is "
                  "unknown, revoked or its account disabled",
             403: "The token's account may not see this",
             404: "No such resource",
             429: "Too many requests: wait Retry-After seconds"}
    for code in (400, 429, *extra):
        out[str(code)] = {"description": texts[code],
                          "content": {"application/json": {"schema": _ref("Error")}}}
    return out


def _get(summary: str, schema: str, params=(), extra=(), secured: str = "optional",
         tag: str = "public") -> dict:
    op = {"summary": summary, "tags": [tag], "parameters": list(params),
          "responses": _responses(schema, *extra)}
    if secured == "required":
        op["security"] = [{"token": []}]
    elif secured == "optional":
        op["security"] = [{}, {"token": []}]
    else:
        op["security"] = [{}]
    return {"get": op}


def document(server_url: str = "/api/v1") -> dict:
    """The OpenAPI document; `server_url` is the API's address as the client reached it."""
    paths = {
        "/": _get("The API's entry points", "Index", secured="none"),
        "/rule-sets": _get("Rule sets: the published one; every stored version for a token of a "
                           "role that may open the threshold lab", "RuleSetList", PAGING, (401,)),
        "/rule-sets/{rule_set}": _get(
            "One rule set (id or id@version)", "RuleSetDocument",
            [_param("rule_set", "id or id@version", where="path", required=True)],
            (401, 403, 404)),
        "/statuses": _get(
            "Every State's status as of a day under a rule set, most pressing first and by "
            "severity within each status", "StatusList",
            [AS_OF, RULES, _param("status", "Only this status", STATUS),
             _param("country", "Only these States (comma-separated ISO3)"), *PAGING],
            (401, 403, 404)),
        "/states/{iso3}": _get(
            "One State's criteria with their evidence and coverage", "StateDocument",
            [_param("iso3", "ISO 3166-1 alpha-3", where="path", required=True), AS_OF, RULES],
            (401, 403, 404)),
        "/signals": _get(
            "Signals (dated expressions of concern), newest first", "SignalList",
            [_param("country", "Comma-separated ISO3 codes"),
             _param("since", "First day (inclusive)", DAY), _param("until", "Last day (inclusive)", DAY),
             _param("issuer_kind", "e.g. high_commissioner, sp_mandate, security_council"),
             _param("issuer", "An issuer id"), _param("category", "A signal category"),
             _param("q", "Text in the title or reference"), *PAGING], secured="none"),
        "/sources": _get("The signals each kind of source brought", "SourceList", PAGING,
                         secured="none"),
        "/coverage": _get("What each source was searched for (coverage rows)", "CoverageRowList",
                          [_param("issuer_kind", "Only this issuer kind"),
                           _param("country", "Rows about this State or every State"), *PAGING],
                          secured="none"),
        "/changes": _get("The monthly digests: one row per month, newest first",
                         "ArchiveMonthList", PAGING, secured="none"),
        "/changes/{month}": _get(
            "One month's digest: States that entered or left triggered, watch or "
            "undetermined, with the criteria and signals that moved them", "Digest" + "Document",
            [_param("month", "YYYY-MM", where="path", required=True)], (404,), secured="none"),
        "/watchlists": _get("The token owner's watchlists, with each State's status today under "
                            "the published rule set", "WatchlistList", PAGING, (401, 403),
                            secured="required", tag="token"),
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Prevention Dashboard API", "version": API_VERSION,
                 "description": (
                     "Read-only. Public endpoints show what the public pages show (the published "
                     "rule set, the public evidence); the rest needs an API token, made on the "
                     "Account page or with `python -m prevention user token add`, sent as "
                     "`Authorization: Bearer <token>`. The criteria are proposals States made, "
                     "not rules the Human Rights Council adopted. Rate-limited per client "
                     "address, or per token when one is sent (HTTP 429 with Retry-After).")},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                                     "description": "An API token (pd_...)"}}},
    }
