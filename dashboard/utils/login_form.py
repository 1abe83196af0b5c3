"""The sign-in form, shown in place of whatever page the URL names until somebody signs in."""

from __future__ import annotations

import streamlit as st

from dashboard.utils.db import readable_error
from dashboard.utils.review import pending_count
from dashboard.utils.session import EXPIRED_KEY, current_user, sign_in


def login_form() -> None:
    """Email + password against the users table; an expired session says what unsaved work is kept."""
    if current_user(st.session_state) is not None:
        st.switch_page("app_pages/blueprints.py")
    st.title("PipelineOS")
    expired = st.session_state.get(EXPIRED_KEY)
    if expired:
        pending = pending_count(st.session_state)
        note = f" Your {pending} unsaved review decision(s) are kept until you sign in again." if pending else ""
        st.warning(f"Your session expired. Sign in again to continue.{note}")
    with st.form("login_form"):
        email = st.text_input("Email", value=expired["email"] if expired else "", key="login_email")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    try:
        user = sign_in(st.session_state, email, password)
    except Exception as exc:
        st.error(readable_error(exc, "sign in"))
        return
    if user is None:
        st.error("Email or password is wrong, or the account is disabled.")
    else:
        st.rerun()
