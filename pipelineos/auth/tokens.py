"""Short-lived HS256 access tokens (PyJWT). Only HS256 is accepted, so ``alg: none`` and key confusion
fail."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt

from pipelineos.errors import AuthenticationFailed

ALGORITHM = "HS256"
ISSUER = "pipelineos"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (from a token) or an integration (from an API key)."""

    organization_id: str
    role: str
    user_id: str | None
    kind: str = "user"
    email: str | None = None
    session_id: str | None = None
    """The login (refresh-token family) the access token was issued for; logout revokes it."""


def create_access_token(
    user: dict[str, object], secret: str, minutes: int, now: float | None = None, session_id: str | None = None
) -> str:
    """Sign an access token carrying the user's id, organization, role and login session (``sid``: the
    refresh-token family, so revoking the family at logout also ends the access token)."""
    issued = int(now if now is not None else time.time())
    claims: dict[str, object] = {
        "sub": str(user["id"]),
        "org": str(user["organization_id"]),
        "role": str(user["role"]),
        "email": str(user.get("email") or ""),
        "typ": "access",
        "iss": ISSUER,
        "iat": issued,
        "exp": issued + minutes * 60,
        "jti": uuid.uuid4().hex,
    }
    if session_id is not None:
        claims["sid"] = session_id
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(token: str, secret: str) -> Principal:
    """The principal of a valid access token; AuthenticationFailed for forged, expired or malformed tokens."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationFailed("The access token has expired; refresh it or log in again.") from exc
    except jwt.PyJWTError as exc:
        raise AuthenticationFailed("The access token is not valid; log in again.") from exc
    if claims.get("typ") != "access" or claims.get("role") not in ("admin", "estimator", "viewer"):
        raise AuthenticationFailed("The access token is not valid; log in again.")
    return Principal(
        organization_id=str(claims["org"]),
        role=str(claims["role"]),
        user_id=str(claims["sub"]),
        email=str(claims.get("email") or "") or None,
        session_id=str(claims["sid"]) if claims.get("sid") else None,
    )
