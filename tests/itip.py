"""The one builder of a calendar's answer in the tests: the iMIP REPLY an attendee's mail program sends back for
an invitation the engine sent (RFC 5546 / 6047), built from that very invitation.

Every test that answers an invitation through the gateway (integration, e2e, runbook) uses it, so what a
"real" answer looks like is decided in one place; a test changes only what it is about (the answer, the sender,
the relay's verdict, a comment, a forged UID).
"""

from __future__ import annotations

import email.policy
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import make_msgid

import icalendar

# What a calendar copies from the invitation into its answer (those the invitation has).
COPIED = ("UID", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "ORGANIZER")


def invitation_event(invitation: EmailMessage) -> tuple[icalendar.Calendar, icalendar.Event]:
    part = next(p for p in invitation.walk() if p.get_content_type() == "text/calendar")
    sent = icalendar.Calendar.from_ical(part.get_content())
    [event] = list(sent.walk("VEVENT"))
    return sent, event


def itip_reply(
    invitation: EmailMessage,
    attendee: str,
    *,
    partstat: str = "ACCEPTED",
    name: str | None = None,
    sender: str | None = None,
    to: str | None = None,
    subject: str | None = None,
    comment: str = "",
    uid: str | None = None,
    headers: dict[str, str] | None = None,
    text: str = "Jeg kommer.",
) -> bytes:
    """The attendee's answer (`partstat`) to `invitation`, as the bytes of the mail.

    `name` is the attendee's name (the ATTENDEE's CN and the From header's display name); `sender` a From
    address other than the attendee's (a mailbox answering for an alias, a forgery); `to` and `subject` default
    to answering the invitation's sender and subject; `uid` replaces the meeting's UID (an answer to a meeting
    nobody knows); `headers` go on top of the message, in order (the relay's `Authentication-Results`)."""
    sent, event = invitation_event(invitation)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Test//Kalender//DA")
    calendar.add("version", "2.0")
    calendar.add("method", "REPLY")
    for zone in sent.walk("VTIMEZONE"):
        calendar.add_component(zone)
    answer = icalendar.Event()
    for key in COPIED:
        if key in event:
            answer[key] = event[key]
    if uid is not None:
        answer["UID"] = icalendar.vText(uid)
    answer.add("dtstamp", datetime.now(timezone.utc))  # real now: a DTSTAMP is the moment the reply is written
    who = icalendar.vCalAddress(f"mailto:{attendee}")
    who.params["PARTSTAT"] = partstat
    if name:
        who.params["CN"] = name
    answer.add("attendee", who)
    if comment:
        answer.add("comment", comment)
    calendar.add_component(answer)

    message = EmailMessage()
    for header, value in (headers or {}).items():
        message[header] = value
    address = sender or attendee
    message["From"] = f"{name} <{address}>" if name else address
    message["To"] = to or str(invitation["From"])
    message["Subject"] = subject if subject is not None else "Accepteret: " + str(invitation["Subject"])
    message["Message-ID"] = make_msgid(domain="example.com")
    message.set_content(text)
    message.add_alternative(calendar.to_ical(), maintype="text", subtype="calendar", params={"method": "REPLY"})
    return message.as_bytes(policy=email.policy.SMTP)
