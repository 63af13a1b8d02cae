"""The read-only JSON API, /api/v1 (docs/api.md), as Starlette routes of app.py's st.App.

Public endpoints show what the public pages show: the published rule set's statuses and
criteria, the public evidence, sources and coverage, the monthly digests. The rest (other
rule-set versions, one's own watchlists) needs an API token (prevention.accounts.api_tokens)
sent as `Authorization: Bearer <token>`; the role behind it is read from the database on
every request. Every request is rate-limited (prevention.api.ratelimit). Handlers are thin:
parse, check, call prevention.api.payloads, answer.
"""

from __future__ import annotations

import logging
import threading
from datetime import date
from functools import wraps
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from prevention.accounts import access, api_tokens
from prevention.api import openapi, payloads, ratelimit
from prevention.api.payloads import BadRequest, NotFound, Page
from prevention.storage.db import session_scope
from prevention.storage.settings import get_settings

PREFIX = "/api/v1"


class _NoScriptContextNoise(logging.Filter):
    """The shared caches are Streamlit's; called from a route (no script run), Streamlit warns
    'missing ScriptRunContext' on every miss. Harmless there: dropped for the routes' threads."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not ("missing ScriptRunContext" in record.getMessage()
                    and threading.current_thread().name.startswith("AnyIO worker"))


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    _NoScriptContextNoise())


class Unauthorized(Exception):
    """A token is needed, or the one given does not work."""


class Forbidden(Exception):
    """The token's account may not see this."""


def base_url(request: Request) -> str:
    """The dashboard's address as this client reached it (scheme and host as uvicorn saw
    them: behind a proxy, from X-Forwarded-* of the addresses in FORWARDED_ALLOW_IPS)."""
    from prevention.web.routes import base_path

    return f"{request.url.scheme}://{request.url.netloc}{base_path()}"


def client_address(request: Request) -> str:
    host = request.client.host if request.client else ""
    return host.removeprefix("::ffff:") or "local"


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def _json(body: dict, status: int = 200, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def _problem(status: int, title: str, detail: str, headers: dict | None = None) -> JSONResponse:
    return _json(payloads.error(status, title, detail), status, headers)


def limited(handler, *, feed: bool = False):
    """Authenticate the token if one is sent, count the request (per token, else per client
    address), then run the handler and translate its refusals into HTTP answers."""

    @wraps(handler)
    def run(request: Request) -> Response:
        settings = get_settings()
        token = bearer(request)
        with session_scope() as s:
            user = api_tokens.user_for_token(s, token) if token else None
            if user is not None:
                verdict = ratelimit.hit(s, "token", api_tokens.token_key(token),
                                        settings.api_token_rate_per_minute)
            else:
                verdict = ratelimit.hit(s, "address", client_address(request),
                                        settings.api_rate_per_minute)
        limits = verdict.headers()
        if not verdict.allowed:
            text = (f"Too many requests: at most {verdict.limit} a minute; try again in "
                    f"{verdict.reset} s.")
            if feed:
                from starlette.responses import PlainTextResponse

                return PlainTextResponse(text, status_code=429, headers=limits)
            return _problem(429, "Too Many Requests", text, limits)
        if token and user is None:
            return _problem(401, "Unauthorized", "This token is unknown or revoked, or its account "
                            "is disabled. Make a new one on the Account page.",
                            {**limits, "WWW-Authenticate": 'Bearer error="invalid_token"'})
        request.state.user = user
        try:
            response = handler(request)
        except Unauthorized as exc:
            return _problem(401, "Unauthorized", str(exc),
                            {**limits, "WWW-Authenticate": "Bearer"})
        except (Forbidden, access.PermissionDenied) as exc:
            return _problem(403, "Forbidden", str(exc), limits)
        except NotFound as exc:
            return _problem(404, "Not Found", str(exc), limits)
        except BadRequest as exc:
            return _problem(400, "Bad Request", str(exc), limits)
        response.headers.update(limits)
        if "cache-control" not in response.headers:
            response.headers["Cache-Control"] = "private, no-store" if user else "public, max-age=60"
        if user is None:  # public data: any web page may read it (no credentials involved)
            response.headers.setdefault("Access-Control-Allow-Origin", "*")
        return response

    return run


# ---------------------------------------------------------------- parameters

def _as_of(request: Request) -> str:
    raw = request.query_params.get("as_of")
    if not raw:
        return date.today().isoformat()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"as_of is a day written YYYY-MM-DD, not {raw!r}") from None
    if day > date.today():
        raise BadRequest("as_of is today or earlier: no signal is dated in the future")
    if day.year < 1945:
        raise BadRequest("as_of is after 1945 (the United Nations' founding)")
    return day.isoformat()


def _needs_lab(request: Request, what: str) -> None:
    user = request.state.user
    if user is None:
        raise Unauthorized(f"{what} needs a token of an account that may open the threshold lab "
                           "(researcher or admin); without one, the published rule set is shown.")
    if not access.can_see(user, "lab"):
        raise Forbidden(f"{what} is for accounts that may open the threshold lab (researcher or "
                        f"admin); {user.username} is {user.role}.")


def _rules(request: Request, raw: str | None = None):
    """The rule set asked for (default: the published one), checked against the token."""
    from prevention.cases import rulesets
    from prevention.web import live

    raw = raw if raw is not None else request.query_params.get("rule_set")
    published = live.published()
    if not raw:
        return published
    rid, _, ver = raw.partition("@")
    if ver and not ver.isdigit():
        raise BadRequest(f"rule_set is id or id@version, not {raw!r}")
    if rid == published.id:
        latest = max((i.version for i in rulesets.list_rule_sets() if i.id == rid),
                     default=published.version)
        if int(ver or latest) == published.version:
            return published
    # Anything else: not shown to the public (not even whether it exists).
    _needs_lab(request, f"The rule set {raw!r}")
    try:
        return rulesets.get_rule_set(rid, int(ver) if ver else None)
    except rulesets.RuleSetNotFound as exc:
        raise NotFound(str(exc)) from None


def _page_link(request: Request, rules):
    from prevention.watch.feeds import country_link
    from prevention.web import live

    base, param = base_url(request), live.rule_param(rules)
    return lambda code, as_of: country_link(base, code, param, as_of)


def _list(request: Request, items: list, path: str, meta: dict | None = None) -> Response:
    params = {k: v for k, v in request.query_params.items() if k not in ("page", "per_page")}
    page = Page.parse(request.query_params)
    return _json(payloads.paginated(items, page, base=f"{base_url(request)}{PREFIX}", path=path,
                                    params=params, meta=meta))


# ---------------------------------------------------------------- endpoints

def index(request: Request) -> Response:
    api = f"{base_url(request)}{PREFIX}"
    return _json({"api_version": payloads.API_VERSION, "links": {
        name: f"{api}{path}" for name, path in (
            ("openapi", "/openapi.json"), ("rule_sets", "/rule-sets"), ("statuses", "/statuses"),
            ("state", "/states/{iso3}"), ("signals", "/signals"), ("sources", "/sources"),
            ("coverage", "/coverage"), ("changes", "/changes"), ("watchlists", "/watchlists"))}})


def openapi_json(request: Request) -> Response:
    return _json(openapi.document(f"{base_url(request)}{PREFIX}"),
                 headers={"Cache-Control": "public, max-age=3600"})


def rule_sets(request: Request) -> Response:
    from prevention.cases import rulesets
    from prevention.web import live

    Page.parse(request.query_params)  # a bad page parameter is refused before any work
    pid, pver = live.published_key()
    user = request.state.user
    if user is not None and access.can_see(user, "lab"):
        infos = rulesets.list_rule_sets()
    else:
        infos = [i for i in rulesets.list_rule_sets() if (i.id, i.version) == (pid, pver)]
    items = []
    for info in infos:
        rules = rulesets.get_rule_set(info.id, info.version)
        items.append(payloads.rule_set(rules, published=(info.id, info.version) == (pid, pver),
                                       author=info.author, created_at=info.created_at,
                                       note=info.note))
    if not items:  # nothing stored yet: the shipped default is in force
        rules = live.published()
        items.append(payloads.rule_set(rules, published=True, author="system"))
    return _list(request, items, "/rule-sets")


def one_rule_set(request: Request) -> Response:
    from prevention.cases import rulesets
    from prevention.web import live

    rules = _rules(request, request.path_params["rule_set"])
    pid, pver = live.published_key()
    info = next((i for i in rulesets.list_rule_sets()
                 if (i.id, i.version) == (rules.id, rules.version)), None)
    data = payloads.rule_set(rules, published=(rules.id, rules.version) == (pid, pver),
                             author=info.author if info else "system",
                             created_at=info.created_at if info else None,
                             note=info.note if info else "")
    return _json(payloads.single(data, str(request.url)))


def statuses(request: Request) -> Response:
    from prevention.web import common

    Page.parse(request.query_params)
    rules, as_of = _rules(request), _as_of(request)
    status = request.query_params.get("status") or None
    if status and status not in ("triggered", "watch", "undetermined", "clear"):
        raise BadRequest("status is one of triggered, watch, undetermined, clear")
    codes = [c.strip().upper() for c in request.query_params.get("country", "").split(",") if c.strip()]
    ev = common.evaluation(rules, as_of, sentences=False)
    link = _page_link(request, rules)
    d = common.data()
    items = payloads.status_rows(ev, d["bundle"].links, d["countries"],
                                 api_base=f"{base_url(request)}{PREFIX}",
                                 page_url=lambda code: link(code, as_of), status=status, codes=codes)
    return _list(request, items, "/statuses", payloads.status_meta(ev))


def one_state(request: Request) -> Response:
    from prevention.web import common

    rules, as_of = _rules(request), _as_of(request)
    code = request.path_params["iso3"].upper()
    ev = common.evaluation(rules, as_of, sentences=True)
    d = common.data()
    data = payloads.state(ev, code, d["bundle"], d["countries"],
                          api_base=f"{base_url(request)}{PREFIX}",
                          page_url=_page_link(request, rules)(code, as_of))
    return _json(payloads.single(data, str(request.url)))


def signals(request: Request) -> Response:
    from prevention.web import common

    Page.parse(request.query_params)
    items = payloads.signals(common.data()["bundle"], request.query_params)
    return _list(request, items, "/signals")


def sources(request: Request) -> Response:
    from prevention.web import common

    Page.parse(request.query_params)
    return _list(request, payloads.sources(common.data()["sources"]), "/sources")


def coverage(request: Request) -> Response:
    from prevention.web import common

    Page.parse(request.query_params)
    return _list(request, payloads.coverage(common.data()["coverage"], request.query_params),
                 "/coverage")


def changes(request: Request) -> Response:
    from prevention.web import live

    Page.parse(request.query_params)
    frame = live.archive(live.published())
    return _list(request, payloads.archive(frame, api_base=f"{base_url(request)}{PREFIX}"),
                 "/changes", {"rule_set": dict(zip(("id", "version"), live.published_key()))})


def one_month(request: Request) -> Response:
    from prevention.web import common, live

    month = request.path_params["month"]
    rules = live.published()
    try:
        d = live.digest(rules, month)
    except ValueError as exc:
        raise NotFound(str(exc)) from None
    data = payloads.digest(d, common.data()["countries"], common.data()["bundle"].signals,
                           _page_link(request, rules))
    return _json(payloads.single(data, str(request.url),
                                 page=f"{base_url(request)}/changes?month={month}"))


def watchlists(request: Request) -> Response:
    from prevention.watch import subscriptions
    from prevention.web import common, live

    Page.parse(request.query_params)
    user = request.state.user
    if user is None:
        raise Unauthorized("Your watchlists need your API token (Authorization: Bearer <token>).")
    access.require_page(user, "watchlists")
    rules, today = live.published(), date.today().isoformat()
    ev = common.evaluation(rules, today, sentences=False)
    d = common.data()
    base = base_url(request)
    link = _page_link(request, rules)
    items = []
    for w in subscriptions.owned_by(user.username):
        rows = payloads.status_rows(ev, d["bundle"].links, d["countries"], api_base=f"{base}{PREFIX}",
                                    page_url=lambda code: link(code, today), codes=list(w.countries)) \
            if w.countries else []
        items.append({"id": w.id, "name": w.name, "shared": w.shared, "countries": list(w.countries),
                      "statuses": rows,
                      "links": {"feed": f"{base}/feeds/watchlist/{w.feed_token}.atom",
                                "page": f"{base}/watchlists?" + urlencode({"watchlist": w.id})}})
    return _list(request, items, "/watchlists")


def not_found(request: Request) -> Response:
    return _problem(404, "Not Found", f"No such endpoint: {request.url.path}. The entry points "
                    f"are listed at {base_url(request)}{PREFIX}/ and described at "
                    f"{base_url(request)}{PREFIX}/openapi.json.")


def routes(base: str) -> list[Route]:
    p = f"{base}{PREFIX}"
    return [
        Route(p, limited(index), methods=["GET"]),
        Route(f"{p}/", limited(index), methods=["GET"]),
        Route(f"{p}/openapi.json", limited(openapi_json), methods=["GET"]),
        Route(f"{p}/rule-sets", limited(rule_sets), methods=["GET"]),
        Route(f"{p}/rule-sets/{{rule_set}}", limited(one_rule_set), methods=["GET"]),
        Route(f"{p}/statuses", limited(statuses), methods=["GET"]),
        Route(f"{p}/states/{{iso3}}", limited(one_state), methods=["GET"]),
        Route(f"{p}/signals", limited(signals), methods=["GET"]),
        Route(f"{p}/sources", limited(sources), methods=["GET"]),
        Route(f"{p}/coverage", limited(coverage), methods=["GET"]),
        Route(f"{p}/changes", limited(changes), methods=["GET"]),
        Route(f"{p}/changes/{{month}}", limited(one_month), methods=["GET"]),
        Route(f"{p}/watchlists", limited(watchlists), methods=["GET"]),
        Route(f"{base}/api/{{rest:path}}", not_found),
    ]
