"""Delivery transports: SMTP email and SMS (Twilio-compatible HTTP API, or a local jsonl sink).

A transport either returns the provider's message id or raises :class:`DeliveryFailed` saying whether the
provider **did not accept** the message (``accepted=False``: retrying cannot duplicate it; ``permanent`` says
whether retrying can help) or whether the outcome is **unknown** (``accepted=None``: the content may have
reached the provider). ``on_transmitting`` is called — and must commit — just before the content is handed
over, so a crash after that point is known to be ambiguous.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx

from pipelineos.notify.delivery import DeliveryFailed, OnTransmitting, Transport
from pipelineos.notify.smtp import SmtpSession, SmtpTransport, build_email

__all__ = [
    "DeliveryFailed",
    "LocalSmsSink",
    "OnTransmitting",
    "SmtpSession",
    "SmtpTransport",
    "Transport",
    "TwilioSms",
    "build_email",
]


class LocalSmsSink:
    """Development SMS: appends one JSON line per message to ``path`` (fsynced)."""

    def __init__(self, path: Path, sender: str | None = None) -> None:
        self.path, self.sender = Path(path), sender or "PipelineOS"

    def send(self, message: dict[str, Any], on_transmitting: OnTransmitting) -> str | None:
        on_transmitting()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "id": message["provider_message_id"],
            "to": message["recipient"],
            "from": self.sender,
            "body": message["body_text"],
            "message_id": str(message["id"]),
        }
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return str(message["provider_message_id"])


class TwilioSms:
    """SMS through the Twilio REST API shape: POST /2010-04-01/Accounts/{sid}/Messages.json (form body)."""

    PERMANENT_CODES = {21211, 21214, 21408, 21610, 21612, 21614}

    def __init__(
        self,
        *,
        api_url: str,
        account_sid: str,
        auth_token: str,
        sender: str,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.url = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = (account_sid, auth_token)
        self.sender, self.timeout, self.client = sender, timeout, client

    def send(self, message: dict[str, Any], on_transmitting: OnTransmitting) -> str | None:
        client = self.client or httpx.Client(timeout=self.timeout)
        try:
            on_transmitting()
            response = client.post(
                self.url,
                auth=self.auth,
                data={"To": message["recipient"], "From": self.sender, "Body": message["body_text"]},
            )
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise DeliveryFailed(f"SMS API unreachable: {exc}") from exc
        except httpx.TransportError as exc:
            raise DeliveryFailed(f"SMS API connection lost mid-request: {exc}", accepted=None) from exc
        finally:
            if self.client is None:
                client.close()
        if response.status_code in (200, 201):
            return str(response.json().get("sid") or message["provider_message_id"])
        try:
            body = response.json()
        except ValueError:
            body = {"message": response.text[:200]}
        reason = f"SMS API answered {response.status_code}: {body.get('message', '')} (code {body.get('code')})"
        permanent = response.status_code in (400, 401, 403, 404) or body.get("code") in self.PERMANENT_CODES
        raise DeliveryFailed(reason, accepted=False, permanent=permanent and response.status_code != 429)
