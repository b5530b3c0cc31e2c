"""Forged and doubtful answers, with real parts: the gateway (aiosmtpd) configured as in production (trusting
only the municipality's mail server, `mx.kommune.test`, and NOT loopback), a real case on the time-skipping
server, the real mail sink. The attack from the review, and its variants, are tried; none may change a meeting,
and every one reaches the caseworker as a task."""
from __future__ import annotations

import asyncio
import email.policy
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import make_msgid

import icalendar
import pytest_asyncio

from gateway import start_gateway
from tests import reliability
from tests.conftest import free_port
from tests.helpers import calendar_part, wait_for
from tests.integration.test_gateway import Booked, booked, inbound, invitation, send
from workflows.case_workflow import CaseWorkflow

TRUSTED = "mx.kommune.test"


@pytest_asyncio.fixture
async def production_gateway(env):
    settings = env.settings.replace(gateway_port=free_port(), gateway_trusted_authserv_ids=TRUSTED,
                                    gateway_auth_methods="dmarc")
    gw = start_gateway(settings, env.client, env.register)
    assert not gw.trust.loopback
    yield gw
    await gw.aclose()


def answer(env, b: Booked, *, attendee: str, partstat: str, sender: str | None = None, comment: str = "",
           auth: str | None = None, uid: str | None = None) -> bytes:
    """What a calendar sends back for the invitation the employee received, with the headers a test chooses."""
    sent = icalendar.Calendar.from_ical(calendar_part(invitation(env, b.employee)).get_content())
    [event] = list(sent.walk("VEVENT"))
    reply = icalendar.Calendar()
    reply.add("prodid", "-//Test//Kalender//DA")
    reply.add("version", "2.0")
    reply.add("method", "REPLY")
    body = icalendar.Event()
    for name in ("SEQUENCE", "DTSTART", "DTEND", "ORGANIZER"):
        body[name] = event[name]
    body.add("uid", uid or str(event["UID"]))
    body.add("dtstamp", datetime.now(timezone.utc))  # real now: a DTSTAMP is the moment the reply is written
    who = icalendar.vCalAddress(f"mailto:{attendee}")
    who.params["PARTSTAT"] = partstat
    body.add("attendee", who)
    if comment:
        body.add("comment", comment)
    reply.add_component(body)
    message = EmailMessage()
    if auth:
        message["Authentication-Results"] = auth
    message["From"] = sender or attendee
    message["To"] = "invitationer@jobcenter.example.dk"
    message["Subject"] = "Svar"
    message["Message-ID"] = make_msgid(domain="example.com")
    message.set_content("Svar")
    message.add_alternative(reply.to_ical(), maintype="text", subtype="calendar", params={"method": "REPLY"})
    return message.as_bytes(policy=email.policy.SMTP)


async def wait_for_task_mail(env, caseworker: str, title: str, timeout: float = 15) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not [m for m in env.mail.to(caseworker) if title in str(m["Subject"])]:
        assert loop.time() < deadline, f"no task mail {title!r}"
        await asyncio.sleep(0.1)


async def test_the_reviews_forgery_changes_nothing_and_reaches_the_caseworker(env, cases, production_gateway):
    gw = production_gateway
    b = await booked(env, cases)
    assert b.case.reference not in b.meeting.uid  # a new case's meeting UID is not guessable from the reference
    organizer = env.settings.organizer_email
    forged = answer(env, b, attendee=b.employee, partstat="DECLINED")   # From: the employee, no verdict
    await send(gw, forged, "attacker@evil.example", organizer)
    reliability.add(spoofs_tried=1)
    await gw.idle()
    state = await wait_for(b.handle, lambda s: any(t.key.startswith("review/") for t in s.open_tasks))
    assert state.meetings[0].sequence == 0 and state.meetings[0].responses == {}  # nothing moved, nothing answered
    assert [r.detail for r in inbound(env)] == ["unverified"] and inbound(env)[0].status == "refused"
    reliability.add(spoofs_refused=1)
    await wait_for_task_mail(env, b.caseworker, "Svar modtaget, afsender ikke bekræftet")

    # A verdict from another server, or a pass for another domain, proves nothing either.
    for auth in ("mx.evil.example; dmarc=pass header.from=example.com",
                 f"{TRUSTED}; dmarc=pass header.from=evil.example",
                 f"{TRUSTED}; dmarc=fail header.from=example.com"):
        await send(gw, answer(env, b, attendee=b.employee, partstat="DECLINED", auth=auth), b.employee, organizer)
        reliability.add(spoofs_tried=1)
    await gw.idle()
    state = await b.handle.query(CaseWorkflow.state_now)
    assert [r.detail for r in inbound(env)].count("unverified") == 4
    reliability.add(spoofs_refused=3, spoofs_accepted=0)
    assert state.meetings[0].sequence == 0 and state.meetings[0].responses == {}

    # The same answer, vouched for by the municipality's own mail server, is applied.
    domain = b.employee.split("@")[1]
    await send(gw, answer(env, b, attendee=b.employee, partstat="ACCEPTED", auth=f"{TRUSTED}; dmarc=pass "
               f"header.from={domain}"), b.employee, organizer)
    await gw.idle()
    state = await wait_for(b.handle, lambda s: s.meetings[0].responses.get(b.employee) == "ACCEPTED")
    assert inbound(env)[-1].status == "received"


async def test_an_answer_from_the_mailboxs_primary_address_reaches_the_caseworker(env, cases, production_gateway):
    gw = production_gateway
    b = await booked(env, cases)
    primary = "henrik@" + b.employer.split("@")[1]  # Exchange answers from the primary address, not the alias
    verdict = f"{TRUSTED}; dmarc=pass header.from={primary.split('@')[1]}"
    await send(gw, answer(env, b, attendee=primary, partstat="ACCEPTED", auth=verdict), primary,
               env.settings.organizer_email)
    await gw.idle()
    state = await wait_for(b.handle, lambda s: any(t.key.startswith("review/") for t in s.open_tasks))
    assert state.meetings[0].responses == {} and inbound(env)[0].detail == "not_attendee"
    task = next(t for t in state.open_tasks if t.key.startswith("review/"))
    assert task.title == "Svar fra en adresse, der ikke er inviteret" and primary in task.what


async def test_a_decline_with_a_reason_brings_the_reason_to_the_caseworker(env, cases, production_gateway):
    gw = production_gateway
    b = await booked(env, cases)
    domain = b.employer.split("@")[1]
    await send(gw, answer(env, b, attendee=b.employer, partstat="DECLINED", comment="Vi holder lukket i uge 49.",
                          auth=f"{TRUSTED}; dmarc=pass header.from={domain}"), b.employer,
               env.settings.organizer_email)
    await gw.idle()
    state = await wait_for(b.handle, lambda s: any(t.key.startswith("comment/") for t in s.open_tasks))
    task = next(t for t in state.open_tasks if t.key.startswith("comment/"))
    assert "Vi holder lukket i uge 49." in task.what and "kan ikke deltage" in task.what
    assert any("Vi holder lukket i uge 49." in e.detail for e in state.timeline)
