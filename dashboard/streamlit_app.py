"""PipelineOS dashboard: the router. Signs the user in, then runs the page the URL names.

Every page stays addressable while nobody is signed in, so a reload, a deep link or an expired session shows
the sign-in form in place and, once signed in, the page that was asked for — with its unsaved work still in
the session. Any error a page lets through is shown as one readable sentence, never as a traceback.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard.utils.db import readable_error
from dashboard.utils.login_form import login_form
from dashboard.utils.preload import start_preload
from dashboard.utils.session import current_user, sign_out

st.set_page_config(page_title="PipelineOS", page_icon="🔧", layout="wide")
SECTIONS = {
    "Work": [
        ("upload", "Upload", "📤"),
        ("blueprints", "Blueprints", "📐"),
        ("review", "Review", "✅"),
        ("bid", "Bid", "💵"),
    ],
    "Sales": [("leads", "Leads", "📨"), ("analytics", "Analytics", "📊")],
    "Setup": [("catalog", "Price catalog", "🗂️")],
}


@st.cache_resource(show_spinner=False)
def preload_heavy_modules() -> object:
    """Once per server process: import PyMuPDF, OpenCV, Altair… in the background while the user signs in."""
    return start_preload()


def pages(signed_in: bool) -> dict[str, list[StreamlitPage]]:
    """Every page by section; while signed out they are hidden and the sign-in page is the default."""
    visibility: Literal["visible", "hidden"] = "visible" if signed_in else "hidden"
    out = {
        section: [
            st.Page(
                f"app_pages/{name}.py",
                title=title,
                icon=icon,
                url_path=name,
                visibility=visibility,
                default=signed_in and name == "blueprints",
            )
            for name, title, icon in entries
        ]
        for section, entries in SECTIONS.items()
    }
    sign_in = st.Page(
        "app_pages/login.py",
        title="Sign in",
        icon="🔑",
        url_path="login",
        visibility="hidden" if signed_in else "visible",
        default=not signed_in,
    )
    return {"Account": [sign_in], **out}


preload_heavy_modules()
user = current_user(st.session_state)
if user is None:
    st.navigation(pages(signed_in=False), position="hidden")
    login_form()
else:
    with st.sidebar:
        st.text(f"Signed in as {user['email']} ({user['role']})")
        if st.button("Sign out", key="nav_sign_out"):
            sign_out(st.session_state)
            st.rerun()
    selected = st.navigation(pages(signed_in=True))
    try:
        selected.run()
    except Exception as exc:
        st.error(readable_error(exc, f"show the {selected.title} page"))
