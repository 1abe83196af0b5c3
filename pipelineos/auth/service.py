"""Users, logins, refresh-token families and API keys.

Refresh tokens are opaque random strings stored only as SHA-256 hashes. Each use marks the token used and
issues a new one in the same family; presenting an already used (or revoked) token revokes the whole family,
so a stolen token stops working for everyone the moment it is replayed.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import psycopg

from pipelineos.auth.passwords import hash_password, verify_password
from pipelineos.db.access import fetch_all
from pipelineos.db.queries import queries_beside
from pipelineos.errors import AuthenticationFailed, ConflictError, NotFoundError, ValidationError

Q = queries_beside(__file__)
ROLES = ("admin", "estimator", "viewer")
Row = dict[str, Any]
_DUMMY_HASH: list[str] = []


def _fetch(conn: psycopg.Connection, query: str, /, **params: Any) -> list[Row]:
    return fetch_all(conn, Q[query], params)


def _public(row: Row) -> Row:
    out = {k: v for k, v in row.items() if k != "password_hash"}
    for key in ("id", "organization_id", "created_by"):
        if out.get(key) is not None:
            out[key] = str(out[key])
    return out


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def create_user(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    email: str,
    password: str,
    role: str,
    full_name: str = "",
) -> Row:
    """Create a user with an argon2 password hash; ConflictError when the email is taken."""
    if role not in ROLES:
        raise ValidationError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
    email = email.strip()
    if "@" not in email or len(email) > 254:
        raise ValidationError(f"{email!r} is not an email address.")
    if len(password) < 8:
        raise ValidationError("The password must be at least 8 characters long.")
    try:
        with conn.transaction():
            rows = _fetch(
                conn,
                "insert_user",
                organization_id=organization_id,
                email=email,
                full_name=full_name,
                role=role,
                password_hash=hash_password(password),
            )
    except ConflictError as exc:
        raise ConflictError(f"A user with email {email} already exists.") from exc
    return _public(rows[0])


def authenticate(conn: psycopg.Connection, email: str, password: str) -> Row | None:
    """The active user (without hash) whose password matches, else None (timing kept similar either way)."""
    rows = _fetch(conn, "user_for_login", email=email.strip())
    if not rows:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(hash_password(secrets.token_hex(8)))
        verify_password(_DUMMY_HASH[0], password)
        return None
    user = rows[0]
    if not verify_password(user["password_hash"], password) or not user["is_active"]:
        return None
    return _public(user)


def get_user(conn: psycopg.Connection, organization_id: str, user_id: str) -> Row:
    """A user of the organization, NotFoundError otherwise."""
    try:
        uid = str(uuid.UUID(str(user_id)))
    except ValueError as exc:
        raise NotFoundError(f"No user with id {user_id!r}.") from exc
    rows = _fetch(conn, "get_org_user", organization_id=organization_id, user_id=uid)
    if not rows:
        raise NotFoundError(f"No user with id {user_id} in your organization.")
    return _public(rows[0])


def list_users(conn: psycopg.Connection, organization_id: str) -> list[Row]:
    return [_public(r) for r in _fetch(conn, "list_users", organization_id=organization_id)]


def organization_by_slug(conn: psycopg.Connection, slug: str) -> Row | None:
    rows = _fetch(conn, "org_by_slug", slug=slug)
    return {**rows[0], "id": str(rows[0]["id"])} if rows else None


def default_organization(conn: psycopg.Connection) -> Row | None:
    """The organization when exactly one exists (single-tenant installs), else None."""
    rows = _fetch(conn, "only_org")
    return {**rows[0], "id": str(rows[0]["id"])} if len(rows) == 1 else None


@dataclass(frozen=True)
class IssuedRefresh:
    token: str
    family_id: str
    user_id: str


def issue_refresh_token(
    conn: psycopg.Connection, *, organization_id: str, user_id: str, days: int, family_id: str | None = None
) -> IssuedRefresh:
    """A new refresh token (returned once in clear), in ``family_id`` or a new family."""
    token = secrets.token_urlsafe(32)
    family = family_id or str(uuid.uuid4())
    _fetch(
        conn,
        "insert_refresh_token",
        organization_id=organization_id,
        user_id=user_id,
        family_id=family,
        token_hash=sha256_hex(token),
        seconds=days * 86400,
    )
    return IssuedRefresh(token, family, str(user_id))


def rotate_refresh_token(conn: psycopg.Connection, token: str, days: int) -> tuple[Row, IssuedRefresh]:
    """Spend ``token`` and issue its successor; reuse revokes the family. Returns (user, new token).

    On reuse this function commits the family revocation itself before raising AuthenticationFailed, so the
    revocation sticks even though the caller's transaction then rolls back.
    """
    rows = _fetch(conn, "refresh_token_for_update", token_hash=sha256_hex(token))
    if not rows:
        raise AuthenticationFailed("The refresh token is not valid. Log in again.")
    current = rows[0]
    if current["used_at"] is not None or current["revoked_at"] is not None:
        _fetch(conn, "revoke_family", family_id=current["family_id"])
        conn.commit()
        raise AuthenticationFailed(
            "The refresh token was already used; every session from it is now revoked. Log in again."
        )
    if current["expired"]:
        raise AuthenticationFailed("The refresh token has expired. Log in again.")
    user_rows = _fetch(conn, "get_user", user_id=current["user_id"])
    if not user_rows or not user_rows[0]["is_active"]:
        raise AuthenticationFailed("The account is disabled.")
    _fetch(conn, "mark_refresh_used", id=current["id"])
    issued = issue_refresh_token(
        conn,
        organization_id=str(current["organization_id"]),
        user_id=str(current["user_id"]),
        days=days,
        family_id=str(current["family_id"]),
    )
    return _public(user_rows[0]), issued


def revoke_refresh_token(conn: psycopg.Connection, token: str) -> str | None:
    """Revoke the family of ``token`` (logout); returns the family id, None when the token is unknown."""
    rows = _fetch(conn, "refresh_token_for_update", token_hash=sha256_hex(token))
    if not rows:
        return None
    _fetch(conn, "revoke_family", family_id=rows[0]["family_id"])
    return str(rows[0]["family_id"])


def family_revoked(conn: psycopg.Connection, family_id: str) -> bool:
    """True when the refresh-token family was revoked (logout, or a reused token); unknown families count as
    revoked, since every access token with a session id was issued together with its family."""
    try:
        family = str(uuid.UUID(family_id))
    except ValueError:
        return True
    rows = _fetch(conn, "family_state", family_id=family)
    return not rows or bool(rows[0]["revoked"])


def create_api_key(
    conn: psycopg.Connection, *, organization_id: str, name: str, role: str, created_by: str | None
) -> tuple[Row, str]:
    """A new integration key; the clear key is returned once, only its hash is stored."""
    if role not in ROLES:
        raise ValidationError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
    prefix = secrets.token_hex(4)
    key = f"pos_{prefix}_{secrets.token_urlsafe(32)}"
    rows = _fetch(
        conn,
        "insert_api_key",
        organization_id=organization_id,
        name=name,
        prefix=prefix,
        key_hash=sha256_hex(key),
        role=role,
        created_by=created_by,
    )
    return _public(rows[0]), key


def authenticate_api_key(conn: psycopg.Connection, key: str) -> Row | None:
    """The key's organization and role when it is valid and not revoked."""
    if not key.startswith("pos_") or len(key) > 200:
        return None
    rows = _fetch(conn, "api_key_by_hash", key_hash=sha256_hex(key))
    return _public(rows[0]) if rows else None


def list_api_keys(conn: psycopg.Connection, organization_id: str) -> list[Row]:
    return [_public(r) for r in _fetch(conn, "list_api_keys", organization_id=organization_id)]


def revoke_api_key(conn: psycopg.Connection, organization_id: str, key_id: str) -> None:
    try:
        kid = str(uuid.UUID(str(key_id)))
    except ValueError as exc:
        raise NotFoundError(f"No API key with id {key_id!r}.") from exc
    if not _fetch(conn, "revoke_api_key", organization_id=organization_id, id=kid):
        raise NotFoundError(f"No API key with id {key_id} in your organization.")
