"""Login, token refresh, logout, the caller's identity, users and API keys."""

from __future__ import annotations

import dataclasses

import msgspec
from litestar import Controller, delete, get, post

from pipelineos.auth import management, service, sessions
from pipelineos.auth.tokens import Principal
from pipelineos_api.auth.deps import Actor
from pipelineos_api.auth.guards import admin, viewer
from pipelineos_api.auth.revocation import SessionRevocations
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
from pipelineos_api.platform.params import PathId
from pipelineos_api.platform.schemas import to_struct, to_structs


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", operation_id="login", security=PUBLIC, status_code=200)
    async def login(self, data: LoginRequest, config: ApiConfig, request_id: str) -> TokenPair:
        """Exchange email and password for an access token (15 min) and a refresh token (7 days)."""
        pair = await tx(sessions.login, data.email, data.password, request_id=request_id, **config.tokens)
        return to_struct(pair, TokenPair)

    @post("/refresh", operation_id="refreshToken", security=PUBLIC, status_code=200)
    async def refresh(self, data: RefreshRequest, config: ApiConfig) -> TokenPair:
        """Spend a refresh token for a new pair; a token used twice revokes every token of its login."""
        return to_struct(await tx(sessions.refresh, data.refresh_token, **config.tokens), TokenPair)

    @post("/logout", operation_id="logout", security=PUBLIC, status_code=204)
    async def logout(self, data: RefreshRequest, revocations: SessionRevocations) -> None:
        """End the login: its refresh tokens and its access tokens stop working (on other API instances within
        a few seconds)."""
        if family := await tx(sessions.logout, data.refresh_token):
            revocations.revoke(family)

    @get("/me", operation_id="me", guards=[viewer])
    async def me(self, principal: Principal) -> Me:
        """Who the credentials belong to."""
        return to_struct(dataclasses.asdict(principal), Me)


class UsersController(Controller):
    path = "/api/users"
    tags = ["users"]
    guards = [admin]

    @get("/", operation_id="listUsers")
    async def list_users(self, actor: Actor) -> list[User]:
        """The organization's users (admin)."""
        return to_structs(await tx(service.list_users, actor.organization_id), User)

    @post("/", operation_id="createUser")
    async def create_user(self, data: UserCreate, actor: Actor) -> User:
        """Add a user to the caller's organization (admin)."""
        return to_struct(await tx(management.add_user, **actor.kwargs, **msgspec.structs.asdict(data)), User)


class ApiKeysController(Controller):
    path = "/api/api-keys"
    tags = ["users"]
    guards = [admin]

    @get("/", operation_id="listApiKeys")
    async def list_keys(self, actor: Actor) -> list[ApiKey]:
        """Integration keys of the organization (hashes are never shown)."""
        return to_structs(await tx(service.list_api_keys, actor.organization_id), ApiKey)

    @post("/", operation_id="createApiKey")
    async def create_key(self, data: ApiKeyCreate, actor: Actor) -> ApiKeyCreated:
        """Create a key for an integration; the key is shown once, send it as X-API-Key."""
        row, key = await tx(management.add_api_key, **actor.kwargs, **msgspec.structs.asdict(data))
        return ApiKeyCreated(key=key, api_key=to_struct(row, ApiKey))

    @delete("/{key_id:str}", operation_id="revokeApiKey", status_code=204)
    async def revoke_key(self, key_id: PathId, actor: Actor) -> None:
        """Revoke a key; requests using it are refused from now on."""
        await tx(management.remove_api_key, key_id=key_id, **actor.kwargs)
