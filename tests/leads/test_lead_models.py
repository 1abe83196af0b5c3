"""Lead validation and the status pipeline (pure functions)."""

from __future__ import annotations

import pytest

from pipelineos.errors import ValidationError
from pipelineos.leads.models import check_transition, normalize_email, normalize_phone, validate_lead
from pipelineos.leads.replies import auto_reply


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(415) 555-0100", "+14155550100"),
        ("+44 20 7946 0958", "+442079460958"),
        ("415.555.0100", "+14155550100"),
    ],
)
def test_phone_normalized_to_e164(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12", "555-0100", "not a phone", "+1 000 000 0000"])
def test_bad_phones_refused(raw: str) -> None:
    with pytest.raises(ValidationError, match="phone"):
        normalize_phone(raw)


def test_email_normalized_and_checked() -> None:
    assert normalize_email("  Dana@Example.COM ") == "Dana@example.com"
    for bad in ("dana@", "@example.com", "dana example.com", "dana@@example.com"):
        with pytest.raises(ValidationError, match="email"):
            normalize_email(bad)


def test_validate_lead_rules() -> None:
    lead = validate_lead(name="  Dana  ", email=None, phone="415 555 0100", message=" hi ")
    assert (lead.name, lead.phone, lead.message, lead.source) == ("Dana", "+14155550100", "hi", "web")
    with pytest.raises(ValidationError, match="email address or a phone"):
        validate_lead(name="Dana")
    with pytest.raises(ValidationError, match="name is required"):
        validate_lead(name="   ", email="d@example.com")
    with pytest.raises(ValidationError, match="longer than 5000"):
        validate_lead(name="Dana", email="d@example.com", message="x" * 5001)
    with pytest.raises(ValidationError, match="NUL"):
        validate_lead(name="Da\x00na", email="d@example.com")


@pytest.mark.parametrize(
    ("current", "new", "ok"),
    [
        ("new", "contacted", True),
        ("contacted", "bid_sent", True),
        ("bid_sent", "won", True),
        ("bid_sent", "lost", True),
        ("lost", "contacted", True),
        ("won", "lost", False),
        ("contacted", "new", False),
        ("new", "archived", False),
        ("won", "won", True),
    ],
)
def test_transitions(current: str, new: str, ok: bool) -> None:
    if ok:
        check_transition(current, new)
    else:
        with pytest.raises(ValidationError):
            check_transition(current, new)


def test_auto_reply_escapes_html_and_fits_sms() -> None:
    lead = {"name": "<b>Eve</b> Smith", "email": "e@example.com"}
    org = {"name": "Acme & Sons", "phone": "(555) 010-2000", "email": None}
    email = auto_reply(lead, org, "email")
    assert "Acme &amp; Sons" in (email.body_html or "") and "<b>" not in (email.body_html or "")
    assert email.subject == "We received your request – Acme & Sons"
    sms = auto_reply(lead, org, "sms")
    assert sms.subject == "" and len(sms.body_text) <= 600 and "(555) 010-2000" in sms.body_text
