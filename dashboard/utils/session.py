"""Sign-in for the dashboard, against the same users and roles as the API.

The signed-in user lives in ``session_state["auth_user"]`` with an expiry. When it expires the user goes back
to the login page, but nothing else in the session is touched, so unsaved review decisions survive and come
back after the same user signs in again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from typing import Any

from dashboard.utils.review import PENDING_KEY
from pipelineos.auth.service import authenticate
from pipelineos.db.pool import connection

AUTH_KEY = "auth_user"
EXPIRED_KEY = "auth_expired_email"
DEFAULT_SESSION_MINUTES = 480
EDIT_ROLES = ("admin", "estimator")

State = MutableMapping[str, Any] | Any
"""``st.session_state`` or any dict (tests)."""


def now() -> dt.datetime:
    """The current time (UTC), the clock sessions expire by."""
    return dt.datetime.now(dt.UTC)


def sign_in(state: State, email: str, password: str, minutes: int = DEFAULT_SESSION_MINUTES) -> dict[str, Any] | None:
    """Check the password; on success store the user (id, organization, role, expiry) and return it."""
    if not email.strip() or not password:
        return None
    with connection() as conn:
        user = authenticate(conn, email, password)
    if user is None:
        return None
    record = {
        "id": str(user["id"]),
        "organization_id": str(user["organization_id"]),
        "email": user["email"],
        "full_name": user.get("full_name") or "",
        "role": user["role"],
        "expires_at": (now() + dt.timedelta(minutes=minutes)).isoformat(),
    }
    previous = state.get(EXPIRED_KEY)
    if previous and previous.get("id") != record["id"]:
        drop_user_drafts(state)
    state.pop(EXPIRED_KEY, None)
    state[AUTH_KEY] = record
    return record


def current_user(state: State, at: dt.datetime | None = None) -> dict[str, Any] | None:
    """The signed-in user, or None; an expired sign-in is removed and remembered for the login message."""
    user = state.get(AUTH_KEY)
    if not user:
        return None
    if dt.datetime.fromisoformat(user["expires_at"]) <= (at or now()):
        state[EXPIRED_KEY] = {"id": user["id"], "email": user["email"]}
        del state[AUTH_KEY]
        return None
    return user


def sign_out(state: State) -> None:
    """Forget the user and every draft they had (an explicit sign-out, unlike an expiry)."""
    state.pop(AUTH_KEY, None)
    state.pop(EXPIRED_KEY, None)
    drop_user_drafts(state)


def drop_user_drafts(state: State) -> None:
    """Remove unsaved review decisions, e.g. when another user signs in on this browser."""
    state.pop(PENDING_KEY, None)


def can_edit(user: dict[str, Any] | None) -> bool:
    """Admins and estimators change data; viewers only look."""
    return bool(user) and user["role"] in EDIT_ROLES  # type: ignore[index]


def is_admin(user: dict[str, Any] | None) -> bool:
    """Only admins change prices and catalog versions."""
    return bool(user) and user["role"] == "admin"  # type: ignore[index]
