"""parse_inbound on what real clients send, on odd encodings, and on junk."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import formataddr
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event, vCalAddress

from mailing.ical import Attendee, MeetingInvite, build_request
from mailing.imip import ImipError, InboundMail, ItipReply, normalise_address, parse_inbound
from mailing.mime import build_message, message_bytes
from tests.fixtures.replies import FIXTURE_DIR, PLACEHOLDER_UID, load

UTC = timezone.utc
CPH = ZoneInfo("Europe/Copenhagen")
UID = PLACEHOLDER_UID


# --------------------------------------------------------------------------- the fixtures

EXPECTED = {
    "outlook_accept.eml": dict(
        sender="lars.jensen@example.com",
        method="REPLY",
        sequence=0,
        attendee="lars.jensen@example.com",
        partstat="ACCEPTED",
        comment="Vi glæder os. Mødelokalet på 1. sal er reserveret.",
    ),
    "gmail_decline.eml": dict(
        sender="mette.hansen@example.com",
        method="REPLY",
        sequence=0,
        attendee="mette.hansen@example.com",
        partstat="DECLINED",
        comment="Jeg har en tid hos lægen den dag. Kan vi finde en anden dag?",
    ),
    "apple_tentative.eml": dict(
        sender="mette.hansen@example.com",
        method="REPLY",
        sequence=1,
        attendee="mette.hansen@example.com",
        partstat="TENTATIVE",
        comment=None,
    ),
    "thunderbird_accept.eml": dict(
        sender="lars.jensen@example.com",
        method="REPLY",
        sequence=0,
        attendee="lars.jensen@example.com",
        partstat="ACCEPTED",
        comment=None,
    ),
    "outlook_counter.eml": dict(
        sender="lars.jensen@example.com",
        method="COUNTER",
        sequence=0,
        attendee="lars.jensen@example.com",
        partstat="TENTATIVE",
        comment="Vi har lageroptælling den 26. Kan vi flytte til tirsdag eftermiddag?",
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_client_fixture(name):
    expected = EXPECTED[name]
    mail = parse_inbound((FIXTURE_DIR / name).read_bytes())
    assert isinstance(mail, InboundMail)
    assert mail.sender == expected["sender"]
    assert mail.message_id.startswith("<") and mail.message_id.endswith(">")
    assert mail.subject and "=?" not in mail.subject
    assert len(mail.replies) == 1, mail.replies  # inline + attachment collapse to one
    (reply,) = mail.replies
    assert isinstance(reply, ItipReply)
    assert reply.method == expected["method"]
    assert reply.uid == UID
    assert reply.sequence == expected["sequence"]
    assert reply.attendee_email == expected["attendee"]
    assert reply.partstat == expected["partstat"]
    assert reply.comment == expected["comment"]
    if reply.method != "COUNTER":
        assert reply.proposed_start is None and reply.proposed_end is None


def test_outlook_counter_proposal_with_windows_timezone_across_dst():
    (reply,) = parse_inbound((FIXTURE_DIR / "outlook_counter.eml").read_bytes()).replies
    # 13:00-14:00 "Romance Standard Time" on 31 March 2026 is summer time (+02:00).
    assert reply.proposed_start == datetime(2026, 3, 31, 11, 0, tzinfo=UTC)
    assert reply.proposed_end == datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    assert reply.proposed_start.astimezone(CPH).hour == 13


def test_subjects_are_decoded():
    assert parse_inbound((FIXTURE_DIR / "outlook_accept.eml").read_bytes()).subject == (
        "Accepted: Opfølgningssamtale – sag FH-TEST"
    )


def test_plain_text_reply_is_not_calendar():
    with pytest.raises(ImipError) as err:
        parse_inbound((FIXTURE_DIR / "plain_text.eml").read_bytes())
    assert err.value.code == "not_calendar"
    assert isinstance(err.value, ValueError)


def test_malformed_fixture():
    with pytest.raises(ImipError) as err:
        parse_inbound((FIXTURE_DIR / "malformed.eml").read_bytes())
    assert err.value.code == "malformed_calendar"


def test_fixture_loader_rewrites_encoded_uid_sequence_and_addresses():
    for name in EXPECTED:
        raw = load(
            name,
            uid="fasthold-FH-2026-0042-m1@kommune.example",
            sequence=4,
            replacements={
                "lars.jensen@example.com": "lj@firma.example",
                "fasthold@example.com": "svar@kommune.example",
            },
        )
        (reply,) = parse_inbound(raw).replies
        assert reply.uid == "fasthold-FH-2026-0042-m1@kommune.example", name
        assert reply.sequence == 4, name
        assert b"fasthold@example.com" not in raw.lower(), name
        if EXPECTED[name]["attendee"] == "lars.jensen@example.com":
            assert reply.attendee_email == "lj@firma.example", name
    assert load("gmail_decline.eml") == (FIXTURE_DIR / "gmail_decline.eml").read_bytes()


# --------------------------------------------------------------------------- building blocks


def reply_calendar(
    *,
    method: str = "REPLY",
    attendee_line: str = 'ATTENDEE;PARTSTAT=ACCEPTED;CN="Jensen, Lars":MAILTO:Lars.Jensen@Example.com',
    extra: str = "",
    sequence: str = "2",
    with_method: bool = True,
) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//Test//EN",
        *(["METHOD:" + method] if with_method else []),
        "BEGIN:VEVENT",
        f"UID:{UID}",
        f"SEQUENCE:{sequence}",
        "DTSTAMP:20260106T081522Z",
        "DTSTART:20260112T090000Z",
        "DTEND:20260112T100000Z",
        "ORGANIZER:mailto:fasthold@example.com",
        attendee_line,
        *([extra] if extra else []),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def mail_with(part_builder, sender="Lars Jensen <lars.jensen@example.com>") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "fasthold@example.com"
    msg["Subject"] = "Svar"
    msg["Message-ID"] = "<test-1@example.com>"
    part_builder(msg)
    return msg.as_bytes()


def calendar_mail(calendar: str, method: str | None = "REPLY") -> bytes:
    """A mail whose only body is an inline text/calendar part."""
    params = {"method": method} if method else {}
    return mail_with(lambda m: m.set_content(calendar.encode(), maintype="text", subtype="calendar", params=params))


# --------------------------------------------------------------------------- encodings and layouts


def test_octet_stream_attachment_with_ics_name():
    cal = reply_calendar().encode()

    def build(msg):
        msg.set_content("Se vedhæftet.")
        msg.add_attachment(cal, maintype="application", subtype="octet-stream", filename="Svar.ICS")

    (reply,) = parse_inbound(mail_with(build)).replies
    assert reply.partstat == "ACCEPTED" and reply.attendee_email == "lars.jensen@example.com"


def test_latin1_calendar_quoted_printable():
    cal = reply_calendar(extra="COMMENT:Vi ses på mødet.").encode("iso-8859-1")

    def build(msg):
        params = {"method": "REPLY", "charset": "iso-8859-1"}
        msg.set_content(cal, maintype="text", subtype="calendar", cte="quoted-printable", params=params)

    (reply,) = parse_inbound(mail_with(build)).replies
    assert reply.comment == "Vi ses på mødet."


def test_utf8_bytes_in_a_part_labelled_7bit():
    cal = reply_calendar(extra="COMMENT:Vi glæder os").encode()
    raw = (
        b"From: lars.jensen@example.com\r\nTo: fasthold@example.com\r\nSubject: x\r\n"
        b"Message-ID: <x@y>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/calendar; method=REPLY; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + cal
    )
    (reply,) = parse_inbound(raw).replies
    assert reply.comment == "Vi glæder os"


def test_unknown_charset_falls_back():
    cal = reply_calendar(extra="COMMENT:Vi glæder os").encode()

    def build(msg):
        params = {"method": "REPLY", "charset": "x-unknown-42"}
        msg.set_content(cal, maintype="text", subtype="calendar", cte="base64", params=params)

    (reply,) = parse_inbound(mail_with(build)).replies
    assert reply.comment == "Vi glæder os"


def test_forwarded_message_rfc822():
    inner = email.message_from_bytes((FIXTURE_DIR / "outlook_accept.eml").read_bytes(), policy=email.policy.default)
    outer = EmailMessage()
    outer["From"] = "Sekretær <sekretaer@example.com>"
    outer["To"] = "fasthold@example.com"
    outer["Subject"] = "VS: Accepted"
    outer["Message-ID"] = "<fwd-1@example.com>"
    outer.set_content("Videresendt svar fra Lars.")
    outer.add_attachment(inner)
    assert "message/rfc822" in [p.get_content_type() for p in outer.walk()]

    mail = parse_inbound(outer.as_bytes())
    assert mail.sender == "sekretaer@example.com"
    (reply,) = mail.replies
    assert reply.attendee_email == "lars.jensen@example.com" and reply.partstat == "ACCEPTED"


def test_deeply_nested_multiparts():
    cal = reply_calendar().encode()
    inner = EmailMessage()
    inner.set_content("tekst")
    inner.add_alternative("<p>tekst</p>", subtype="html")
    inner.add_alternative(cal, maintype="text", subtype="calendar", params={"method": "REPLY"})
    related = EmailMessage()
    related.make_mixed()
    related.attach(inner)
    outer = EmailMessage()
    outer["From"] = "lars.jensen@example.com"
    outer.make_mixed()
    outer.attach(related)
    (reply,) = parse_inbound(outer.as_bytes()).replies
    assert reply.uid == UID


# --------------------------------------------------------------------------- attendee spellings


@pytest.mark.parametrize(
    "line",
    [
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:lars.jensen@example.com",
        "ATTENDEE;PARTSTAT=ACCEPTED:MAILTO:LARS.JENSEN@EXAMPLE.COM",
        'ATTENDEE;CN="Jensen, Lars";PARTSTAT=ACCEPTED:MailTo:Lars.Jensen@example.com',
        "ATTENDEE;CN=Lars Jensen;PARTSTAT=accepted:mailto: lars.jensen@example.com",
        "ATTENDEE;CN=Lars;EMAIL=Lars.Jensen@example.com;PARTSTAT=ACCEPTED:urn:uuid:6b1f9a0e-1111-2222-3333",
        "ATTENDEE;PARTSTAT=ACCEPTED:lars.jensen@example.com",
    ],
)
def test_attendee_spellings_are_normalised(line):
    raw = calendar_mail(reply_calendar(attendee_line=line), "REPLY")
    (reply,) = parse_inbound(raw).replies
    assert reply.attendee_email == "lars.jensen@example.com"
    assert reply.partstat == "ACCEPTED"
    assert reply.sequence == 2


def test_normalise_address():
    assert normalise_address(" MAILTO:Jens@Example.COM ") == "jens@example.com"
    assert normalise_address("<mailto:a@b.dk>") == "a@b.dk"


def test_reply_listing_several_attendees_keeps_the_sender():
    line = (
        "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:mette.hansen@example.com\r\n"
        "ATTENDEE;PARTSTAT=DECLINED;CN=Lars:mailto:lars.jensen@example.com"
    )
    raw = calendar_mail(reply_calendar(attendee_line=line), "REPLY")
    (reply,) = parse_inbound(raw).replies
    assert reply.attendee_email == "lars.jensen@example.com" and reply.partstat == "DECLINED"


# --------------------------------------------------------------------------- methods


def test_counter_with_duration_and_floating_time():
    cal = (
        reply_calendar(method="COUNTER")
        .replace("DTSTART:20260112T090000Z", "DTSTART:20260714T130000")
        .replace("DTEND:20260112T100000Z", "DURATION:PT1H30M")
    )
    raw = calendar_mail(cal, "COUNTER")
    (reply,) = parse_inbound(raw).replies
    assert reply.method == "COUNTER"
    # floating time is read as Danish local time (summer: +02:00)
    assert reply.proposed_start == datetime(2026, 7, 14, 11, 0, tzinfo=UTC)
    assert reply.proposed_end == datetime(2026, 7, 14, 12, 30, tzinfo=UTC)


def test_refresh_has_no_partstat():
    cal = reply_calendar(method="REFRESH", attendee_line="ATTENDEE:mailto:lars.jensen@example.com")
    raw = calendar_mail(cal, "REFRESH")
    (reply,) = parse_inbound(raw).replies
    assert reply.method == "REFRESH" and reply.partstat is None


def test_method_from_content_type_when_calendar_lacks_it():
    cal = reply_calendar(with_method=False)
    raw = calendar_mail(cal, "reply")
    (reply,) = parse_inbound(raw).replies
    assert reply.method == "REPLY"


def test_sequence_missing_means_zero():
    cal = reply_calendar().replace("SEQUENCE:2\r\n", "")
    raw = calendar_mail(cal, None)
    assert parse_inbound(raw).replies[0].sequence == 0


# --------------------------------------------------------------------------- errors


def test_no_method_anywhere():
    cal = reply_calendar(with_method=False)
    raw = mail_with(
        lambda m: m.add_attachment(cal.encode(), maintype="application", subtype="ics", filename="invite.ics")
    )
    with pytest.raises(ImipError) as err:
        parse_inbound(raw)
    assert err.value.code == "no_method"


def test_too_large():
    raw = (FIXTURE_DIR / "outlook_accept.eml").read_bytes()
    with pytest.raises(ImipError) as err:
        parse_inbound(raw, max_bytes=1000)
    assert err.value.code == "too_large"
    assert parse_inbound(raw, max_bytes=len(raw)).replies


@pytest.mark.parametrize(
    "calendar",
    [
        "not a calendar at all",
        reply_calendar().replace("END:VCALENDAR\r\n", ""),
        reply_calendar(extra="this line is not a content line"),
        reply_calendar(sequence="two"),
        reply_calendar().replace(f"UID:{UID}\r\n", ""),
        reply_calendar(attendee_line="X-NOTHING:1"),
        reply_calendar().replace("BEGIN:VEVENT", "BEGIN:VJOURNAL").replace("END:VEVENT", "END:VJOURNAL"),
        reply_calendar(method="COUNTER").replace("DTSTART:20260112T090000Z", "DTSTART:2026-13-45"),
    ],
    ids=["text", "truncated", "junk-line", "bad-sequence", "no-uid", "no-attendee", "no-vevent", "bad-dtstart"],
)
def test_malformed_calendars(calendar):
    raw = calendar_mail(calendar, "REPLY")
    with pytest.raises(ImipError) as err:
        parse_inbound(raw)
    assert err.value.code == "malformed_calendar"


def test_an_odd_x_property_does_not_spoil_a_reply():
    cal = reply_calendar(extra="X-SOMETHING;VALUE=DATE-TIME:not-a-date")
    raw = calendar_mail(cal, "REPLY")
    assert parse_inbound(raw).replies[0].partstat == "ACCEPTED"


def test_a_good_part_wins_over_a_broken_one():
    def build(msg):
        msg.set_content("x")
        msg.add_attachment(b"BEGIN:VCALENDAR\r\nbroken", maintype="application", subtype="ics", filename="a.ics")
        msg.add_attachment(reply_calendar().encode(), maintype="application", subtype="ics", filename="b.ics")

    assert len(parse_inbound(mail_with(build)).replies) == 1


def test_garbage_bytes():
    with pytest.raises(ImipError) as err:
        parse_inbound(b"\x00\xff\xfe garbage without headers")
    assert err.value.code == "not_calendar"


# --------------------------------------------------------------------------- round trip


def test_round_trip_reply_built_from_our_request():
    """Our REQUEST -> an attendee's REPLY (built with icalendar, as a client would) -> parse_inbound."""
    invite = MeetingInvite(
        uid="fasthold-FH-2026-0042-m1@kommune.example",
        sequence=1,
        start=datetime(2026, 7, 6, 10, tzinfo=CPH),
        end=datetime(2026, 7, 6, 11, tzinfo=CPH),
        summary="Opfølgningssamtale – sag FH-2026-0042",
        description="",
        location="Vestergade 1, 8000 Aarhus C",
        organizer_email="svar@kommune.example",
        organizer_name="Sofie Nielsen",
        attendees=(
            Attendee("Jensen, Lars", "lars.jensen@example.com"),
            Attendee("Mette Hansen", "mette.hansen@example.com"),
        ),
    )
    request = Calendar.from_ical(build_request(invite, datetime(2026, 6, 1, 8, tzinfo=UTC)))
    original = next(iter(request.walk("VEVENT")))

    reply_cal = Calendar()
    reply_cal.add("prodid", "-//Attendee client//EN")
    reply_cal.add("version", "2.0")
    reply_cal.add("method", "REPLY")
    for tz in request.walk("VTIMEZONE"):
        reply_cal.add_component(tz)
    event = Event()
    for key in ("UID", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "ORGANIZER"):
        event[key] = original[key]
    event.add("dtstamp", datetime(2026, 6, 2, 9, tzinfo=UTC))
    me = vCalAddress("MAILTO:Mette.Hansen@example.com")
    me.params["CN"] = "Mette Hansen"
    me.params["PARTSTAT"] = "DECLINED"
    event.add("attendee", me)
    event.add("comment", "Jeg er til behandling den dag.")
    reply_cal.add_component(event)

    msg = build_message(
        sender=formataddr(("Mette Hansen", "mette.hansen@example.com")),
        to=["svar@kommune.example"],
        subject="Afvist: Opfølgningssamtale",
        text="Afvist",
        html="<p>Afvist</p>",
        message_id="<reply-1@example.com>",
        calendar=reply_cal.to_ical(),
        method="REPLY",
    )
    mail = parse_inbound(message_bytes(msg))
    assert mail.sender == "mette.hansen@example.com"
    assert mail.message_id == "<reply-1@example.com>"
    assert mail.replies == (
        ItipReply(
            method="REPLY",
            uid="fasthold-FH-2026-0042-m1@kommune.example",
            sequence=1,
            attendee_email="mette.hansen@example.com",
            partstat="DECLINED",
            proposed_start=None,
            proposed_end=None,
            comment="Jeg er til behandling den dag.",
        ),
    )


def test_our_own_request_parses_as_request():
    """The gateway may see its own REQUEST bounced or forwarded back: it is parsed, not mistaken for a reply."""
    invite = MeetingInvite(
        uid="u1@kommune.example",
        sequence=0,
        start=datetime(2026, 1, 12, 10, tzinfo=CPH),
        end=datetime(2026, 1, 12, 11, tzinfo=CPH),
        summary="S",
        description="",
        location="L",
        organizer_email="svar@kommune.example",
        organizer_name="S",
        attendees=(Attendee("A", "a@example.com"),),
    )
    cal = build_request(invite, datetime(2026, 1, 1, tzinfo=UTC))
    msg = build_message(
        sender="svar@kommune.example",
        to=["a@example.com"],
        subject="x",
        text="x",
        html="x",
        message_id="<m@x>",
        calendar=cal,
    )
    (reply,) = parse_inbound(message_bytes(msg)).replies
    assert reply.method == "REQUEST" and reply.partstat == "NEEDS-ACTION"
