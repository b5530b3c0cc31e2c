"""The inbound mail gateway with real parts: answers sent over SMTP (aiosmtplib) to the gateway (aiosmtpd),
matched in a real SQLite register and passed to a real case workflow on the time-skipping server.

Replies are the client fixtures in tests/fixtures/replies (Outlook, Gmail, Apple Mail, Thunderbird),
rewritten with the meeting's real UID and SEQUENCE and the case's real attendees, plus one REPLY built from
the invitation the mail sink actually received. The workflow may send more mail than these tests look at
(new proposals, reminders): mails are picked by recipient and kind, never counted all together.
"""

from __future__ import annotations

import email
import email.policy
import json
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import make_msgid
from zoneinfo import ZoneInfo

import aiosmtplib
import pytest
import pytest_asyncio

from domain.model import CaseEnd, CaseInput, CaseState, Meeting
from gateway import start_gateway
from mailing.imip import ItipReply
from mailing.inbox import Inbox
from mailing.reply_policy import MeetingMatch, decide, message_key
from register.models import CaseRow, MeetingAttendee, MeetingRow, MessageRow
from tests.conftest import free_port, sick_report
from tests.fixtures.replies import PLACEHOLDER_ORGANIZER, load
from tests.helpers import calendar_part, rows, server_today, start, wait_for
from tests.itip import itip_reply
from workflows.case_workflow import CaseWorkflow

STRANGER = "ukendt.person@example.org"
CALENDAR_LIMIT = 100_000  # small limits, so the tests need no megabytes
SMTP_LIMIT = 300_000
FIXTURE_PEOPLE = ("lars.jensen@example.com", "mette.hansen@example.com")
COUNTER_DAY = "20260331T"  # the day outlook_counter.eml proposes
CPH = ZoneInfo("Europe/Copenhagen")


# --------------------------------------------------------------------------- harness


@pytest_asyncio.fixture
async def gateway(env):
    # These tests are about reading and matching answers: the sender is trusted as the embedded run trusts it
    # (handed over on loopback). Verification by Authentication-Results is tested in test_gateway_trust.py.
    settings = env.settings.replace(gateway_port=free_port())
    gw = start_gateway(
        settings, env.client, env.register, smtp_limit=SMTP_LIMIT, calendar_limit=CALENDAR_LIMIT, trust_loopback=True
    )
    yield gw
    await gw.aclose()


@dataclass
class Booked:
    case: CaseInput
    handle: object
    meeting: Meeting
    caseworker: str

    @property
    def employer(self) -> str:
        return self.case.employer.contact_email

    @property
    def employee(self) -> str:
        return self.case.employee.email


async def booked(env, cases: list) -> Booked:
    case, handle = await start(env, sick_report())
    cases.append(handle)
    state = await wait_for(handle, lambda s: s.phase == "meeting_booked")
    return Booked(case, handle, state.meetings[0], state.caseworker.email)


def invitation(env, address: str) -> EmailMessage:
    found = [
        m
        for m in env.mail.to(address)
        if (part := calendar_part(m)) is not None and part.get_param("method") == "REQUEST"
    ]
    assert found, f"no invitation to {address}"
    return found[0]


def fixture_reply(
    name: str, b: Booked, attendee: str, *, uid: str | None = None, sequence: int | None = None, organizer: str
) -> bytes:
    """A client fixture answering as ``attendee`` (From and ATTENDEE both), for this case's meeting.

    Outlook's COUNTER proposes 13:00-14:00 Copenhagen time on 31 March 2026; here on the day after the meeting,
    so the proposal never lies in the past of the time-skipping server's clock.
    """
    people = {person: attendee for person in FIXTURE_PEOPLE}
    proposed = {COUNTER_DAY: f"{proposed_day(b):%Y%m%d}T"}
    return load(
        name,
        uid=uid or b.meeting.uid,
        sequence=b.meeting.sequence if sequence is None else sequence,
        replacements={**people, PLACEHOLDER_ORGANIZER: organizer, **proposed},
    )


def proposed_day(b: Booked) -> date:
    return b.meeting.start.astimezone(CPH).date() + timedelta(days=1)


def proposal_text(b: Booked) -> str:
    """How the caseworker's task names the proposed time (13:00 local time on the proposed day)."""
    return f"{proposed_day(b):%d.%m.%Y} kl. 13.00"


def with_headers(raw: bytes, **headers: str) -> bytes:
    """The same message with headers replaced (e.g. a new Message-ID, another From), body untouched."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    for name, value in headers.items():
        name = name.replace("_", "-")
        del msg[name]
        msg[name] = value
    return msg.as_bytes(policy=email.policy.compat32.clone(linesep="\r\n"))


def fresh(raw: bytes) -> bytes:
    return with_headers(raw, Message_ID=make_msgid(domain="example.com"))


async def send(gw, raw: bytes, sender: str, recipient: str) -> None:
    await aiosmtplib.send(raw, sender=sender, recipients=[recipient], hostname=gw.hostname, port=gw.port)
    await gw.idle()


def inbound(env) -> list[MessageRow]:
    return rows(env.register, MessageRow, MessageRow.direction == "in")


def kept(gw, folder: str) -> list[tuple[str, dict]]:
    """(file name, its .json record) for every message kept in inbox/<folder>/."""
    directory = getattr(gw.inbox, folder)
    return [
        (p.name, json.loads(p.with_suffix(".json").read_text(encoding="utf-8")))
        for p in sorted(directory.glob("*.eml"))
    ]


def answered(uid: str, address: str, partstat: str):
    """The answer reached the case: in the meeting's responses, or (once the workflow has acted on a
    decline and moved on) in its timeline."""

    def check(state: CaseState) -> bool:
        in_meeting = any(m.uid == uid and m.responses.get(address) == partstat for m in state.meetings)
        return in_meeting or any(e.event == "rsvp" and partstat in e.detail for e in state.timeline)

    return check


def rsvp_events(state: CaseState) -> list[str]:
    return [e.detail for e in state.timeline if e.event == "rsvp"]


def case_id(env, b: Booked) -> int:
    [row] = rows(env.register, CaseRow, CaseRow.reference == b.case.reference)
    return row.id


# --------------------------------------------------------------------------- answers that count


@pytest.mark.parametrize(
    "fixture, who, partstat",
    [
        ("outlook_accept.eml", "employer", "ACCEPTED"),
        ("gmail_decline.eml", "employee", "DECLINED"),
        ("apple_tentative.eml", "employee", "TENTATIVE"),
        ("thunderbird_accept.eml", "employer", "ACCEPTED"),
    ],
)
async def test_client_replies_reach_the_case(env, cases, gateway, fixture, who, partstat):
    b = await booked(env, cases)
    address = getattr(b, who)
    organizer = env.settings.organizer_email
    # Clients spell the From address as the user typed it: it matches the ATTENDEE case-insensitively.
    raw = with_headers(fixture_reply(fixture, b, address, organizer=organizer), From=f"Navn <{address.title()}>")

    await send(gateway, raw, address, organizer)

    await wait_for(b.handle, answered(b.meeting.uid, address, partstat))
    [row] = inbound(env)
    message_id = str(email.message_from_bytes(raw, policy=email.policy.default)["Message-ID"]).strip()
    assert (row.status, row.purpose, row.detail, row.case_id) == ("received", "rsvp", partstat, case_id(env, b))
    assert row.message_key == f"in/{message_id}" and row.recipients == organizer
    [(name, record)] = kept(gateway, "accepted")
    assert record["status"] == "received" and record["case_reference"] == b.case.reference
    assert record["answers"] == [
        {"method": "REPLY", "uid": b.meeting.uid, "sequence": b.meeting.sequence, "outcome": partstat, "applied": True}
    ]
    kept_mail = email.message_from_bytes((gateway.inbox.accepted / name).read_bytes(), policy=email.policy.default)
    assert str(kept_mail["Message-ID"]).strip() == message_id
    assert kept(gateway, "refused") == [] and list(gateway.inbox.new.glob("*.eml")) == []


async def test_a_counter_proposal_becomes_a_task_for_the_caseworker(env, cases, gateway):
    b = await booked(env, cases)
    organizer = env.settings.organizer_email
    raw = fixture_reply("outlook_counter.eml", b, b.employer, organizer=organizer)

    await send(gateway, raw, b.employer, organizer)

    # Outlook proposes 13:00 Copenhagen time (in its own Windows time zone): the task says so.
    tasks = [
        m
        for m in env.mail.to(b.caseworker)
        if calendar_part(m) is None and proposal_text(b) in m.get_body(("plain",)).get_content()
    ]
    assert len(tasks) == 1
    assert b.case.reference in str(tasks[0]["Subject"]) + tasks[0].get_body(("plain",)).get_content()
    # A proposal, not a booking: the meeting stands as it was.
    state = await b.handle.query(CaseWorkflow.state_now)
    meeting = state.meetings[0]
    assert (meeting.start, meeting.status, meeting.sequence) == (b.meeting.start, "invited", b.meeting.sequence)
    [row] = inbound(env)
    assert (row.status, row.purpose, row.case_id) == ("received", "counter", case_id(env, b))
    assert len(kept(gateway, "accepted")) == 1


async def test_a_reply_built_from_the_received_invitation(env, cases, gateway):
    """Round trip: the employee's calendar answers the very .ics the engine sent."""
    b = await booked(env, cases)
    organizer = env.settings.organizer_email
    reply = itip_reply(
        invitation(env, b.employee),
        b.employee,
        name=b.case.employee.name,
        to=organizer,
        subject="Accepteret: Opfølgningssamtale med jobcentret",
    )
    await send(gateway, reply, b.employee, organizer)

    state = await wait_for(b.handle, answered(b.meeting.uid, b.employee, "ACCEPTED"))
    assert state.meetings[0].responses == {b.employee: "ACCEPTED"}
    [row] = inbound(env)
    assert (row.status, row.detail) == ("received", "ACCEPTED")
    # The register holds the answer too.
    [meeting] = rows(env.register, MeetingRow, MeetingRow.uid == b.meeting.uid)
    partstats = {
        a.email: a.partstat for a in rows(env.register, MeetingAttendee, MeetingAttendee.meeting_id == meeting.id)
    }
    assert partstats[b.employee] == "ACCEPTED"


# --------------------------------------------------------------------------- answers that do not count


async def test_a_stranger_changes_nothing(env, cases, gateway):
    b = await booked(env, cases)
    organizer = env.settings.organizer_email
    # A stranger answering for themselves, and a stranger (delegate, forwarder) answering for the employer.
    own = fixture_reply("outlook_accept.eml", b, STRANGER, organizer=organizer)
    forwarded = with_headers(
        fixture_reply("gmail_decline.eml", b, b.employer, organizer=organizer), From=f"Fremmed <{STRANGER}>"
    )

    await send(gateway, own, STRANGER, organizer)
    await send(gateway, forwarded, STRANGER, organizer)

    state = await b.handle.query(CaseWorkflow.state_now)
    assert state.meetings[0].responses == {} and rsvp_events(state) == []
    assert {(r.status, r.detail) for r in inbound(env)} == {("refused", "not_attendee"), ("refused", "sender_mismatch")}
    refused = kept(gateway, "refused")
    assert sorted(record["reason"] for _, record in refused) == ["not_attendee", "sender_mismatch"]
    assert all(name.endswith(f"-{record['reason']}.eml") for name, record in refused)
    assert kept(gateway, "accepted") == []
    partstats = {a.partstat for a in rows(env.register, MeetingAttendee)}
    assert partstats == {"NEEDS-ACTION"}


async def test_unknown_meeting_and_another_version_are_refused(env, cases, gateway):
    b = await booked(env, cases)
    organizer = env.settings.organizer_email
    unknown = fixture_reply(
        "outlook_accept.eml", b, b.employer, uid="fasthold-unknown@example.invalid", organizer=organizer
    )
    # Apple's reply as the fixture has it, SEQUENCE:1, while the meeting is at version 0: the case refuses it.
    other_version = fixture_reply(
        "apple_tentative.eml", b, b.employee, sequence=b.meeting.sequence + 1, organizer=organizer
    )

    await send(gateway, unknown, b.employer, organizer)
    await send(gateway, other_version, b.employee, organizer)

    state = await b.handle.query(CaseWorkflow.state_now)
    assert state.meetings[0].responses == {}
    by_detail = {r.detail: r for r in inbound(env)}
    assert set(by_detail) == {"unknown_uid", "stale_sequence"}
    assert by_detail["unknown_uid"].case_id is None
    assert by_detail["stale_sequence"].case_id == case_id(env, b)
    assert all(r.status == "refused" and r.purpose == "rsvp" for r in by_detail.values())
    assert sorted(record["reason"] for _, record in kept(gateway, "refused")) == ["stale_sequence", "unknown_uid"]


async def test_answers_to_a_cancelled_meeting_are_refused(env, cases, gateway):
    b = await booked(env, cases)
    organizer = env.settings.organizer_email
    await b.handle.execute_update(CaseWorkflow.report_end, CaseEnd("full_recovery", await server_today(env)))
    await wait_for(b.handle, lambda s: s.phase == "closed" and s.meetings[0].status == "cancelled")
    [meeting] = rows(env.register, MeetingRow, MeetingRow.uid == b.meeting.uid)
    assert meeting.status == "cancelled" and meeting.sequence == b.meeting.sequence + 1

    # An answer to the original invitation is stale; one to the cancellation is for a meeting no longer planned.
    await send(gateway, fixture_reply("outlook_accept.eml", b, b.employer, organizer=organizer), b.employer, organizer)
    await send(
        gateway,
        fixture_reply("thunderbird_accept.eml", b, b.employee, sequence=meeting.sequence, organizer=organizer),
        b.employee,
        organizer,
    )

    assert sorted(r.detail for r in inbound(env)) == ["meeting_not_planned", "stale_sequence"]
    assert all(r.status == "refused" for r in inbound(env))
    assert len(kept(gateway, "refused")) == 2


async def test_unreadable_mail_is_refused_and_kept_and_the_gateway_carries_on(env, cases, gateway):
    b = await booked(env, cases)
    organizer = env.settings.organizer_email
    rng = random.Random(8)
    noise = bytes(c for c in rng.randbytes(6000) if c not in b"\r\n")
    garbage = b"\r\n".join(noise[i : i + 70] for i in range(0, len(noise), 70)) + b"\r\n"
    binary_calendar = (
        b"From: " + b.employer.encode() + b"\r\nTo: " + organizer.encode() + b"\r\n"
        b"Message-ID: <binary-calendar@example.com>\r\n"
        b"Content-Type: text/calendar; method=REPLY; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nBEGIN:VCALENDAR\r\n" + garbage
    )
    # The limit is on the calendar part: one padded past it is refused (a large picture beside one is not).
    padding = "".join(f"X-PAD-{i}:{'x' * 70}\r\n" for i in range(CALENDAR_LIMIT // 70))
    too_large = (
        f"From: {b.employer}\r\nTo: {organizer}\r\nMessage-ID: <too-large@example.com>\r\n"
        "Content-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n"
        f"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:{b.meeting.uid}\r\n{padding}"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()

    expected = {"malformed.eml": "malformed_calendar", "plain_text.eml": "not_calendar"}
    for name in expected:
        await send(gateway, fixture_reply(name, b, b.employer, organizer=organizer), b.employer, organizer)
    await send(gateway, garbage, "x@example.org", organizer)
    await send(gateway, binary_calendar, b.employer, organizer)
    await send(gateway, too_large, b.employer, organizer)

    details = sorted(r.detail for r in inbound(env))
    assert details == sorted([*expected.values(), "not_calendar", "malformed_calendar", "too_large"])
    assert all(r.status == "refused" for r in inbound(env))
    refused = kept(gateway, "refused")
    assert len(refused) == 5 and sorted(record["reason"] for _, record in refused) == details
    assert any((gateway.inbox.refused / name).read_bytes().startswith(garbage[:70]) for name, _ in refused)

    # Still running: a proper answer after all that is applied.
    await send(gateway, fixture_reply("outlook_accept.eml", b, b.employer, organizer=organizer), b.employer, organizer)
    await wait_for(b.handle, answered(b.meeting.uid, b.employer, "ACCEPTED"))


async def test_smtp_refuses_other_recipients_and_oversized_mail(env, cases, gateway):
    b = await booked(env, cases)
    organizer = env.settings.organizer_email
    raw = fixture_reply("outlook_accept.eml", b, b.employer, organizer=organizer)

    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
        await aiosmtplib.send(
            raw,
            sender=b.employer,
            recipients=["someone.else@jobcenter.example.dk"],
            hostname=gateway.hostname,
            port=gateway.port,
        )
    assert refused.value.recipients[0].code == 550

    oversized = raw.replace(b"\r\n\r\n", b"\r\n\r\n" + (b"y" * 76 + b"\r\n") * (SMTP_LIMIT // 78 + 10), 1)
    # A client that declares the size is refused at MAIL FROM ...
    with pytest.raises(aiosmtplib.SMTPSenderRefused) as declared:
        await aiosmtplib.send(
            oversized, sender=b.employer, recipients=[organizer], hostname=gateway.hostname, port=gateway.port
        )
    assert declared.value.code == 552
    # ... and one that does not, after DATA.
    async with aiosmtplib.SMTP(hostname=gateway.hostname, port=gateway.port) as smtp:
        await smtp.mail(b.employer)
        await smtp.rcpt(organizer)
        with pytest.raises(aiosmtplib.SMTPDataError) as undeclared:
            await smtp.data(oversized)
    assert undeclared.value.code == 552

    await gateway.idle()
    assert inbound(env) == [] and kept(gateway, "accepted") == kept(gateway, "refused") == []
    # The organizer address is matched case-insensitively.
    await send(gateway, raw, b.employer, organizer.upper())
    await wait_for(b.handle, answered(b.meeting.uid, b.employer, "ACCEPTED"))


async def test_the_same_message_twice_is_applied_once(env, cases, gateway):
    b = await booked(env, cases)
    organizer = env.settings.organizer_email
    accept = fixture_reply("outlook_accept.eml", b, b.employer, organizer=organizer)
    counter = fixture_reply("outlook_counter.eml", b, b.employer, organizer=organizer)

    for raw in (accept, accept, counter, counter):
        await send(gateway, raw, b.employer, organizer)

    state = await wait_for(b.handle, answered(b.meeting.uid, b.employer, "ACCEPTED"))
    assert len(rsvp_events(state)) == 1
    assert len([e for e in state.timeline if e.event == "counter_proposal"]) == 1
    tasks = [m for m in env.mail.to(b.caseworker) if proposal_text(b) in m.get_body(("plain",)).get_content()]
    assert len(tasks) == 1
    rows_in = inbound(env)
    assert sorted((r.purpose, r.status) for r in rows_in) == [("counter", "received"), ("rsvp", "received")]
    assert len({r.message_key for r in rows_in}) == 2
    assert len(kept(gateway, "accepted")) == 2
    duplicates = [record for _, record in kept(gateway, "refused")]
    assert [r["reason"] for r in duplicates] == ["duplicate", "duplicate"]
    assert {r["case_reference"] for r in duplicates} == {b.case.reference}


async def test_messages_left_by_a_stop_are_processed_on_start(env, cases):
    b = await booked(env, cases)
    organizer = env.settings.organizer_email
    settings = env.settings.replace(gateway_port=free_port())
    Inbox(settings.data_path / "inbox").keep(
        fixture_reply("thunderbird_accept.eml", b, b.employer, organizer=organizer), [organizer], peer="127.0.0.1"
    )

    gw = start_gateway(settings, env.client, env.register, trust_loopback=True)
    try:
        await gw.idle()
        await wait_for(b.handle, answered(b.meeting.uid, b.employer, "ACCEPTED"))
        assert [r.status for r in inbound(env)] == ["received"]
        assert len(kept(gw, "accepted")) == 1 and list(gw.inbox.new.iterdir()) == []
    finally:
        await gw.aclose()


# --------------------------------------------------------------------------- the matching rules, pure


MEETING = MeetingMatch(
    uid="u-1",
    case_id=1,
    reference="SAG-1",
    workflow_id="case-101-SAG-1",
    sequence=2,
    status="invited",
    attendees=frozenset({"a@example.com", "b@example.com"}),
)


def _reply(**changes) -> ItipReply:
    base = dict(
        method="REPLY",
        uid="u-1",
        sequence=2,
        attendee_email="a@example.com",
        partstat="ACCEPTED",
        proposed_start=None,
        proposed_end=None,
        comment=None,
    )
    return ItipReply(**{**base, **changes})


@pytest.mark.parametrize(
    "reply, sender, meeting, reason",
    [
        (_reply(), "A@Example.COM", MEETING, ""),
        (_reply(sequence=3), "a@example.com", MEETING, ""),  # newer than the register knows: the case decides
        (_reply(), "a@example.com", None, "unknown_uid"),
        (_reply(), "b@example.com", MEETING, "sender_mismatch"),
        (_reply(attendee_email="c@example.com"), "c@example.com", MEETING, "not_attendee"),
        (_reply(sequence=1), "a@example.com", MEETING, "stale_sequence"),
        (_reply(), "a@example.com", MeetingMatch(**{**MEETING.__dict__, "status": "cancelled"}), "meeting_not_planned"),
        (_reply(partstat="NEEDS-ACTION"), "a@example.com", MEETING, "bad_partstat"),
        (_reply(partstat="DELEGATED"), "a@example.com", MEETING, "bad_partstat"),
        (_reply(method="REFRESH"), "a@example.com", MEETING, "unsupported_method"),
        (
            _reply(method="COUNTER", proposed_start=datetime(2026, 3, 31, 11, tzinfo=timezone.utc)),
            "a@example.com",
            MEETING,
            "bad_proposal",
        ),
    ],
)
def test_decide(reply, sender, meeting, reason):
    decision = decide(reply, sender, meeting, verified=True)
    assert decision.reason == reason
    assert (decision.update is None) == bool(reason)


def test_decide_counter_and_message_key():
    start = datetime(2026, 3, 31, 11, tzinfo=timezone.utc)
    decision = decide(
        _reply(
            method="COUNTER",
            partstat="TENTATIVE",
            proposed_start=start,
            proposed_end=start + timedelta(hours=1),
            comment="Passer bedre",
        ),
        "a@example.com",
        MEETING,
        verified=True,
    )
    assert (decision.update.start, decision.update.comment, decision.update.sequence) == (start, "Passer bedre", 2)
    assert message_key(b"Message-ID: <x@y>\r\n\r\nhej") == ("in/<x@y>", "<x@y>")
    key, message_id = message_key(b"\x00\xff garbage")
    assert key.startswith("in/sha256:") and message_id == ""
