"""Lead validation: lengths, email and phone checks, status transitions."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from pipelineos.errors import ValidationError

STATUSES = ("new", "contacted", "bid_sent", "won", "lost")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("contacted", "bid_sent", "won", "lost"),
    "contacted": ("bid_sent", "won", "lost"),
    "bid_sent": ("contacted", "won", "lost"),
    "won": (),
    "lost": ("contacted",),
}
LIMITS = {
    "name": 200,
    "email": 254,
    "phone": 40,
    "company": 200,
    "address": 500,
    "message": 5000,
    "source": 40,
}


@dataclass(frozen=True)
class LeadInput:
    """A validated, normalized lead ready to store."""

    name: str
    email: str | None
    phone: str | None
    company: str | None
    address: str | None
    message: str
    source: str


def _text(field: str, value: str | None, *, required: bool = False) -> str | None:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError(f"{field} contains a NUL character; remove it.")
    if required and not value:
        raise ValidationError(f"{field} is required.")
    if len(value) > LIMITS[field]:
        raise ValidationError(f"{field} is longer than {LIMITS[field]} characters; shorten it.")
    return value or None


def normalize_email(value: str | None) -> str | None:
    """The normalized address, or ValidationError naming the problem (no DNS lookups)."""
    value = _text("email", value)
    if value is None:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(f"email {value!r} is not valid: {exc}") from exc


def normalize_phone(value: str | None, region: str = "US") -> str | None:
    """The number in E.164 form, or ValidationError when it cannot be a real number."""
    value = _text("phone", value)
    if value is None:
        return None
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"phone {value!r} is not a phone number; include the area code.") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(f"phone {value!r} is not a valid number; include the area code.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def validate_lead(
    *,
    name: str,
    email: str | None = None,
    phone: str | None = None,
    company: str | None = None,
    address: str | None = None,
    message: str = "",
    source: str = "web",
) -> LeadInput:
    """Check every field; at least one way to reach the customer (email or phone) is required."""
    clean_name = _text("name", name, required=True)
    assert clean_name is not None
    clean_email = normalize_email(email)
    clean_phone = normalize_phone(phone)
    if clean_email is None and clean_phone is None:
        raise ValidationError("Give an email address or a phone number so we can answer.")
    return LeadInput(
        name=clean_name,
        email=clean_email,
        phone=clean_phone,
        company=_text("company", company),
        address=_text("address", address),
        message=_text("message", message) or "",
        source=_text("source", source) or "web",
    )


def check_transition(current: str, new: str) -> None:
    """ValidationError unless ``current → new`` is a step of the pipeline."""
    if new not in STATUSES:
        raise ValidationError(f"Unknown status {new!r}; use one of {', '.join(STATUSES)}.")
    if new != current and new not in TRANSITIONS[current]:
        allowed = ", ".join(TRANSITIONS[current]) or "none (final)"
        raise ValidationError(f"A lead cannot go from {current} to {new}; allowed next: {allowed}.")
