"""Channels, statuses and recipient validation shared by the outbox and the dispatcher."""

from __future__ import annotations

from typing import Any, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from pipelineos.errors import ValidationError

Channel = Literal["email", "sms"]
CHANNELS: tuple[str, ...] = ("email", "sms")
Attachment = dict[str, Any]
"""``{"sha256": ..., "filename": ..., "content_type": ...}``: a file in content-addressed storage."""


class InvalidRecipient(ValidationError):
    """An address or phone number that cannot be delivered to; the message says why."""


def normalize_recipient(channel: str, recipient: str, default_region: str = "US") -> str:
    """The canonical email address or E.164 number; raises :class:`InvalidRecipient` with the reason."""
    value = (recipient or "").strip()
    if channel == "email":
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise InvalidRecipient(f"Invalid email address {value!r}: {exc}") from exc
    if channel == "sms":
        try:
            number = phonenumbers.parse(value, default_region)
        except phonenumbers.NumberParseException as exc:
            raise InvalidRecipient(f"Invalid phone number {value!r}: {exc}") from exc
        if not phonenumbers.is_valid_number(number):
            raise InvalidRecipient(f"Invalid phone number {value!r}: not a valid number for its region.")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValidationError(f"Unknown channel {channel!r}: use one of {', '.join(CHANNELS)}.")
