"""Sign-in page (the router shows the same form in place of any page while nobody is signed in)."""

from __future__ import annotations

from dashboard.utils.login_form import login_form

login_form()
