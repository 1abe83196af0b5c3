"""Delivery transports: SMTP email and SMS (Twilio-compatible HTTP API, or a local jsonl sink).

A transport either returns the provider's message id or raises :class:`DeliveryFailed` saying whether the
provider **did not accept** the message (``accepted=False``: retrying cannot duplicate it; ``permanent`` says
whether retrying can help) or whether the outcome is **unknown** (``accepted=None``: the content may have
reached the provider). ``on_transmitting`` is called — and must commit — just before the content is handed
over, so a crash after that point is known to be ambiguous.
"""

from __future__ import annotations

import json
import mimetypes
import os
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, parseaddr
from pathlib import Path
from typing import Any, Protocol

import httpx

from pipelineos.storage import Storage, StorageError

OnTransmitting = Callable[[], None]


class DeliveryFailed(Exception):
    """A send that did not succeed; ``accepted`` is False (not accepted) or None (unknown)."""

    def __init__(self, reason: str, *, accepted: bool | None = False, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.accepted = accepted
        self.permanent = permanent


class Transport(Protocol):
    def send(self, message: dict[str, Any], on_transmitting: OnTransmitting) -> str | None: ...


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def _classify(code: int, text: str, what: str) -> DeliveryFailed:
    permanent = 500 <= code < 600
    return DeliveryFailed(f"{what} refused by the server: {code} {text}", accepted=False, permanent=permanent)


def build_email(message: dict[str, Any], mail_from: str, storage: Storage | None) -> EmailMessage:
    """The MIME message: text body, optional HTML alternative, attachments read from storage."""
    email = EmailMessage(policy=SMTP)
    email["From"] = mail_from
    email["To"] = message["recipient"]
    email["Subject"] = message["subject"]
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message["provider_message_id"]
    email.set_content(message["body_text"])
    if message.get("body_html"):
        email.add_alternative(message["body_html"], subtype="html")
    for item in message.get("attachments") or []:
        if storage is None:
            raise DeliveryFailed("attachments need a storage", permanent=True)
        try:
            data = storage.read_bytes(item["sha256"])
        except StorageError as exc:
            raise DeliveryFailed(f"attachment {item['filename']!r} is missing: {exc}", permanent=True) from exc
        ctype = item.get("content_type") or mimetypes.guess_type(item["filename"])[0] or "application/octet-stream"
        maintype, _, subtype = ctype.partition("/")
        email.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=item["filename"])
    return email


class SmtpTransport:
    """Email over SMTP with ``security`` none | starttls | tls and optional AUTH."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        mail_from: str,
        security: str = "none",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        storage: Storage | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host, self.port, self.mail_from, self.security = host, port, mail_from, security
        self.username, self.password, self.timeout, self.storage = username, password, timeout, storage
        self.ssl_context = ssl_context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.ssl_context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            smtp.ehlo()
            smtp.starttls(context=self.ssl_context)
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        """AUTH PLAIN when offered (one attempt, so a wrong password fails fast), else smtplib's choice."""
        mechanisms = smtp.esmtp_features.get("auth", "").upper().split()
        if "PLAIN" in mechanisms:
            smtp.user, smtp.password = self.username or "", self.password or ""
            smtp.auth("PLAIN", smtp.auth_plain)
        else:
            smtp.login(self.username or "", self.password or "")

    def send(self, message: dict[str, Any], on_transmitting: OnTransmitting) -> str | None:
        email = build_email(message, self.mail_from, self.storage)
        envelope_from = parseaddr(self.mail_from)[1]
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(f"SMTP server {self.host}:{self.port} unreachable: {exc}") from exc
        try:
            try:
                smtp.ehlo_or_helo_if_needed()
                if self.username:
                    self._login(smtp)
                code, text = smtp.mail(envelope_from)
                if code != 250:
                    raise _classify(code, text.decode(errors="replace"), "sender")
                code, text = smtp.rcpt(message["recipient"])
                if code not in (250, 251):
                    raise _classify(code, text.decode(errors="replace"), f"recipient {message['recipient']}")
            except smtplib.SMTPResponseException as exc:
                raise _classify(exc.smtp_code, _text(exc.smtp_error), "session") from exc
            except (OSError, smtplib.SMTPException) as exc:
                raise DeliveryFailed(f"SMTP session failed before the message was sent: {exc}") from exc
            on_transmitting()
            try:
                smtp.data(email.as_bytes())
            except smtplib.SMTPResponseException as exc:
                raise _classify(exc.smtp_code, _text(exc.smtp_error), "message") from exc
            except (OSError, smtplib.SMTPException) as exc:
                raise DeliveryFailed(f"connection lost while the message was being sent: {exc}", accepted=None) from exc
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
        return str(message["provider_message_id"])


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
