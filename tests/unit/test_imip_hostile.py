"""Mail from anywhere: the parser raises nothing but ImipError, whatever it is given (Hypothesis, 1,500
inputs a test in CI), one bad part never costs the good reply beside it, conflicting answers are one ambiguous
reply, the attendee's comment is read, and the size limit applies to the calendar part only."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailing.imip import ImipError, parse_inbound
from tests import reliability
from tests.fixtures.replies import load, names

UID = "9b2f7c1e-4d1a-4c36-9a0e-2b1f6e0c1a11@fastholdelse"
SENDER = "henrik.lund@bageriet.dk"


def calendar(
    method: str = "REPLY",
    partstat: str = "ACCEPTED",
    extra: str = "",
    attendee: str = "",
    dtstart: str = "20261201T100000Z",
    uid: str = UID,
) -> str:
    attendee = attendee or f"ATTENDEE;PARTSTAT={partstat};CN=Henrik Lund:mailto:{SENDER}\r\n"
    return (
        "BEGIN:VCALENDAR\r\nPRODID:-//Test//DA\r\nVERSION:2.0\r\n"
        f"METHOD:{method}\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nSEQUENCE:0\r\nDTSTAMP:20261128T100000Z\r\n"
        f"DTSTART:{dtstart}\r\n{attendee}{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def message(*parts: tuple[str, str, bytes], boundary: str = "b1") -> bytes:
    """A multipart/mixed message from (content-type line, transfer encoding, body) parts."""
    head = (
        f"From: Henrik Lund <{SENDER}>\r\nTo: invitationer@jobcenter.example.dk\r\n"
        "Message-ID: <x1@bageriet.dk>\r\nSubject: Svar\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
    ).encode()
    body = b""
    for ctype, encoding, payload in parts:
        body += (
            (f"--{boundary}\r\nContent-Type: {ctype}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n").encode()
            + payload
            + b"\r\n"
        )
    return head + body + f"--{boundary}--\r\n".encode()


def inline(cal: str, charset: str = "utf-8", method: str = "REPLY") -> tuple[str, str, bytes]:
    return (f'text/calendar; method={method}; charset="{charset}"', "8bit", cal.encode("utf-8"))


def parse_or_refuse(raw: bytes, limit: int = 2_000_000):
    reliability.add(inputs=1)
    try:
        return parse_inbound(raw, limit)
    except ImipError as err:
        return err


# --------------------------------------------------------------------------- the cases the review found
@pytest.mark.parametrize(
    "raw",
    [
        message(inline(calendar("COUNTER", extra="DURATION:P99999999W\r\n"), method="COUNTER")),
        message(inline(calendar("COUNTER", dtstart="00010101T000000Z"), method="COUNTER")),
        message(inline(calendar("COUNTER", dtstart="99991231T235959Z", extra="DURATION:PT2H\r\n"), method="COUNTER")),
        message(inline(calendar(), charset="undefined")),
        message(inline(calendar(), charset="utf-8\x00evil")),
    ],
    ids=["huge-duration", "year-1", "year-9999", "charset-undefined", "charset-nul"],
)
def test_hostile_values_are_refused_or_read_never_raised(raw):
    outcome = parse_or_refuse(raw)
    assert isinstance(outcome, ImipError) or outcome.replies


def test_two_thousand_nested_multiparts_are_unreadable_not_a_crash():
    depth = 2000
    raw = (f"From: {SENDER}\r\nMIME-Version: 1.0\r\n").encode()
    for i in range(depth):
        raw += f'Content-Type: multipart/mixed; boundary="n{i}"\r\n\r\n--n{i}\r\n'.encode()
    raw += b"Content-Type: text/calendar; method=REPLY\r\n\r\n" + calendar().encode()
    outcome = parse_or_refuse(raw)
    assert isinstance(outcome, ImipError) or outcome.replies


def test_a_bad_part_never_discards_the_good_reply_beside_it():
    bad = inline(calendar("COUNTER", extra="DURATION:P99999999W\r\n", uid="other@x"), method="COUNTER")
    broken = ('text/calendar; method=REPLY; charset="undefined"', "base64", b"!!!not base64!!!")
    mail = parse_inbound(message(bad, broken, inline(calendar())))
    assert [(r.uid, r.partstat) for r in mail.replies] == [(UID, "ACCEPTED")]


def test_conflicting_answers_in_one_message_are_one_ambiguous_reply():
    attached = (
        "application/ics; name=invite.ics",
        "base64",
        base64.encodebytes(calendar(partstat="DECLINED").encode()),
    )
    mail = parse_inbound(message(inline(calendar(partstat="ACCEPTED")), attached))
    assert len(mail.replies) == 1 and mail.replies[0].ambiguous and mail.replies[0].partstat is None
    twice = calendar(
        attendee=f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{SENDER}\r\nATTENDEE;PARTSTAT=DECLINED:mailto:{SENDER}\r\n"
    )
    assert parse_inbound(message(inline(twice))).replies[0].ambiguous
    same = ("application/ics; name=invite.ics", "base64", base64.encodebytes(calendar().encode()))
    agreed = parse_inbound(message(inline(calendar()), same))
    assert len(agreed.replies) == 1 and not agreed.replies[0].ambiguous


def test_the_attendees_comment_is_read_from_comment_and_from_googles_parameter():
    with_comment = calendar(partstat="DECLINED", extra="COMMENT:Jeg er på kursus den dag.\r\n")
    assert parse_inbound(message(inline(with_comment))).replies[0].comment == "Jeg er på kursus den dag."
    google = calendar(attendee=f'ATTENDEE;PARTSTAT=DECLINED;X-RESPONSE-COMMENT="Ferie":mailto:{SENDER}\r\n')
    assert parse_inbound(message(inline(google))).replies[0].comment == "Ferie"


def test_the_size_limit_is_on_the_calendar_part_not_on_a_picture_beside_it():
    picture = ("image/png; name=signatur.png", "base64", base64.encodebytes(b"\x89PNG" + b"\x00" * 300_000))
    mail = parse_inbound(message(inline(calendar()), picture), 50_000)
    assert mail.replies[0].partstat == "ACCEPTED"
    padded = calendar(extra="".join(f"X-PAD-{i}:{'x' * 70}\r\n" for i in range(1000)))
    with pytest.raises(ImipError) as refused:
        parse_inbound(message(inline(padded)), 50_000)
    assert refused.value.code == "too_large"


def test_authentication_results_are_kept_topmost_first():
    raw = (
        b"Authentication-Results: mx.kommune.dk; dmarc=pass header.from=bageriet.dk\r\n"
        b"Authentication-Results: mx.evil.example; dmarc=pass\r\n"
    ) + message(inline(calendar()))
    assert parse_inbound(raw).authentication_results == (
        "mx.kommune.dk; dmarc=pass header.from=bageriet.dk",
        "mx.evil.example; dmarc=pass",
    )


# --------------------------------------------------------------------------- many inputs (the Hypothesis profile)


@given(st.binary(max_size=4000))
def test_any_bytes_are_read_or_refused(raw):
    outcome = parse_or_refuse(raw)
    assert isinstance(outcome, ImipError) or outcome.replies


FIXTURES = [load(name, uid=UID, sequence=0) for name in names()]


@given(
    st.sampled_from(FIXTURES),
    st.lists(st.tuples(st.integers(0, 100_000), st.binary(min_size=0, max_size=8)), max_size=6),
)
def test_real_clients_mail_with_bytes_changed_is_read_or_refused(raw, edits):
    data = bytearray(raw)
    for position, replacement in edits:
        at = position % (len(data) or 1)
        data[at : at + len(replacement)] = replacement
    outcome = parse_or_refuse(bytes(data))
    assert isinstance(outcome, ImipError) or outcome.replies


@given(
    method=st.sampled_from(["REPLY", "COUNTER", "REQUEST", "", "X-ODD"]),
    partstat=st.sampled_from(["ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED", "", "X-Y", "ÆØÅ"]),
    dtstart=st.one_of(st.datetimes().map(lambda d: d.strftime("%Y%m%dT%H%M%S") + "Z"), st.text(max_size=20)),
    duration=st.one_of(st.integers(0, 10**9).map(lambda n: f"P{n}W"), st.text(max_size=12)),
    charset=st.sampled_from(["utf-8", "latin-1", "undefined", "utf-8\x00x", "", "x" * 200, "utf-16"]),
    extra=st.text(max_size=200),
)
def test_generated_calendars_are_read_or_refused(method, partstat, dtstart, duration, charset, extra):
    cal = calendar(
        method or "REPLY", partstat, extra=f"DURATION:{duration}\r\nX-NOTE:{extra}\r\n", dtstart=dtstart
    ).replace("METHOD:\r\n", "")
    outcome = parse_or_refuse(message(inline(cal, charset=charset, method=method or "REPLY")))
    assert isinstance(outcome, ImipError) or outcome.replies
