"""Users, password login, refresh-token rotation with reuse detection, and API keys."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import dict_row

from pipelineos.auth import service
from pipelineos.errors import AuthenticationFailed, ConflictError, ValidationError


def test_create_and_authenticate(db, seeded) -> None:
    org = seeded["organization_id"]
    user = service.create_user(
        db,
        organization_id=org,
        email="est@example.com",
        password="s3cret-pass",
        role="estimator",
        full_name="Est",
    )
    assert user["role"] == "estimator" and "password_hash" not in user
    assert service.authenticate(db, "EST@example.com", "s3cret-pass")["id"] == user["id"]
    assert service.authenticate(db, "est@example.com", "wrong-pass") is None
    assert service.authenticate(db, "nobody@example.com", "s3cret-pass") is None
    with pytest.raises(ConflictError):
        service.create_user(db, organization_id=org, email="Est@example.com", password="another-pass", role="viewer")
    with pytest.raises(ValidationError):
        service.create_user(db, organization_id=org, email="x@example.com", password="another", role="root")


def test_refresh_rotation_and_reuse_revokes_family(db_url, seeded) -> None:
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        admin = service.authenticate(conn, seeded["admin_email"], seeded["admin_password"])
        first = service.issue_refresh_token(conn, organization_id=admin["organization_id"], user_id=admin["id"], days=7)
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        _, second = service.rotate_refresh_token(conn, first.token, 7)
    assert second.family_id == first.family_id and second.token != first.token
    with psycopg.connect(db_url, row_factory=dict_row) as conn, pytest.raises(AuthenticationFailed):
        service.rotate_refresh_token(conn, first.token, 7)
    with psycopg.connect(db_url, row_factory=dict_row) as conn, pytest.raises(AuthenticationFailed):
        service.rotate_refresh_token(conn, second.token, 7)


def test_api_key_roundtrip(db, seeded) -> None:
    row, key = service.create_api_key(
        db, organization_id=seeded["organization_id"], name="erp", role="viewer", created_by=None
    )
    found = service.authenticate_api_key(db, key)
    assert found["organization_id"] == seeded["organization_id"] and found["role"] == "viewer"
    assert service.authenticate_api_key(db, key + "x") is None
    service.revoke_api_key(db, seeded["organization_id"], row["id"])
    assert service.authenticate_api_key(db, key) is None
