"""What an attendee wrote (a reply's COMMENT or Google's X-RESPONSE-COMMENT) reaches a terminal (`fasthold
status`), pages and task mails: escape sequences and hidden controls are removed on the way in, and again where
it is shown (a case recorded before the change may hold them)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from cli import format_state
from domain.model import CaseState, TimelineEntry
from domain.plain_text import printable
from mailing.imip import parse_inbound
from mailing.rendering import render

HOSTILE = "Jeg kan ikke\x1b]0;pwned\x07 \x1b[2J\x1b[31mkom\u202eigen\x9b6n\r\nVenlig hilsen"
CONTROL = ("\x1b", "\x07", "\x9b", "\u202e", "\r")


def shows_nothing_hidden(text: str) -> bool:
    return not any(c in text for c in CONTROL)


def reply_with_comment(comment: str) -> bytes:
    folded = comment.replace("\r\n", "\\n")
    return (
        "From: henrik@bageriet.example\r\nTo: invitationer@jobcenter.example.dk\r\nSubject: Afvist\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n"
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//T//DA\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
        "UID:abc\r\nSEQUENCE:0\r\nDTSTAMP:20261201T100000Z\r\nDTSTART:20261207T090000Z\r\n"
        "ATTENDEE;PARTSTAT=DECLINED:mailto:henrik@bageriet.example\r\n"
        f"COMMENT:{folded}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_a_reply_comment_loses_its_escape_sequences_on_the_way_in():
    [reply] = parse_inbound(reply_with_comment(HOSTILE)).replies
    assert reply.comment and shows_nothing_hidden(reply.comment)
    assert "Jeg kan ikke" in reply.comment and "Venlig hilsen" in reply.comment


def test_status_in_a_terminal_shows_no_escape_sequence():
    state = CaseState(reference="SAG-1", municipality="101")
    state.timeline.append(TimelineEntry(datetime(2026, 12, 1, 10, tzinfo=timezone.utc), "rsvp", HOSTILE))
    text = format_state(state)
    assert "Jeg kan ikke" in text and shows_nothing_hidden(text)


def test_a_task_mail_carries_no_escape_sequence():
    from activities.mail import CaseSummary, OutgoingMail, Recipient, Task, template_context

    case = CaseSummary(
        "SAG-1",
        "101",
        "Mette",
        "Bageriet",
        "Nørrebrogade 10",
        "Henrik",
        "Anna",
        "anna@jobcenter.example.dk",
        "",
        date(2026, 11, 2),
        date(2026, 12, 27),
    )
    mail = OutgoingMail(
        key="k",
        kind="caseworker_task",
        case=case,
        recipient=Recipient("Anna", "anna@jobcenter.example.dk", "caseworker"),
        task=Task("Svar med en kommentar", HOSTILE, date(2026, 12, 3)),
    )
    rendered = render("caseworker_task", template_context(mail))
    assert "Jeg kan ikke" in rendered.text
    for text in (rendered.subject, rendered.text, rendered.html):
        assert shows_nothing_hidden(text)


def test_printable_keeps_what_a_person_reads():
    assert printable("Hej\r\nmed æøå – og 🙂") == "Hej\nmed æøå – og 🙂"
