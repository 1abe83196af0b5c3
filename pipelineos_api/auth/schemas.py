"""Auth DTOs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from pipelineos_api.platform.schemas import Input, line

Role = Literal["admin", "estimator", "viewer"]
Email = Annotated[str, line(254, 3, examples=["admin@example.com"])]


class LoginRequest(Input):
    email: Email
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024, examples=["correct-horse-battery-staple"])]


class RefreshRequest(Input):
    refresh_token: Annotated[str, msgspec.Meta(min_length=1, max_length=1024, examples=["Zk3v...opaque"])]


class User(msgspec.Struct):
    id: str
    organization_id: str
    email: str
    full_name: str
    role: Role
    is_active: bool
    created_at: datetime


class TokenPair(msgspec.Struct):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    user: User


class Me(msgspec.Struct):
    organization_id: str
    role: Role
    kind: Literal["user", "api_key"]
    user_id: str | None = None
    email: str | None = None


class UserCreate(Input):
    email: Annotated[str, line(254, 3, examples=["new.estimator@example.com"])]
    password: Annotated[str, msgspec.Meta(min_length=8, max_length=1024, examples=["a-long-passphrase"])]
    role: Role
    full_name: Annotated[str, line(200, examples=["Sam Estimator"])] = ""


class ApiKeyCreate(Input):
    name: Annotated[str, line(100, 1, examples=["ERP integration"])]
    role: Role = "viewer"


class ApiKey(msgspec.Struct):
    id: str
    name: str
    prefix: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class ApiKeyCreated(msgspec.Struct):
    key: str
    api_key: ApiKey
