"""Prevention Dashboard entry point: `streamlit run app.py`. Routing only.

Every page is listed here with its url_path, which is also its id in prevention/accounts/access.py, so
that accounts (issue 5) can filter this list by role without touching any page.

This one file is both halves of the app. `streamlit run app.py` (Streamlit 1.67) sees the
`app = st.App(...)` below and serves it with uvicorn, which imports this file as the module
`app`: that builds the server with the routes of prevention/web/server.py (session cookie, feeds, API). Streamlit
then runs the same file as the script (under the name __main__) for every browser session,
which is the navigation.
"""

import streamlit as st

if __name__ != "__main__":
    from starlette.middleware import Middleware

    from prevention.web import middleware
    from prevention.web import server

    # Static files compressed once per process, and the shared caches warmed at start (issue 17).
    app = st.App("app.py", routes=server.server_routes(),
                 middleware=[Middleware(middleware.CompressedStatic)], lifespan=middleware.lifespan)
else:
    from sqlalchemy.exc import OperationalError

    from prevention.storage.db import BUSY_MESSAGE, is_busy
    from prevention.web.registry import navigation
    from prevention.web.session import current_user, first_start_notice

    st.set_page_config(page_title="Prevention Dashboard", page_icon="▲", layout="wide")
    try:
        # The page list is built from the signed-in user's role (anonymous visitors: the
        # public pages).
        page = st.navigation(navigation(current_user()))
        first_start_notice()
        page.run()
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        # Another writer held the database past the busy timeout: say so, never show SQL.
        st.error(BUSY_MESSAGE[0].upper() + BUSY_MESSAGE[1:] + ".", icon="⏳")
