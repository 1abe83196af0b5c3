"""The public form's one statement on real PostgreSQL: lead and auto-reply together, the per-address limit
counted from stored leads, idempotent retries."""

from __future__ import annotations

import psycopg
import pytest

from pipelineos.errors import RateLimited
from pipelineos.leads.intake import IntakeLimit, create_lead
from pipelineos.leads.models import validate_lead

LIMIT = IntakeLimit(per_minute=2, burst=2)


def _count(db: psycopg.Connection, sql: str, *params: object) -> int:
    row = db.execute(sql, params).fetchone()
    return int(row["n"])  # type: ignore[index]


def test_lead_and_its_auto_reply_are_stored_together(seeded: dict[str, str], db: psycopg.Connection) -> None:
    org = seeded["organization_id"]
    lead, created = create_lead(
        db, organization_id=org, lead=validate_lead(name="Ann Smith", email="ann@example.com"), client_ip="10.0.0.1"
    )
    db.commit()
    assert created and lead["client_ip"] == "10.0.0.1" and lead["email"] == "ann@example.com"
    reply = db.execute("select * from messages where lead_id = %s", (lead["id"],)).fetchone()
    assert reply is not None and reply["kind"] == "lead_auto_reply" and reply["status"] == "queued"
    assert reply["recipient"] == "ann@example.com" and reply["dedupe_key"] == f"lead-auto-reply:{lead['id']}"
    assert reply["subject"] and "Hi Ann" in reply["body_text"]
    by_phone, _ = create_lead(db, organization_id=org, lead=validate_lead(name="Bo", phone="(415) 555-0100"))
    db.commit()
    sms = db.execute("select channel, recipient from messages where lead_id = %s", (by_phone["id"],)).fetchone()
    assert sms == {"channel": "sms", "recipient": "+14155550100"}


def test_limit_per_address_refuses_and_stores_nothing(seeded: dict[str, str], db: psycopg.Connection) -> None:
    org, ip = seeded["organization_id"], "10.0.0.2"
    for i in range(2):
        create_lead(
            db, organization_id=org, lead=validate_lead(name=f"L{i}", phone="+14155550100"), client_ip=ip, limit=LIMIT
        )
        db.commit()
    before = _count(db, "select count(*) as n from messages")
    with pytest.raises(RateLimited) as refused:
        create_lead(
            db, organization_id=org, lead=validate_lead(name="L3", phone="+14155550100"), client_ip=ip, limit=LIMIT
        )
    db.rollback()
    assert 1 <= refused.value.extra["retry_after"] <= 60 and "try again in" in refused.value.message
    assert _count(db, "select count(*) as n from leads where client_ip = %s", ip) == 2
    assert _count(db, "select count(*) as n from messages") == before, "no auto-reply for a refused lead"
    other, created = create_lead(
        db,
        organization_id=org,
        lead=validate_lead(name="Else", phone="+14155550100"),
        client_ip="10.0.0.3",
        limit=LIMIT,
    )
    db.commit()
    assert created and other["client_ip"] == "10.0.0.3", "other addresses are not limited"


def test_retry_with_the_same_key_returns_the_first_lead(seeded: dict[str, str], db: psycopg.Connection) -> None:
    org = seeded["organization_id"]
    lead = validate_lead(name="Key Holder", email="key@example.com")
    first, created = create_lead(db, organization_id=org, lead=lead, idempotency_key="form-42", client_ip="10.0.0.4")
    db.commit()
    again, created_again = create_lead(
        db, organization_id=org, lead=lead, idempotency_key="form-42", client_ip="10.0.0.4"
    )
    db.commit()
    assert created and not created_again and again["id"] == first["id"]
    assert _count(db, "select count(*) as n from messages where lead_id = %s", first["id"]) == 1
