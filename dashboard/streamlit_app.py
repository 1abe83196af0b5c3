"""PipelineOS dashboard: the router. Signs the user in, then shows the pages their role allows."""

from __future__ import annotations

import streamlit as st

from dashboard.utils.session import current_user

st.set_page_config(page_title="PipelineOS", page_icon="🔧", layout="wide")

PAGES = {
    "Work": [
        st.Page("app_pages/upload.py", title="Upload", icon="📤", url_path="upload"),
        st.Page("app_pages/blueprints.py", title="Blueprints", icon="📐", url_path="blueprints", default=True),
        st.Page("app_pages/review.py", title="Review", icon="✅", url_path="review"),
        st.Page("app_pages/bid.py", title="Bid", icon="💵", url_path="bid"),
    ],
    "Sales": [
        st.Page("app_pages/leads.py", title="Leads", icon="📨", url_path="leads"),
        st.Page("app_pages/analytics.py", title="Analytics", icon="📊", url_path="analytics"),
    ],
    "Setup": [st.Page("app_pages/catalog.py", title="Price catalog", icon="🗂️", url_path="catalog")],
}

user = current_user(st.session_state)
if user is None:
    navigation = st.navigation(
        [st.Page("app_pages/login.py", title="Sign in", icon="🔑", url_path="login")], position="hidden"
    )
else:
    with st.sidebar:
        st.text(f"Signed in as {user['email']} ({user['role']})")
    navigation = st.navigation(PAGES)
navigation.run()
