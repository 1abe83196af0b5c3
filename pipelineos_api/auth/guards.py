"""Guards: authenticated caller, and minimum role (viewer < estimator < admin)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from pipelineos.auth.tokens import Principal

RANK = {"viewer": 0, "estimator": 1, "admin": 2}


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The authenticated caller, or 401 naming what was wrong with the credentials."""
    user = connection.scope.get("user")
    if isinstance(user, Principal):
        return user
    reason = (
        connection.scope.get("auth") or "Authentication required: send 'Authorization: Bearer <token>' or 'X-API-Key'."
    )
    raise NotAuthorizedException(detail=reason)


def _require(role: str, connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    principal = principal_of(connection)
    if RANK[principal.role] < RANK[role]:
        raise PermissionDeniedException(detail=f"This action needs the {role} role; you are {principal.role}.")


def viewer(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Any authenticated member of the organization."""
    _require("viewer", connection)


def estimator(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Estimators and admins."""
    _require("estimator", connection)


def admin(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Admins only."""
    _require("admin", connection)
