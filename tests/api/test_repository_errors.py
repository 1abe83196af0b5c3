"""The repository backstop: driver errors from real PostgreSQL become domain errors, never psycopg ones."""

from __future__ import annotations

import psycopg
import pytest

from pipelineos.auth.service import authenticate
from pipelineos.db.access import fetch_all
from pipelineos.errors import ConflictError, NotFoundError, ValidationError
from pipelineos.leads.service import list_leads


@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        ("select %(v)s::text", {"v": "a\x00b"}, ValidationError),  # NUL, refused by the driver
        ("select %(v)s::bigint", {"v": 10**20}, ValidationError),  # out of range
        ("select %(v)s::int", {"v": 2**40}, ValidationError),
        ("select %(v)s::numeric(4, 2)", {"v": 12345}, ValidationError),
        ("select %(v)s::uuid", {"v": "not-a-uuid"}, NotFoundError),  # a malformed id names nothing
        ("select 1 / %(v)s", {"v": 0}, ValidationError),
        ("insert into organizations (name, slug) values ('A', %(v)s), ('B', %(v)s)", {"v": "dup"}, ConflictError),
        ("insert into organizations (name, slug) values (null, %(v)s)", {"v": "x"}, ValidationError),
    ],
)
def test_driver_errors_become_domain_errors(db: psycopg.Connection, query: str, params: dict, expected: type) -> None:
    with pytest.raises(expected) as caught:
        fetch_all(db, query, params)  # type: ignore[arg-type]
    assert "psycopg" not in caught.value.message and "Traceback" not in caught.value.message
    db.rollback()


def test_services_refuse_nul_instead_of_crashing(db: psycopg.Connection, seeded: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        authenticate(db, "admin\x00@example.com", "whatever")
    db.rollback()
    with pytest.raises(ValidationError):
        list_leads(db, seeded["organization_id"], q="\x00")
