"""The wire form of an email: CRLF lines, one-line (injection-proof) headers, UTF-8 text, attachments."""

from __future__ import annotations

from email import message_from_bytes, policy

from pipelineos.notify.mime import build_email


class Files:
    def read_bytes(self, sha256: str) -> bytes:
        return b"%PDF-1.4 " + sha256.encode()


def test_wire_form_round_trips() -> None:
    message = {
        "recipient": "dana@example.com",
        "subject": "Angebot – Bäckerei\r\nBcc: evil@example.com",
        "body_text": "Hallo Dana – danke.\n" + "x" * 2000,
        "body_html": "<p>Hallo – danke</p>",
        "provider_message_id": "<m-1@demo.example>",
        "attachments": [{"sha256": "abc", "filename": "angebot.pdf", "content_type": "application/pdf"}],
    }
    raw = build_email(message, "Bäder GmbH <bids@demo.example>", Files()).as_bytes()  # type: ignore[arg-type]

    assert b"\n" not in raw.replace(b"\r\n", b""), "every line ends in CRLF"
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "Angebot – Bäckerei Bcc: evil@example.com" and parsed["Bcc"] is None
    assert parsed["From"] == "Bäder GmbH <bids@demo.example>" and parsed["Message-ID"] == "<m-1@demo.example>"
    text = parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert text.replace("\r\n", "\n") == message["body_text"], "lines are CRLF on the wire"
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Hallo – danke</p>"  # type: ignore[union-attr]
    (pdf,) = [p for p in parsed.walk() if p.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == "angebot.pdf" and pdf.get_payload(decode=True) == b"%PDF-1.4 abc"
