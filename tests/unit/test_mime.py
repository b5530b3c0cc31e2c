"""build_message: layout, headers, and the bytes that go to SMTP."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta, timezone
from email.utils import formataddr
from zoneinfo import ZoneInfo

import pytest
import vobject

from mailing.ical import Attendee, MeetingInvite, build_cancel, build_request
from mailing.mime import build_message, calendar_method, message_bytes

CPH = ZoneInfo("Europe/Copenhagen")
DTSTAMP = datetime(2026, 1, 5, 8, 30, tzinfo=timezone.utc)
INVITE = MeetingInvite(
    uid="fasthold-FH-2026-0042-m1@kommune.example",
    sequence=0,
    start=datetime(2026, 1, 12, 10, tzinfo=CPH),
    end=datetime(2026, 1, 12, 11, tzinfo=CPH),
    summary="Opfølgningssamtale – sag FH-2026-0042",
    description="",
    location="Vestergade 1, 8000 Aarhus C",
    organizer_email="svar@kommune.example",
    organizer_name="Sofie Nielsen",
    attendees=(Attendee("Jensen, Lars", "lars.jensen@example.com"),),
)


def base_kwargs(**changes):
    kwargs = dict(
        sender=formataddr(("Sofie Nielsen, Aarhus Kommune", "svar@kommune.example")),
        to=['"Jensen, Lars" <lars.jensen@example.com>'],
        subject="Invitation: Opfølgningssamtale mandag den 12. januar 2026 kl. 10.00",
        text="Kære Lars Jensen\n\nDu er inviteret.\n",
        html="<p>Kære Lars Jensen</p><p>Du er inviteret.</p>",
        message_id="<fasthold.FH-2026-0042.invitation.0@kommune.example>",
    )
    kwargs.update(changes)
    return kwargs


def reparse(msg) -> email.message.EmailMessage:
    return email.message_from_bytes(message_bytes(msg), policy=email.policy.default)


def tree(msg) -> list[str]:
    return [part.get_content_type() for part in msg.walk()]


def test_layout_without_calendar():
    msg = reparse(build_message(**base_kwargs()))
    assert tree(msg) == ["multipart/alternative", "text/plain", "text/html"]
    plain, html = msg.get_payload()
    assert plain.get_content_charset() == "utf-8" and html.get_content_charset() == "utf-8"
    assert plain.get_content().replace("\r\n", "\n") == "Kære Lars Jensen\n\nDu er inviteret.\n"
    assert "<p>Kære Lars Jensen</p>" in html.get_content()


@pytest.mark.parametrize("builder, method", [(build_request, "REQUEST"), (build_cancel, "CANCEL")])
def test_layout_with_calendar(builder, method):
    calendar = builder(INVITE, DTSTAMP)
    msg = reparse(build_message(**base_kwargs(), calendar=calendar, method=method))
    assert tree(msg) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]
    alternative, attachment = msg.get_payload()
    inline = alternative.get_payload()[2]
    assert inline.get_param("method") == method
    assert inline.get_content_charset() == "utf-8"
    assert inline.get_content_disposition() is None
    assert inline.get_payload(decode=True) == calendar
    assert vobject.readOne(inline.get_payload(decode=True).decode()).method.value == method

    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_param("name") == "invite.ics"
    assert attachment.get_payload(decode=True) == calendar


def test_method_parameter_written_unquoted_and_defaulted_from_calendar():
    raw = message_bytes(build_message(**base_kwargs(), calendar=build_request(INVITE, DTSTAMP)))
    assert b"Content-Type: text/calendar; method=REQUEST; charset=UTF-8\r\n" in raw
    assert b'Content-Type: application/ics; name="invite.ics"\r\n' in raw
    assert b'Content-Disposition: attachment; filename="invite.ics"\r\n' in raw


def test_method_must_match_calendar():
    with pytest.raises(ValueError, match="does not match"):
        build_message(**base_kwargs(), calendar=build_request(INVITE, DTSTAMP), method="CANCEL")
    with pytest.raises(ValueError, match="without a calendar"):
        build_message(**base_kwargs(), method="REQUEST")
    with pytest.raises(ValueError, match="no METHOD"):
        build_message(**base_kwargs(), calendar=b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")


def test_headers():
    date = datetime(2026, 1, 5, 9, 30, tzinfo=CPH)
    msg = reparse(
        build_message(
            **base_kwargs(),
            reply_to="svar+FH-2026-0042@kommune.example",
            extra_headers={"Auto-Submitted": "auto-generated", "X-Fasthold-Case": "FH-2026-0042"},
            date=date,
        )
    )
    assert msg["Message-ID"] == "<fasthold.FH-2026-0042.invitation.0@kommune.example>"
    assert msg["Subject"] == "Invitation: Opfølgningssamtale mandag den 12. januar 2026 kl. 10.00"
    assert msg["From"].addresses[0].addr_spec == "svar@kommune.example"
    # A comma in a name is a list separator once a client has dropped the quotes: names keep no specials.
    assert msg["From"].addresses[0].display_name == "Sofie Nielsen Aarhus Kommune"
    assert msg["To"].addresses[0].display_name == "Jensen Lars"
    assert msg["Reply-To"] == "svar+FH-2026-0042@kommune.example"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["X-Fasthold-Case"] == "FH-2026-0042"
    assert msg["Date"].datetime == date
    assert msg["MIME-Version"] == "1.0"


def test_message_id_gets_angle_brackets_and_no_date_by_default():
    msg = build_message(**base_kwargs(message_id="abc.123@kommune.example"))
    assert msg["Message-ID"] == "<abc.123@kommune.example>"
    assert msg["Date"] is None


def test_several_recipients():
    msg = reparse(build_message(**base_kwargs(to=["a@example.com", "Bø <b@example.com>"])))
    assert [a.addr_spec for a in msg["To"].addresses] == ["a@example.com", "b@example.com"]


def test_bytes_are_crlf_and_deterministic():
    kwargs = base_kwargs(calendar=build_request(INVITE, DTSTAMP))
    first = message_bytes(build_message(**kwargs))
    assert first == message_bytes(build_message(**kwargs))
    assert b"\n" not in first.replace(b"\r\n", b"")
    assert all(len(line) <= 998 for line in first.split(b"\r\n"))
    first.decode("ascii")  # 7-bit clean: every part is QP or base64


@pytest.mark.parametrize(
    "changes",
    [
        {"extra_headers": {"X-Test": "a\nBcc: victim@example.com"}},
        {"extra_headers": {"Subject": "override"}},
        {"to": []},
        {"sender": "Sofie Nielsen, Aarhus Kommune <svar@kommune.example>"},
        {"message_id": "  "},
        {"date": datetime(2026, 1, 5, 9, 30)},
    ],
)
def test_bad_input_is_refused(changes):
    with pytest.raises(ValueError):
        build_message(**base_kwargs(**changes))


@pytest.mark.parametrize(
    "changes",
    [
        {"subject": "Hej\r\nBcc: victim@example.com"},
        {"subject": "Hej\nBcc: victim@example.com\u202e"},
        # Names reach the builder through formataddr, as activities/mail.py writes them.
        {"to": [formataddr(("Mette\r\nBcc: victim@example.com", "mette@example.com"))]},
        {"sender": formataddr(("Anna\r\nBcc: victim@example.com", "anna@kommune.example"))},
    ],
)
def test_header_text_with_line_breaks_cannot_add_a_header(changes):
    # Flattened onto one line rather than refused: a refusal would only make the send retry forever.
    msg = reparse(build_message(**base_kwargs(**changes)))
    assert msg["Bcc"] is None
    addresses = [a.addr_spec for header in ("To", "From") for a in msg[header].addresses]
    assert "victim@example.com" not in addresses
    raw = build_message(**base_kwargs(**changes)).as_bytes()
    assert b"\r\nBcc:" not in raw and b"\nBcc:" not in raw


def test_calendar_method_helper():
    assert calendar_method(build_cancel(INVITE, DTSTAMP)) == "CANCEL"
    assert calendar_method(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") is None


def test_round_trip_request_times_survive_mime():
    msg = reparse(build_message(**base_kwargs(), calendar=build_request(INVITE, DTSTAMP)))
    inline = msg.get_payload()[0].get_payload()[2]
    event = vobject.readOne(inline.get_content()).vevent
    assert event.dtstart.value.hour == 10
    assert event.dtstart.value.utcoffset() == timedelta(hours=1)
