"""The live Atom feeds, as Starlette routes of app.py's st.App (prevention/watch/feeds.py
writes them):

- /feeds/watchlist/<token>.atom: a watchlist's status changes and new signals. The token is
  the list's feed token (its owner rotates it on the Watchlists page; the old address then
  answers 404). A feed reader cannot sign in, so the address is the key.
- /feeds/changes.atom: the monthly What changed digests under the published rule set.

Both are rate-limited like the API, answer conditional requests (ETag, 304) and say how long
a reader may keep them (Cache-Control).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from prevention.web.api import base_url, limited

ATOM = "application/atom+xml; charset=utf-8"
MAX_AGE = 900  # a reader polling more often gets 304s cheaply, or the same bytes


def _atom(request: Request, body: bytes) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={MAX_AGE}"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=ATOM, headers=headers)


def watchlist_feed(request: Request) -> Response:
    from prevention.watch import feeds, subscriptions
    from prevention.web import common, live

    followed = subscriptions.by_feed_token(request.path_params["token"])
    if followed is None:
        return PlainTextResponse("No feed at this address: its owner may have made a new one "
                                 "(the address changes when the feed is rotated).", status_code=404,
                                 headers={"Cache-Control": "no-store"})
    base = base_url(request)
    rules = live.published()
    page = (f"{base}/shared?" + urlencode({"list": followed.share_token}) if followed.shared
            else f"{base}/watchlists?" + urlencode({"watchlist": followed.id}))
    body = feeds.watchlist_feed(
        followed.name, followed.id, live.recent_changes(rules, followed.countries),
        live.recent_signals(followed.countries), live.names(),
        self_url=str(request.url.replace(query="")), page_url=page, base_url=base,
        rules_param=live.rule_param(rules), rules_title=f"{rules.title} v{rules.version}",
        all_signals=common.data()["bundle"].signals, synthetic=common.data()["synthetic"],
        now=_day_stamp())
    return _atom(request, body)


def _day_stamp() -> datetime:
    # The feed's <updated> moves with the hour, not the second: a reader polling twice with
    # nothing new gets the same bytes (and a 304).
    now = datetime.now(timezone.utc)
    return now.replace(minute=0, second=0, microsecond=0)


def changes_feed(request: Request) -> Response:
    from prevention.watch import feeds
    from prevention.web import common, live

    base = base_url(request)
    rules = live.published()
    months = live.archive(rules)["month"].head(live.ARCHIVE_MONTHS).tolist()
    digests = [live.digest(rules, m) for m in months]
    body = feeds.changes_feed(digests, live.names(), common.data()["bundle"].signals,
                              self_url=str(request.url.replace(query="")), page_url=f"{base}/changes",
                              base_url=base, rules_param=live.rule_param(rules),
                              rules_title=f"{rules.title} v{rules.version}",
                              synthetic=common.data()["synthetic"], now=_day_stamp())
    return _atom(request, body)


def routes(base: str) -> list[Route]:
    return [Route(f"{base}/feeds/watchlist/{{token}}.atom", limited(watchlist_feed, feed=True),
                  methods=["GET"]),
            Route(f"{base}/feeds/changes.atom", limited(changes_feed, feed=True), methods=["GET"])]
