"""Email over SMTP: one connection reused for a batch of messages (``with transport.session() as s``).

Opening a connection (TCP, EHLO, STARTTLS, AUTH) costs several round trips; a dispatcher pass sends its whole
batch over one session. Each message is its own SMTP transaction (MAIL, RCPT, DATA), so the at-most-once
protocol of :mod:`pipelineos.notify.dispatcher` is unchanged: ``on_transmitting`` is called (and commits) just
before DATA. A refusal resets the transaction (RSET) and the next message continues on the same connection;
a connection found dead before DATA is reopened once for that message (nothing was transmitted yet); after a
failure during DATA the connection is dropped, since its state is unknown.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parseaddr
from typing import Any

from pipelineos.notify.delivery import DeliveryFailed, OnTransmitting
from pipelineos.notify.mime import build_email
from pipelineos.storage import Storage


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def _classify(code: int, text: str, what: str) -> DeliveryFailed:
    permanent = 500 <= code < 600
    return DeliveryFailed(f"{what} refused by the server: {code} {text}", accepted=False, permanent=permanent)


class _ConnectionLost(Exception):
    """A reused connection turned out dead before anything of the message was sent."""


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
        max_per_connection: int = 100,
    ) -> None:
        self.host, self.port, self.mail_from, self.security = host, port, mail_from, security
        self.username, self.password, self.timeout, self.storage = username, password, timeout, storage
        self.max_per_connection = max_per_connection
        self._ssl_context = ssl_context

    @property
    def ssl_context(self) -> ssl.SSLContext:
        """The TLS context, built on first use (loading the system CA store is slow and plain SMTP needs none)."""
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context()
        return self._ssl_context

    def send(self, message: dict[str, Any], on_transmitting: OnTransmitting) -> str | None:
        """Send one message on a connection of its own."""
        with self.session() as session:
            return session.send(message, on_transmitting)

    @contextmanager
    def session(self) -> Iterator[SmtpSession]:
        """A session whose ``send`` reuses one connection (opened on first use, closed when the block ends)."""
        session = SmtpSession(self)
        try:
            yield session
        finally:
            session.close()

    def connect(self) -> smtplib.SMTP:
        """A connection that said EHLO (after STARTTLS when configured) and authenticated when configured."""
        try:
            if self.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=self.ssl_context
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    smtp.ehlo()
                    smtp.starttls(context=self.ssl_context)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(f"SMTP server {self.host}:{self.port} unreachable: {exc}") from exc
        try:
            smtp.ehlo_or_helo_if_needed()
            if self.username:
                self._login(smtp)
        except smtplib.SMTPResponseException as exc:
            smtp.close()
            raise _classify(exc.smtp_code, _text(exc.smtp_error), "session") from exc
        except (OSError, smtplib.SMTPException) as exc:
            smtp.close()
            raise DeliveryFailed(f"SMTP session failed before the message was sent: {exc}") from exc
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        """AUTH PLAIN when offered (one attempt, so a wrong password fails fast), else smtplib's choice."""
        mechanisms = smtp.esmtp_features.get("auth", "").upper().split()
        if "PLAIN" in mechanisms:
            smtp.user, smtp.password = self.username or "", self.password or ""
            smtp.auth("PLAIN", smtp.auth_plain)
        else:
            smtp.login(self.username or "", self.password or "")


class SmtpSession:
    """One SMTP connection used for several messages, one SMTP transaction each."""

    def __init__(self, transport: SmtpTransport) -> None:
        self.transport = transport
        self.smtp: smtplib.SMTP | None = None
        self.sent_on_connection = 0

    def send(self, message: dict[str, Any], on_transmitting: OnTransmitting) -> str | None:
        """Send ``message``; raises :class:`DeliveryFailed` as described in :mod:`pipelineos.notify.delivery`."""
        email = build_email(message, self.transport.mail_from, self.transport.storage)
        if self.sent_on_connection >= self.transport.max_per_connection:
            self.close()
        try:
            smtp = self._envelope(message)
        except _ConnectionLost:
            self.close()
            smtp = self._envelope(message)
        on_transmitting()
        try:
            smtp.data(email.as_bytes())
        except smtplib.SMTPResponseException as exc:
            self._reset()
            raise _classify(exc.smtp_code, _text(exc.smtp_error), "message") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryFailed(f"connection lost while the message was being sent: {exc}", accepted=None) from exc
        self.sent_on_connection += 1
        return str(message["provider_message_id"])

    def _envelope(self, message: dict[str, Any]) -> smtplib.SMTP:
        """MAIL FROM and RCPT TO on the open connection (opening one if needed)."""
        reused = self.smtp is not None
        if self.smtp is None:
            self.smtp, self.sent_on_connection = self.transport.connect(), 0
        smtp = self.smtp
        try:
            code, text = smtp.mail(parseaddr(self.transport.mail_from)[1])
            if reused and code == 421:
                raise _ConnectionLost
            if code != 250:
                self._reset()
                raise _classify(code, text.decode(errors="replace"), "sender")
            code, text = smtp.rcpt(message["recipient"])
            if code not in (250, 251):
                self._reset()
                raise _classify(code, text.decode(errors="replace"), f"recipient {message['recipient']}")
        except smtplib.SMTPResponseException as exc:
            self._reset()
            raise _classify(exc.smtp_code, _text(exc.smtp_error), "session") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            if reused:
                raise _ConnectionLost from exc
            raise DeliveryFailed(f"SMTP session failed before the message was sent: {exc}") from exc
        return smtp

    def _reset(self) -> None:
        """End a refused transaction (RSET) so the connection can carry the next message; drop it if that fails."""
        if self.smtp is None:
            return
        try:
            code, _ = self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            code = 0
        if code != 250:
            self.close()

    def close(self) -> None:
        """QUIT (or just close) the connection, if one is open."""
        if self.smtp is None:
            return
        smtp, self.smtp = self.smtp, None
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
