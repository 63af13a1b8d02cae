"""Prevention Dashboard entry point: `streamlit run app.py`. Routing only.

Every page is listed here with its url_path, which is also its id in prevention/access.py, so
that accounts (issue 5) can filter this list by role without touching any page.
"""

import streamlit as st

from prevention.ui.login import current_user, first_start_notice, navigation

st.set_page_config(page_title="Prevention Dashboard", page_icon="▲", layout="wide")
# The page list is built from the signed-in user's role (anonymous visitors: the public pages).
page = st.navigation(navigation(current_user()))
first_start_notice()
page.run()
