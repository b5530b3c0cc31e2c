"""The gateway's own DKIM/DMARC check (for a municipality without a relay that writes Authentication-Results),
with real parts: RSA keys made here, messages signed by dkimpy, a stub DNS resolver on loopback publishing the
keys and DMARC records, the gateway (no trusted authserv-id, no loopback trust), a real case on the
time-skipping server. A signed answer is applied; a tampered one, or one signed by another domain, or by a
subdomain where the From domain's DMARC asks for strict alignment, is only a task."""

from __future__ import annotations

import base64

import dkim
import pytest_asyncio
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway import start_gateway
from tests import reliability
from tests.conftest import free_port
from tests.helpers import wait_for
from tests.integration.test_gateway import booked, inbound, send
from tests.integration.test_gateway_trust import answer
from tests.stub_dns import StubDns
from workflows.case_workflow import CaseWorkflow


def key_pair() -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, base64.b64encode(public).decode()


KEYS = {domain: key_pair() for domain in ("example.com", "evil.example", "mail.example.org")}


def signed(raw: bytes, domain: str) -> bytes:
    return (
        dkim.sign(
            raw, b"sel", domain.encode(), KEYS[domain][0], include_headers=[b"from", b"to", b"subject", b"message-id"]
        )
        + raw
    )


@pytest_asyncio.fixture
async def dns_stub():
    records = {f"sel._domainkey.{d}": f"v=DKIM1; k=rsa; p={key[1]}" for d, key in KEYS.items()}
    records["_dmarc.example.com"] = "v=DMARC1; p=reject; adkim=r"
    records["_dmarc.example.org"] = "v=DMARC1; p=reject; adkim=s"
    stub = StubDns(records).start()
    yield stub
    stub.stop()


@pytest_asyncio.fixture
async def verifying_gateway(env, dns_stub):
    settings = env.settings.replace(
        gateway_port=free_port(), gateway_verify_dkim=True, gateway_dns_server=dns_stub.address
    )
    gw = start_gateway(settings, env.client, env.register)
    assert gw.trust.own is not None and not gw.trust.loopback and not gw.trust.authserv_ids
    yield gw
    await gw.aclose()


async def test_a_signed_answer_is_applied_and_forgeries_are_not(env, cases, verifying_gateway, dns_stub):
    gw = verifying_gateway
    b = await booked(env, cases)
    assert b.employee.endswith("@example.com")
    organizer = env.settings.organizer_email

    tampered = signed(answer(env, b, attendee=b.employee, partstat="DECLINED", comment="Kan ikke"), "example.com")
    assert b"\r\nSubject: Svar\r\n" in tampered
    tampered = tampered.replace(b"\r\nSubject: Svar\r\n", b"\r\nSubject: Svar!\r\n")  # changed after signing
    other_domain = signed(answer(env, b, attendee=b.employee, partstat="DECLINED"), "evil.example")
    for raw in (tampered, other_domain, answer(env, b, attendee=b.employee, partstat="DECLINED")):
        await send(gw, raw, b.employee, organizer)
        reliability.add(spoofs_tried=1)
    state = await b.handle.query(CaseWorkflow.state_now)
    assert state.meetings[0].sequence == 0 and state.meetings[0].responses == {}
    assert [r.detail for r in inbound(env)] == ["unverified"] * 3
    reliability.add(spoofs_refused=3, spoofs_accepted=0)
    assert "sel._domainkey.example.com" in dns_stub.queries and "sel._domainkey.evil.example" in dns_stub.queries

    await send(
        gw, signed(answer(env, b, attendee=b.employee, partstat="ACCEPTED"), "example.com"), b.employee, organizer
    )
    await wait_for(b.handle, lambda s: s.meetings[0].responses.get(b.employee) == "ACCEPTED")
    assert inbound(env)[-1].status == "received"


def test_strict_alignment_from_the_dmarc_record_is_honoured(dns_stub):
    import dns.resolver

    from mailing.own_verification import OwnVerification

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = ["127.0.0.1"], dns_stub.port
    own = OwnVerification(resolver)
    message = b"From: henrik@example.org\r\nTo: a@b.dk\r\nSubject: Svar\r\nMessage-ID: <1@example.org>\r\n\r\nOK\r\n"
    by_subdomain = signed(message, "mail.example.org")
    assert dkim.verify(by_subdomain, dnsfunc=own.txt)  # the signature itself is good
    assert own.verified(by_subdomain, "example.org") is False  # but example.org's DMARC says adkim=s
