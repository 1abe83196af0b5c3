"""Credential middleware: reads a Bearer token or X-API-Key and records the caller in the scope.

It never rejects by itself; guards decide (public routes simply have none). A bad credential is remembered
so the
guard can answer 401 with the precise reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.di import Provide
from litestar.types import ASGIApp, Receive, Scope, Send

from pipelineos.auth import service
from pipelineos.auth.tokens import Principal, decode_access_token
from pipelineos.errors import AuthenticationFailed
from pipelineos_api.auth.guards import principal_of
from pipelineos_api.auth.revocation import SessionRevocations
from pipelineos_api.config import ApiConfig
from pipelineos_api.platform.db import tx


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _api_key_principal(conn: object, key: str) -> Principal | None:
    row = service.authenticate_api_key(conn, key)  # type: ignore[arg-type]
    if row is None:
        return None
    return Principal(
        organization_id=row["organization_id"],
        role=row["role"],
        user_id=row.get("created_by"),
        kind="api_key",
    )


class CredentialsMiddleware:
    """Set ``scope['user']`` to a Principal or None and ``scope['auth']`` to an error message or None."""

    def __init__(self, app: ASGIApp, secret: str, revocations: SessionRevocations) -> None:
        self.app = app
        self.secret = secret
        self.revocations = revocations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["user"], scope["auth"] = await self._resolve(scope)
        await self.app(scope, receive, send)

    async def _resolve(self, scope: Scope) -> tuple[Principal | None, str | None]:
        authorization = _header(scope, b"authorization")
        api_key = _header(scope, b"x-api-key")
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return None, "Use 'Authorization: Bearer <access token>'."
            try:
                bearer = decode_access_token(token.strip(), self.secret)
            except AuthenticationFailed as exc:
                return None, exc.message
            if bearer.session_id and await self.revocations.is_revoked(bearer.session_id):
                return None, "This session was logged out; log in again."
            return bearer, None
        if api_key:
            principal = await tx(_api_key_principal, api_key.strip())
            return (principal, None) if principal else (None, "The API key is not valid or was revoked.")
        return None, None


@dataclass(frozen=True)
class Actor:
    """The caller as the core's services and audit trail name it."""

    organization_id: str
    user_id: str | None
    """The user, or None when an integration calls with an API key."""
    request_id: str

    @property
    def kwargs(self) -> dict[str, str | None]:
        """``organization_id``, ``user_id`` and ``request_id`` as keyword arguments of a core service."""
        return {"organization_id": self.organization_id, "user_id": self.user_id, "request_id": self.request_id}

    @property
    def audit(self) -> dict[str, str | None]:
        """``user_id`` and ``request_id`` as keyword arguments."""
        return {"user_id": self.user_id, "request_id": self.request_id}


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    """Who is acting, for services that write the audit log (routes using it are also guarded)."""
    principal = principal_of(request)
    user = principal.user_id if principal.kind == "user" else None
    return Actor(principal.organization_id, user, provide_request_id(request))


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The authenticated caller (routes using it are also guarded)."""
    return principal_of(request)


def provide_config(request: Request[Any, Any, Any]) -> ApiConfig:
    """The app's ApiConfig."""
    return request.app.state.config  # type: ignore[no-any-return]


def provide_revocations(request: Request[Any, Any, Any]) -> SessionRevocations:
    """The app's cache of logged-out sessions."""
    return request.app.state.revocations  # type: ignore[no-any-return]


def provide_request_id(request: Request[Any, Any, Any]) -> str:
    """The X-Request-ID of this request (audit entries carry it)."""
    return str(request.scope.get("state", {}).get("request_id", ""))


DEPENDENCIES = {
    "principal": Provide(provide_principal, sync_to_thread=False),
    "actor": Provide(provide_actor, sync_to_thread=False),
    "config": Provide(provide_config, sync_to_thread=False),
    "request_id": Provide(provide_request_id, sync_to_thread=False),
    "revocations": Provide(provide_revocations, sync_to_thread=False),
}
