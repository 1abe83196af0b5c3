"""The instant auto-reply a customer gets after sending the public form."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reply:
    subject: str
    body_text: str
    body_html: str | None


def auto_reply(lead: dict[str, Any], org: dict[str, Any], channel: str) -> Reply:
    """Text (and HTML for email) thanking the customer and saying what happens next."""
    company = org.get("name") or "our team"
    first = (lead.get("name") or "there").split()[0]
    contact = " or ".join(x for x in (org.get("phone"), org.get("email")) if x)
    if channel == "sms":
        text = f"Hi {first}, thanks for contacting {company}. We got your request and will reply within one "
        text += "business day." + (f" Questions: {contact}" if contact else "")
        return Reply("", text[:600], None)
    subject = f"We received your request – {company}"
    text = (
        f"Hi {first},\n\nThank you for contacting {company}. We received your request and an estimator will "
        "get back to you within one business day.\n\n"
        + (f"If it is urgent, reach us at {contact}.\n\n" if contact else "")
        + f"— {company}"
    )
    body_html = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n"))
    return Reply(subject, text, body_html)
