"""Sign-in page. After an expired session the user's unsaved review decisions are kept and restored."""

from __future__ import annotations

import streamlit as st

from dashboard.utils.db import readable_error
from dashboard.utils.session import EXPIRED_KEY, sign_in

st.title("PipelineOS")
expired = st.session_state.get(EXPIRED_KEY)
if expired:
    pending = sum(len(v) for v in st.session_state.get("review_pending", {}).values())
    note = f" Your {pending} unsaved review decision(s) are kept until you sign in again." if pending else ""
    st.warning(f"Your session expired. Sign in again to continue.{note}")

with st.form("login_form"):
    email = st.text_input("Email", value=expired["email"] if expired else "", key="login_email")
    password = st.text_input("Password", type="password", key="login_password")
    submitted = st.form_submit_button("Sign in", type="primary")

if submitted:
    try:
        user = sign_in(st.session_state, email, password)
    except Exception as exc:
        st.error(readable_error(exc, "sign in"))
    else:
        if user is None:
            st.error("Email or password is wrong, or the account is disabled.")
        else:
            st.rerun()
