"""Login, token refresh, logout, the caller's identity, users and API keys."""

from __future__ import annotations

from litestar import Controller, delete, get, post

from pipelineos.auth import management, service, sessions
from pipelineos.auth.tokens import Principal
from pipelineos_api.auth.guards import admin, viewer
from pipelineos_api.auth.schemas import (
    ApiKey,
    ApiKeyCreate,
    ApiKeyCreated,
    LoginRequest,
    Me,
    RefreshRequest,
    TokenPair,
    User,
    UserCreate,
)
from pipelineos_api.config import ApiConfig
from pipelineos_api.platform.db import tx
from pipelineos_api.platform.openapi import PUBLIC
from pipelineos_api.platform.schemas import to_struct, to_structs


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", operation_id="login", security=PUBLIC, status_code=200)
    async def login(self, data: LoginRequest, config: ApiConfig, request_id: str) -> TokenPair:
        """Exchange email and password for an access token (15 min) and a refresh token (7 days)."""
        pair = await tx(
            sessions.login,
            data.email,
            data.password,
            secret=config.jwt_secret,
            minutes=config.access_token_minutes,
            days=config.refresh_token_days,
            request_id=request_id,
        )
        return to_struct(pair, TokenPair)

    @post("/refresh", operation_id="refreshToken", security=PUBLIC, status_code=200)
    async def refresh(self, data: RefreshRequest, config: ApiConfig) -> TokenPair:
        """Spend a refresh token for a new pair; a token used twice revokes every token of its login."""
        pair = await tx(
            sessions.refresh,
            data.refresh_token,
            secret=config.jwt_secret,
            minutes=config.access_token_minutes,
            days=config.refresh_token_days,
        )
        return to_struct(pair, TokenPair)

    @post("/logout", operation_id="logout", security=PUBLIC, status_code=204)
    async def logout(self, data: RefreshRequest) -> None:
        """Revoke the refresh token and every token rotated from the same login."""
        await tx(sessions.logout, data.refresh_token)

    @get("/me", operation_id="me", guards=[viewer])
    async def me(self, principal: Principal) -> Me:
        """Who the credentials belong to."""
        return Me(
            organization_id=principal.organization_id,
            role=principal.role,  # type: ignore[arg-type]
            kind=principal.kind,  # type: ignore[arg-type]
            user_id=principal.user_id,
            email=principal.email,
        )


class UsersController(Controller):
    path = "/api/users"
    tags = ["users"]
    guards = [admin]

    @get("/", operation_id="listUsers")
    async def list_users(self, principal: Principal) -> list[User]:
        """The organization's users (admin)."""
        return to_structs(await tx(service.list_users, principal.organization_id), User)

    @post("/", operation_id="createUser")
    async def create_user(self, data: UserCreate, principal: Principal, request_id: str) -> User:
        """Add a user to the caller's organization (admin)."""
        row = await tx(
            management.add_user,
            organization_id=principal.organization_id,
            actor_user_id=principal.user_id,
            email=data.email,
            password=data.password,
            role=data.role,
            full_name=data.full_name,
            request_id=request_id,
        )
        return to_struct(row, User)


class ApiKeysController(Controller):
    path = "/api/api-keys"
    tags = ["users"]
    guards = [admin]

    @get("/", operation_id="listApiKeys")
    async def list_keys(self, principal: Principal) -> list[ApiKey]:
        """Integration keys of the organization (hashes are never shown)."""
        return to_structs(await tx(service.list_api_keys, principal.organization_id), ApiKey)

    @post("/", operation_id="createApiKey")
    async def create_key(self, data: ApiKeyCreate, principal: Principal, request_id: str) -> ApiKeyCreated:
        """Create a key for an integration; the key is shown once, send it as X-API-Key."""
        actor = principal.user_id if principal.kind == "user" else None
        row, key = await tx(
            management.add_api_key,
            organization_id=principal.organization_id,
            actor_user_id=actor,
            name=data.name,
            role=data.role,
            request_id=request_id,
        )
        return ApiKeyCreated(key=key, api_key=to_struct(row, ApiKey))

    @delete("/{key_id:str}", operation_id="revokeApiKey", status_code=204)
    async def revoke_key(self, key_id: str, principal: Principal, request_id: str) -> None:
        """Revoke a key; requests using it are refused from now on."""
        await tx(
            management.remove_api_key,
            organization_id=principal.organization_id,
            actor_user_id=principal.user_id if principal.kind == "user" else None,
            key_id=key_id,
            request_id=request_id,
        )
