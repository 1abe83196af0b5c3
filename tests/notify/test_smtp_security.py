"""SMTP with STARTTLS + AUTH and with implicit TLS, against real aiosmtpd servers on loopback."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pipelineos.net import free_loopback_port as free_port
from pipelineos.notify.transports import DeliveryFailed, SmtpTransport
from pipelineos.testing import SmtpSink
from pipelineos.testing import SmtpSinkHandler as _Handler

MESSAGE = {
    "id": "m1",
    "recipient": "to@example.com",
    "subject": "Hi",
    "body_text": "Hello",
    "provider_message_id": "<m1@demo.example>",
    "attachments": [],
}


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"bids",
        b"s3cret",
    )
    return AuthResult(success=ok, handled=False)


def _server_context(cert: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*cert)
    return context


@pytest.fixture()
def starttls_server(cert: tuple[Path, Path]) -> Iterator[SmtpSink]:
    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(
        _Handler(sink),
        hostname="127.0.0.1",
        port=sink.port,
        tls_context=_server_context(cert),
        require_starttls=True,
        auth_required=True,
        authenticator=_authenticator,
    )
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture()
def tls_server(cert: tuple[Path, Path]) -> Iterator[SmtpSink]:
    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(_Handler(sink), hostname="127.0.0.1", port=sink.port, ssl_context=_server_context(cert))
    controller.start()
    yield sink
    controller.stop()


def _transport(port: int, cert: tuple[Path, Path], security: str, password: str | None = "s3cret") -> SmtpTransport:
    return SmtpTransport(
        host="127.0.0.1",
        port=port,
        mail_from="Bids <bids@demo.example>",
        security=security,
        username="bids" if password else None,
        password=password,
        timeout=5,
        ssl_context=ssl.create_default_context(cafile=str(cert[0])),
    )


def test_starttls_with_auth_delivers(starttls_server: SmtpSink, cert: tuple[Path, Path]) -> None:
    calls: list[str] = []
    _transport(starttls_server.port, cert, "starttls").send(dict(MESSAGE), lambda: calls.append("transmitting"))
    assert calls == ["transmitting"]
    assert starttls_server.messages[0]["Message-ID"] == "<m1@demo.example>"


def test_wrong_password_is_refused_before_transmitting(starttls_server: SmtpSink, cert: tuple[Path, Path]) -> None:
    calls: list[str] = []
    with pytest.raises(DeliveryFailed) as err:
        _transport(starttls_server.port, cert, "starttls", "wrong").send(dict(MESSAGE), lambda: calls.append("x"))
    assert err.value.accepted is False and err.value.permanent and "535" in err.value.reason
    assert calls == [] and starttls_server.messages == []


def test_plain_session_refused_when_server_requires_starttls(
    starttls_server: SmtpSink, cert: tuple[Path, Path]
) -> None:
    with pytest.raises(DeliveryFailed) as err:
        _transport(starttls_server.port, cert, "none", None).send(dict(MESSAGE), lambda: None)
    assert err.value.accepted is False


def test_implicit_tls_delivers(tls_server: SmtpSink, cert: tuple[Path, Path]) -> None:
    _transport(tls_server.port, cert, "tls", None).send(dict(MESSAGE), lambda: None)
    assert tls_server.messages[0]["To"] == "to@example.com"
