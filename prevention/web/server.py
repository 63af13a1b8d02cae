"""Every HTTP route app.py's server adds to Streamlit's: the session cookie's
(prevention/web/routes.py), the live feeds (feed_routes.py) and the JSON API (api.py).

Apart from routes.py because the pages' sign-in machinery (session.py) reads the cookie's
name and addresses there, and the API reads the pages' data: one module holding both would
tie the pages and the API into a circle.
"""

from __future__ import annotations

from starlette.routing import Route

from prevention.web import api, feed_routes
from prevention.web import routes as cookie


def routes() -> list[Route]:
    base = cookie.base_path()
    return [*cookie.session_routes(base), *feed_routes.routes(base), *api.routes(base)]


def server_routes() -> list[Route]:
    """The routes for app.py's st.App, which also tells the Account page they are served."""
    cookie.ROUTES_ACTIVE = True
    return routes()
