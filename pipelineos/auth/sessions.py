"""Login, refresh and logout as single transactions returning token pairs."""

from __future__ import annotations

from typing import Any

import psycopg

from pipelineos.audit.service import record
from pipelineos.auth import service
from pipelineos.auth.tokens import create_access_token
from pipelineos.errors import AuthenticationFailed


def _pair(user: dict[str, Any], refresh: service.IssuedRefresh, secret: str, minutes: int) -> dict[str, Any]:
    return {
        "access_token": create_access_token(user, secret, minutes, session_id=refresh.family_id),
        "refresh_token": refresh.token,
        "token_type": "bearer",
        "expires_in": minutes * 60,
        "user": user,
    }


def login(
    conn: psycopg.Connection,
    email: str,
    password: str,
    *,
    secret: str,
    minutes: int,
    days: int,
    request_id: str | None = None,
) -> dict[str, Any]:
    """Check the password and open a new refresh-token family."""
    user = service.authenticate(conn, email, password)
    if user is None:
        raise AuthenticationFailed("Wrong email or password.")
    issued = service.issue_refresh_token(conn, organization_id=user["organization_id"], user_id=user["id"], days=days)
    record(
        conn,
        organization_id=user["organization_id"],
        actor_user_id=user["id"],
        action="login",
        entity="user",
        entity_id=user["id"],
        request_id=request_id,
    )
    return _pair(user, issued, secret, minutes)


def refresh(conn: psycopg.Connection, token: str, *, secret: str, minutes: int, days: int) -> dict[str, Any]:
    """Rotate the refresh token; a reused token revokes its family (see service.rotate_refresh_token)."""
    user, issued = service.rotate_refresh_token(conn, token, days)
    return _pair(user, issued, secret, minutes)


def logout(conn: psycopg.Connection, token: str) -> str | None:
    """Revoke the refresh token's family, which also ends the access tokens issued for it (their ``sid``);
    returns the family id, None for an unknown token (logout is idempotent)."""
    return service.revoke_refresh_token(conn, token)


def session_revoked(conn: psycopg.Connection, session_id: str) -> bool:
    """Whether the login ``session_id`` (a refresh-token family) was logged out or revoked for reuse."""
    return service.family_revoked(conn, session_id)
