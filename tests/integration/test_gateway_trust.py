"""Forged and doubtful answers, with real parts: the gateway (aiosmtpd) configured as in production (trusting
only the municipality's mail server, `mx.kommune.test`, and NOT loopback), a real case on the time-skipping
server, the real mail sink. The attack from the review, and its variants, are tried; none may change a meeting,
and every one reaches the caseworker as a task."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib
import icalendar
import pytest
import pytest_asyncio

from gateway import start_gateway
from tests import reliability
from tests.conftest import free_port
from tests.helpers import mail_to, quiet, subject_has, wait_for
from tests.integration.test_gateway import Booked, booked, inbound, invitation, send
from tests.itip import itip_reply
from workflows.case_workflow import CaseWorkflow

TRUSTED = "mx.kommune.test"


@pytest_asyncio.fixture
async def production_gateway(env):
    settings = env.settings.replace(
        gateway_port=free_port(),
        gateway_trusted_authserv_ids=TRUSTED,
        gateway_auth_methods="dmarc",
        gateway_relay_networks="127.0.0.1/32",
    )
    gw = start_gateway(settings, env.client, env.register)
    assert not gw.trust.loopback
    yield gw
    await gw.aclose()


def answer(
    env,
    b: Booked,
    *,
    attendee: str,
    partstat: str,
    sender: str | None = None,
    comment: str = "",
    auth: str | None = None,
    uid: str | None = None,
) -> bytes:
    """What a calendar sends back for the invitation the employee received, with the headers a test chooses."""
    return itip_reply(
        invitation(env, b.employee),
        attendee,
        partstat=partstat,
        sender=sender,
        comment=comment,
        uid=uid,
        to="invitationer@jobcenter.example.dk",
        subject="Svar",
        text="Svar",
        headers={"Authentication-Results": auth} if auth else None,
    )


async def test_the_reviews_forgery_changes_nothing_and_reaches_the_caseworker(env, cases, production_gateway):
    gw = production_gateway
    b = await booked(env, cases)
    assert b.case.reference not in b.meeting.uid  # a new case's meeting UID is not guessable from the reference
    organizer = env.settings.organizer_email
    forged = answer(env, b, attendee=b.employee, partstat="DECLINED")  # From: the employee, no verdict
    await send(gw, forged, "attacker@evil.example", organizer)
    reliability.add(spoofs_tried=1)
    await gw.idle()
    state = await wait_for(b.handle, lambda s: any(t.key.startswith("review/") for t in s.open_tasks))
    assert state.meetings[0].sequence == 0 and state.meetings[0].responses == {}  # nothing moved, nothing answered
    assert [r.detail for r in inbound(env)] == ["unverified"] and inbound(env)[0].status == "refused"
    reliability.add(spoofs_refused=1)
    await mail_to(env.mail, b.caseworker, subject_has("Svar modtaget, afsender ikke bekræftet"))

    # A verdict from another server, or a pass for another domain, proves nothing either.
    for auth in (
        "mx.evil.example; dmarc=pass header.from=example.com",
        f"{TRUSTED}; dmarc=pass header.from=evil.example",
        f"{TRUSTED}; dmarc=fail header.from=example.com",
    ):
        await send(gw, answer(env, b, attendee=b.employee, partstat="DECLINED", auth=auth), b.employee, organizer)
        reliability.add(spoofs_tried=1)
    await gw.idle()
    state = await b.handle.query(CaseWorkflow.state_now)
    assert [r.detail for r in inbound(env)].count("unverified") == 4
    reliability.add(spoofs_refused=3, spoofs_accepted=0)
    assert state.meetings[0].sequence == 0 and state.meetings[0].responses == {}

    # The same answer, vouched for by the municipality's own mail server, is applied.
    domain = b.employee.split("@")[1]
    await send(
        gw,
        answer(env, b, attendee=b.employee, partstat="ACCEPTED", auth=f"{TRUSTED}; dmarc=pass header.from={domain}"),
        b.employee,
        organizer,
    )
    await gw.idle()
    state = await wait_for(b.handle, lambda s: s.meetings[0].responses.get(b.employee) == "ACCEPTED")
    assert inbound(env)[-1].status == "received"


async def test_an_answer_from_the_mailboxs_primary_address_reaches_the_caseworker(env, cases, production_gateway):
    gw = production_gateway
    b = await booked(env, cases)
    primary = "henrik@" + b.employer.split("@")[1]  # Exchange answers from the primary address, not the alias
    verdict = f"{TRUSTED}; dmarc=pass header.from={primary.split('@')[1]}"
    await send(
        gw, answer(env, b, attendee=primary, partstat="ACCEPTED", auth=verdict), primary, env.settings.organizer_email
    )
    await gw.idle()
    state = await wait_for(b.handle, lambda s: any(t.key.startswith("review/") for t in s.open_tasks))
    assert state.meetings[0].responses == {} and inbound(env)[0].detail == "not_attendee"
    task = next(t for t in state.open_tasks if t.key.startswith("review/"))
    assert task.title == "Svar fra en adresse, der ikke er inviteret" and primary in task.what


async def test_a_decline_with_a_reason_brings_the_reason_to_the_caseworker(env, cases, production_gateway):
    gw = production_gateway
    b = await booked(env, cases)
    domain = b.employer.split("@")[1]
    await send(
        gw,
        answer(
            env,
            b,
            attendee=b.employer,
            partstat="DECLINED",
            comment="Vi holder lukket i uge 49.",
            auth=f"{TRUSTED}; dmarc=pass header.from={domain}",
        ),
        b.employer,
        env.settings.organizer_email,
    )
    await gw.idle()
    state = await wait_for(b.handle, lambda s: any(t.key.startswith("comment/") for t in s.open_tasks))
    task = next(t for t in state.open_tasks if t.key.startswith("comment/"))
    assert "Vi holder lukket i uge 49." in task.what and "kan ikke deltage" in task.what
    assert any("Vi holder lukket i uge 49." in e.detail for e in state.timeline)


async def test_a_machine_that_is_not_the_relay_is_refused_when_it_connects(env, cases, production_gateway):
    """The attacker of the review talked to the gateway directly. Now only the relay (127.0.0.1 here) may:
    from 127.0.0.2 (another address on loopback) the connection is refused before anything is read."""
    gw = production_gateway
    b = await booked(env, cases)
    domain = b.employee.split("@")[1]
    forged = answer(
        env, b, attendee=b.employee, partstat="DECLINED", auth=f"{TRUSTED}; dmarc=pass header.from={domain}"
    )
    reliability.add(spoofs_tried=1)
    with pytest.raises(aiosmtplib.SMTPException) as refused:
        await aiosmtplib.send(
            forged,
            sender=b.employee,
            recipients=[env.settings.organizer_email],
            hostname=gw.hostname,
            port=gw.port,
            source_address=("127.0.0.2", 0),
        )
    assert "554" in str(refused.value) or "Forbindelse afvist" in str(refused.value)
    reliability.add(spoofs_refused=1)
    assert inbound(env) == [] and list(gw.inbox.new.iterdir()) == [] and list(gw.inbox.accepted.iterdir()) == []
    state = await b.handle.query(CaseWorkflow.state_now)
    assert state.meetings[0].sequence == 0 and state.meetings[0].responses == {}
    # The relay itself is still served.
    await send(
        gw,
        answer(env, b, attendee=b.employee, partstat="ACCEPTED", auth=f"{TRUSTED}; dmarc=pass header.from={domain}"),
        b.employee,
        env.settings.organizer_email,
    )
    await wait_for(b.handle, lambda s: s.meetings[0].responses.get(b.employee) == "ACCEPTED")


def forgeries(domain: str) -> dict[str, list[str]]:
    """The verdicts an attacker writes himself, each as the relay would pass them on: its own header
    on top (here a fail, or none at all where the relay adds nothing), the attacker's below or alone."""
    relay_none = f"{TRUSTED}; dmarc=none header.from={domain}"
    return {
        "below_the_relays_header": [relay_none, f"{TRUSTED}; dmarc=pass header.from={domain}"],
        "below_another_servers_header": ["mx.other.example; none", f"{TRUSTED}; dmarc=pass header.from={domain}"],
        "authserv_id_in_other_case": [TRUSTED.upper() + f"; dmarc=pass header.from={domain}"],
        "no_header_from": [f"{TRUSTED}; dmarc=pass"],
        "pass_in_a_quoted_reason": [f'{TRUSTED}; dmarc=fail reason="policy; dmarc=pass" header.from={domain}'],
    }


async def test_every_forged_verdict_is_refused_by_the_running_gateway(env, cases, production_gateway):
    gw = production_gateway
    b = await booked(env, cases)
    domain = b.employee.split("@")[1]
    variants = forgeries(domain)
    for name, headers in variants.items():
        message = answer(env, b, attendee=b.employee, partstat="DECLINED", comment=name)
        top = b"".join(f"Authentication-Results: {h}\r\n".encode() for h in headers)
        await send(gw, top + message, b.employee, env.settings.organizer_email)
        reliability.add(spoofs_tried=1)
    state = await b.handle.query(CaseWorkflow.state_now)
    assert state.meetings[0].sequence == 0 and state.meetings[0].responses == {}, "a forged answer was applied"
    assert [r.detail for r in inbound(env)] == ["unverified"] * len(variants)
    reliability.add(spoofs_refused=len(variants), spoofs_accepted=0)
    # The genuine answer, with the relay's verdict on top, is applied.
    await send(
        gw,
        answer(env, b, attendee=b.employee, partstat="DECLINED", auth=f"{TRUSTED}; dmarc=pass header.from={domain}"),
        b.employee,
        env.settings.organizer_email,
    )
    await wait_for(b.handle, lambda s: s.meetings[0].sequence == 1)
    assert inbound(env)[-1].status == "received"


async def test_one_message_gives_one_task_whatever_it_holds(env, cases, production_gateway):
    """A reply with 26 ATTENDEE lines made 26 tasks and 26 task e-mails; one message is one task."""
    gw = production_gateway
    b = await booked(env, cases)
    raw = answer(env, b, attendee=b.employee, partstat="DECLINED")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    calendar = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    parsed = icalendar.Calendar.from_ical(calendar.get_content())
    [event] = list(parsed.walk("VEVENT"))
    for n in range(25):
        who = icalendar.vCalAddress(f"mailto:person{n}@example.com")
        who.params["PARTSTAT"] = "DECLINED"
        event.add("attendee", who)
    calendar.set_content(parsed.to_ical(), maintype="text", subtype="calendar", params={"method": "REPLY"})
    del message["From"]
    message["From"] = "someone.else@example.com"  # matches none of them: every answer is for review
    await send(gw, message.as_bytes(policy=email.policy.SMTP), "someone.else@example.com", env.settings.organizer_email)
    state = await wait_for(b.handle, lambda s: any(t.key.startswith("review/") for t in s.open_tasks))
    await mail_to(env.mail, b.caseworker, subject_has("Svar"))
    # Room for more tasks and mails, if the gateway made them: every message filed, the case at rest.
    await gw.idle()
    await quiet(b.handle)
    state = await b.handle.query(CaseWorkflow.state_now)
    reviews = [t for t in state.open_tasks if t.key.startswith("review/")]
    assert len(reviews) == 1, [t.title for t in reviews]
    assert "25 svar mere" in reviews[0].what
    review_mails = [m for m in env.mail.to(b.caseworker) if "Svar" in str(m["Subject"])]
    assert len(review_mails) == 1, [str(m["Subject"]) for m in review_mails]
    assert state.meetings[0].responses == {}


async def test_a_meeting_uid_comes_from_secrets_not_from_the_run(env, cases):
    """workflow.uuid4() is seeded from the run, which the Temporal UI, the CLI and logs show; a new meeting's UID
    comes from `secrets` in an activity instead (its result is in the history, so replay gives the same UID)."""
    first, second = await booked(env, cases), await booked(env, cases)
    for b in (first, second):
        token = b.meeting.uid.split("@")[0]
        assert not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", token)
        assert len(token) >= 32 and b.case.reference not in b.meeting.uid
        history = await b.handle.fetch_history()
        scheduled = [
            e.activity_task_scheduled_event_attributes.activity_type.name
            for e in history.events
            if e.HasField("activity_task_scheduled_event_attributes")
        ]
        assert "new_meeting_uid" in scheduled
    assert first.meeting.uid != second.meeting.uid


async def test_hostile_shapes_are_refused_unparsed_and_a_genuine_reply_is_applied(env, cases, production_gateway):
    from tests.hostile_shapes import shapes

    gw = production_gateway
    b = await booked(env, cases)
    hostile = shapes()
    for raw in hostile.values():
        await aiosmtplib.send(
            raw,
            sender="henrik@bageriet.example",
            recipients=[env.settings.organizer_email],
            hostname=gw.hostname,
            port=gw.port,
        )
    domain = b.employee.split("@")[1]
    await send(
        gw,
        answer(env, b, attendee=b.employee, partstat="ACCEPTED", auth=f"{TRUSTED}; dmarc=pass header.from={domain}"),
        b.employee,
        env.settings.organizer_email,
    )
    await wait_for(b.handle, lambda s: s.meetings[0].responses.get(b.employee) == "ACCEPTED")
    rows = inbound(env)
    assert sorted(r.detail for r in rows if r.status == "refused") == ["too_complex"] * len(hostile)
    assert [r.status for r in rows].count("received") == 1
    assert len(list(gw.inbox.refused.glob("*-too_complex.eml"))) == len(hostile)  # kept, never dropped


async def test_a_persons_unreadable_answer_reaches_the_caseworker(env, cases, production_gateway):
    """Outlook's TNEF or a plain-text "I can't come" holds no calendar answer; when its sender is invited to the
    meeting and its subject is the invitation's, the caseworker gets it (one task); from a stranger, nobody."""
    gw = production_gateway
    b = await booked(env, cases)
    subject = str(invitation(env, b.employee)["Subject"])
    for sender in ("fremmed@example.org", b.employee):
        message = EmailMessage()
        message["From"], message["To"] = sender, env.settings.organizer_email
        message["Subject"] = f"SV: {subject}"
        message["Message-ID"] = make_msgid(domain="example.com")
        message.set_content("Jeg kan desværre ikke komme den dag.")
        message.add_attachment(
            b"\x78\x9f\x3e\x22" + b"\0" * 64, maintype="application", subtype="ms-tnef", filename="winmail.dat"
        )
        await send(gw, message.as_bytes(policy=email.policy.SMTP), sender, env.settings.organizer_email)
    state = await wait_for(b.handle, lambda s: any(t.key.startswith("review/") for t in s.open_tasks))
    reviews = [t for t in state.open_tasks if t.key.startswith("review/")]
    assert len(reviews) == 1 and b.employee in reviews[0].what
    assert [r.detail for r in inbound(env)] == ["not_calendar", "not_calendar"]
    assert [r.case_id is not None for r in inbound(env)] == [False, True]
    assert state.meetings[0].responses == {}
