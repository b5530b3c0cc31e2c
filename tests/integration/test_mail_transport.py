"""Sending over a real SMTP server that requires STARTTLS and authentication, once per message key."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select
from temporalio.testing import ActivityEnvironment

from activities.mail import CaseSummary, MailActivities, OutgoingMail, Recipient, Task
from localrun.mailsink import MailSink
from register.models import MessageRow
from tests.conftest import free_port


def self_signed(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)  # real now: TLS checks certificates against the real clock
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp / "relay.pem", tmp / "relay.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


class Relay:
    """A relay like a municipality's: STARTTLS first, then AUTH, then the message."""

    def __init__(self, tmp: Path):
        self.cert, key = self_signed(tmp)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)
        self.sink = MailSink(tmp / "relay-mail")
        self.logins: list[str] = []
        self.port = free_port()
        self.controller = Controller(
            self.sink,
            hostname="127.0.0.1",
            port=self.port,
            tls_context=context,
            require_starttls=True,
            auth_required=True,
            auth_require_tls=True,
            authenticator=self.authenticate,
        )

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            b"jobcenter",
            b"hemmelig",
        ):
            self.logins.append(auth_data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@pytest.fixture
def relay(tmp_path):
    relay = Relay(tmp_path)
    relay.controller.start()
    yield relay
    relay.controller.stop()


def task_mail(key: str) -> OutgoingMail:
    case = CaseSummary(
        "SAG-TLS-1",
        "101",
        "Mette Sørensen",
        "Bageriet Kornet ApS",
        "Nørrebrogade 10, 2200 København N",
        "Henrik Lund",
        "Anna Berg",
        "anna.berg@jobcenter.example.dk",
        "",
        dt.date(2026, 11, 2),
        dt.date(2026, 12, 27),
    )
    return OutgoingMail(
        key=key,
        kind="caseworker_task",
        case=case,
        recipient=Recipient("Anna Berg", "anna.berg@jobcenter.example.dk", "caseworker"),
        task=Task("Ring til arbejdsgiveren", "Ring og aftal tid.", dt.date(2026, 11, 26)),
    )


async def test_starttls_and_login_then_exactly_once(relay, settings, register):
    good = settings.replace(
        smtp_port=relay.port,
        smtp_starttls=True,
        smtp_username="jobcenter",
        smtp_password="hemmelig",
        smtp_ca_file=str(relay.cert),
    )
    sender = MailActivities(good, register)
    environment = ActivityEnvironment()
    assert await environment.run(sender.send_mail, task_mail("case/task/1")) == "sent"
    assert await environment.run(sender.send_mail, task_mail("case/task/1")) == "already_sent"
    assert relay.logins == ["jobcenter"] and len(relay.sink.messages) == 1
    assert str(relay.sink.messages[0]["Subject"]).startswith("Opgave: Ring til arbejdsgiveren – sag SAG-TLS-1")


async def test_a_refused_login_sends_nothing_and_a_retry_sends_once(relay, settings, register):
    wrong = settings.replace(
        smtp_port=relay.port,
        smtp_starttls=True,
        smtp_username="jobcenter",
        smtp_password="forkert",
        smtp_ca_file=str(relay.cert),
    )
    environment = ActivityEnvironment()
    with pytest.raises(aiosmtplib.SMTPAuthenticationError):
        await environment.run(MailActivities(wrong, register).send_mail, task_mail("case/task/2"))
    with register.session() as session:
        assert session.scalar(select(MessageRow.status).where(MessageRow.message_key == "case/task/2")) == "sending"
    right = wrong.replace(smtp_password="hemmelig")
    assert await environment.run(MailActivities(right, register).send_mail, task_mail("case/task/2")) == "sent"
    assert len(relay.sink.messages) == 1


async def test_an_untrusted_certificate_is_refused(relay, settings, register):
    untrusting = settings.replace(
        smtp_port=relay.port, smtp_starttls=True, smtp_username="jobcenter", smtp_password="hemmelig"
    )
    with pytest.raises((aiosmtplib.SMTPException, ssl.SSLError)):
        await ActivityEnvironment().run(MailActivities(untrusting, register).send_mail, task_mail("case/task/3"))
    assert relay.sink.messages == []


async def test_plain_connection_is_refused_by_a_relay_that_requires_tls(relay, settings, register):
    plain = settings.replace(smtp_port=relay.port, smtp_starttls=False)
    with pytest.raises(aiosmtplib.SMTPException):
        await ActivityEnvironment().run(MailActivities(plain, register).send_mail, task_mail("case/task/4"))
    assert relay.sink.messages == []
