"""The MIME form of an outgoing email: text body, optional HTML alternative, attachments from storage.

Built with the email package's classic (compat32) classes: they write a message about three times faster than
``EmailMessage`` with the SMTP policy, which parses every header it is given, and the dispatcher builds one per
auto-reply. Header values are single lines (a line break in a subject could otherwise inject headers) and are
RFC 2047-encoded when they are not ASCII.
"""

from __future__ import annotations

import mimetypes
from email import encoders
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr, formatdate, parseaddr
from typing import Any

from pipelineos.notify.delivery import DeliveryFailed
from pipelineos.storage import Storage, StorageError

WIRE = compat32.clone(linesep="\r\n")
"""Lines end in CRLF on the wire (``smtplib`` sends bytes as given; bare LFs make one endless line)."""
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def _header(name: str, value: str) -> str | Header:
    """The value as one line; only its non-ASCII words RFC 2047-encoded (ASCII words stay readable)."""
    line = _one_line(value)
    if line.isascii():
        return line
    header = Header(header_name=name)
    for word in line.split(" "):
        header.append(word, "us-ascii" if word.isascii() else "utf-8")
    return header


def _text(body: str, subtype: str) -> MIMEText:
    return MIMEText(body, subtype, "us-ascii" if body.isascii() else _UTF8)  # type: ignore[arg-type]


def _attachment(item: dict[str, Any], storage: Storage | None) -> MIMEBase:
    if storage is None:
        raise DeliveryFailed("attachments need a storage", permanent=True)
    try:
        data = storage.read_bytes(item["sha256"])
    except StorageError as exc:
        raise DeliveryFailed(f"attachment {item['filename']!r} is missing: {exc}", permanent=True) from exc
    ctype = item.get("content_type") or mimetypes.guess_type(item["filename"])[0] or "application/octet-stream"
    maintype, _, subtype = ctype.partition("/")
    part = MIMEBase(maintype, subtype or "octet-stream")
    part.set_payload(data)
    encoders.encode_base64(part)
    filename = _one_line(item["filename"])
    part.add_header(
        "Content-Disposition", "attachment", filename=filename if filename.isascii() else ("utf-8", "", filename)
    )
    return part


def build_email(message: dict[str, Any], mail_from: str, storage: Storage | None) -> Message:
    """The message to hand to the SMTP server, with its recorded Message-ID."""
    root: Message = _text(message["body_text"], "plain")
    if message.get("body_html"):
        root = MIMEMultipart("alternative", _subparts=[root, _text(message["body_html"], "html")])
    attachments = [_attachment(item, storage) for item in message.get("attachments") or []]
    if attachments:
        root = MIMEMultipart("mixed", _subparts=[root, *attachments])
    name, address = parseaddr(_one_line(mail_from))
    root["From"] = formataddr((name, address), charset="utf-8")
    root["To"] = _one_line(message["recipient"])
    root["Subject"] = _header("Subject", message["subject"])  # type: ignore[assignment]
    root["Date"] = formatdate(localtime=False)
    root["Message-ID"] = _one_line(message["provider_message_id"])
    root.policy = WIRE
    return root
