"""The session cookie's HTTP routes beside the Streamlit app: it is set and cleared here
(prevention/web/server.py adds these, the live feeds and the JSON API to the server).

Streamlit has no API that sets a cookie from a script, and a cookie that a script writes can be
read by any script on the page. So `app.py` builds an `st.App` (Streamlit's Starlette server)
with two routes of its own, and the cookie is set by the server, `HttpOnly`:

- `/session/begin?code=...`: after a sign-in, the page sends the browser here with a one-time
  code (prevention.accounts.auth.handoff_code, two minutes, single use). The code is exchanged for a
  fresh session token, which goes into the cookie, and the browser is sent back.
- `/session/end`: after signing out, the session is revoked and the cookie cleared.

The cookie is `HttpOnly`, `SameSite=Lax` (a shared link followed from an email or a chat still
arrives signed in) and `Secure` whenever the request reached the server over HTTPS, directly
or through a proxy that says so in `X-Forwarded-Proto`. Uvicorn believes that header only from
the addresses in its `FORWARDED_ALLOW_IPS` setting (default 127.0.0.1: a proxy on this
machine); the same setting decides when `X-Forwarded-For` is taken as the client's address
(docs/accounts.md).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from prevention.accounts import auth

COOKIE = "prevention_session"
BEGIN = "/session/begin"
END = "/session/end"

# True once app.py built the st.App with these routes in this process (server.server_routes). The Streamlit script
# runs in the same process, so the Account page knows whether it can hand a sign-in to the
# cookie route (AppTest, which runs the script without a server, cannot).
ROUTES_ACTIVE = False


def base_path() -> str:
    """server.baseUrlPath as a path prefix ('' or '/dashboard')."""
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def _safe_next(value: str | None) -> str:
    """Where to send the browser back to: a path on this server, never another site."""
    fallback = f"{base_path()}/account"
    if not value or "\\" in value or any(ord(c) < 32 for c in value):
        return fallback
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or value.startswith("//"):
        return fallback
    return value


def begin_url(code: str, next_path: str) -> str:
    return f"{base_path()}{BEGIN}?" + urlencode({"code": code, "next": next_path})


def end_url(next_path: str) -> str:
    return f"{base_path()}{END}?" + urlencode({"next": next_path})


def _from_elsewhere(request: Request) -> bool:
    # Browsers say where a navigation came from. A sign-in code is useless to anyone but the
    # browser it was made for, except to sign that victim into the sender's account ("login
    # CSRF"); and a sign-out link on another site would sign people out. Both are refused.
    return request.headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site")


def _cookie_args(request: Request) -> dict:
    return {"path": base_path() or "/", "httponly": True, "samesite": "lax",
            "secure": request.url.scheme == "https"}


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def begin(request: Request) -> Response:
    from prevention.storage.db import session_scope

    if _from_elsewhere(request):
        return _no_store(PlainTextResponse(
            "This sign-in link was opened from another site, so it was refused. Sign in on the "
            "dashboard's Account page.", status_code=403))
    target = _safe_next(request.query_params.get("next"))
    with session_scope() as s:
        token = auth.exchange_handoff(s, request.query_params.get("code"))
    if token is None:
        # Used already, expired, or signed out meanwhile: back to the form, which says so.
        return _no_store(RedirectResponse(f"{base_path()}/account?signin=expired", status_code=303))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, token, max_age=auth.SESSION_HOURS * 3600, **_cookie_args(request))
    return _no_store(response)


def end(request: Request) -> Response:
    from prevention.storage.db import session_scope

    if _from_elsewhere(request):
        return _no_store(PlainTextResponse(
            "This sign-out link was opened from another site, so it was refused.", status_code=403))
    with session_scope() as s:
        auth.end_session(s, request.cookies.get(COOKIE))
    response = RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    response.delete_cookie(COOKIE, **_cookie_args(request))
    return _no_store(response)


def session_routes(base: str) -> list[Route]:
    """The two session-cookie routes under the server's base path."""
    return [Route(f"{base}{BEGIN}", begin, methods=["GET"]),
            Route(f"{base}{END}", end, methods=["GET"])]
