"""Names cannot add recipients: invitations with hostile names, sent by the real mail activity to a real SMTP
server, then read the way mail clients read them. Before this hardening a contact named
`Henrik <spy@evil.example> Lund Hansen` (or with quotes, commas, U+2028) put spy@evil.example into To once
Python's header folding had dropped the quotes `formataddr` added: the envelope was right, reply-all was not."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.header import decode_header, make_header
from email.utils import getaddresses

import pytest
from temporalio.testing import ActivityEnvironment

from activities.mail import CaseSummary, MailActivities, OutgoingMail, Recipient
from domain.model import Location, Meeting
from localrun.mailsink import start_mail_sink

HOSTILE_NAMES = [
    "Henrik <spy@evil.example> Lund Hansen med et langt efternavn der får linjen til at foldes over flere linjer",
    'Åse "x", spy@evil.example,',
    'Åse "x", <spy@evil.example>, Ærø Østergård Ålborg Sønderjylland Nørrebro Vesterbro Frederiksberg',
    "Henrik\u2028spy@evil.example",
    "Henrik\u2029To: spy@evil.example",
    "Henrik\r\nBcc: spy@evil.example",
    "=?utf-8?q?spy=40evil.example?= <spy@evil.example>",
    "Lund, Henrik (spy@evil.example)",
    'Henrik\\" <spy@evil.example>',
    "Henrik;spy@evil.example;",
    "Ḩẽñřïķ " * 20 + "<spy@evil.example>",
    "\u200b\u200b<spy@evil.example>\u202e",
]
INTENDED = "henrik.lund@bageriet.example"


def client_views(raw: bytes, header: str) -> dict[str, list[str]]:
    """The addresses in one header as three kinds of client read it."""
    modern = email.message_from_bytes(raw, policy=email.policy.default)
    legacy = email.message_from_bytes(raw)  # compat32: older clients and many filters
    values = legacy.get_all(header) or []
    decoded = [str(make_header(decode_header(v))) for v in values]  # a client that decodes, then re-parses
    return {
        "modern": [a.addr_spec.lower() for a in modern[header].addresses] if modern[header] else [],
        "legacy": [a.lower() for _, a in getaddresses(values) if a],
        "decoded": [a.lower() for _, a in getaddresses(decoded) if a],
    }


@pytest.mark.parametrize("index", range(len(HOSTILE_NAMES)))
async def test_a_hostile_name_adds_no_recipient(index, settings, register, tmp_path):
    name = HOSTILE_NAMES[index]
    controller, sink = start_mail_sink(tmp_path / "mail", "127.0.0.1", settings.smtp_port)
    try:
        start = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.timezone.utc)
        case = CaseSummary(
            "SAG-NAVN-1",
            "101",
            name,
            name,
            "Nørrebrogade 10, 2200 København N",
            name,
            name,
            "anna.berg@jobcenter.example.dk",
            "",
            dt.date(2026, 11, 2),
            dt.date(2026, 12, 27),
        )
        meeting = Meeting(
            1, "uid-hostile-name", start, start + dt.timedelta(hours=1), "Nørrebrogade 10", Location.WORKPLACE
        )
        people = (Recipient(name, INTENDED, "employer"), Recipient(name, "mette@example.dk", "employee"))
        mail = OutgoingMail(
            key=f"case/hostile/{index}",
            kind="invitation",
            case=case,
            recipient=people[0],
            meeting=meeting,
            calendar_method="REQUEST",
            attendees=people,
        )
        assert await ActivityEnvironment().run(MailActivities(settings, register).send_mail, mail) == "sent"
        [raw] = [p.read_bytes() for p in (tmp_path / "mail").glob("*.eml")]
    finally:
        controller.stop()
    for header, expected in (
        ("To", [INTENDED]),
        ("From", [settings.organizer_email]),
        ("Reply-To", ["anna.berg@jobcenter.example.dk"]),
    ):
        for client, addresses in client_views(raw, header).items():
            assert addresses == expected, (header, client, name, addresses)
    headers = email.message_from_bytes(raw, policy=email.policy.default)
    assert not any("@evil" in str(value) for value in headers.values()), "an address shows in a header's name"
    assert "Cc" not in email.message_from_bytes(raw) and "Bcc" not in email.message_from_bytes(raw)
