"""Which answers to an invitation may reach their case: the gateway's pure policy (no I/O, no clock).

An answer counts only when the From address is the ATTENDEE answering (a delegate or forwarder is not the
attendee), that attendee is on the meeting with that UID, the SEQUENCE is not older than the meeting's, and
the meeting is still planned; the case workflow's validators then have the last word. A COUNTER becomes a
task for the caseworker, never a booking. Every refusal has a reason code, kept with the message.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
from dataclasses import dataclass

from config.settings import Settings
from domain.model import PARTSTATS, CounterProposal, MeetingStatus, RsvpReceived
from domain.refusals import Refusal
from mailing.imip import ItipReply, normalise_address

CALENDAR_LIMIT = 2_000_000  # bytes; a larger message is received, kept and refused as too_large
PURPOSES = {"REPLY": "rsvp", "COUNTER": "counter"}

# The case's refusals (domain.refusals) as the gateway's reason codes, which name the kept files.
REASON_FOR_REFUSAL = {
    Refusal.UNKNOWN_MEETING: "unknown_uid",
    Refusal.NOT_AN_ATTENDEE: "not_attendee",
    Refusal.STALE_SEQUENCE: "stale_sequence",
    Refusal.MEETING_NOT_PLANNED: "meeting_not_planned",
    Refusal.BAD_PARTSTAT: "bad_partstat",
    Refusal.BAD_PROPOSAL: "bad_proposal",
    Refusal.NO_SUCH_CASE: "case_closed",
    Refusal.CASE_CLOSED: "case_closed",
    Refusal.ENGINE_REFUSED: "refused_by_engine",
}


def reason_for(refusal: Refusal) -> str:
    return REASON_FOR_REFUSAL.get(refusal, "refused_by_case")


@dataclass(frozen=True)
class MeetingMatch:
    """What the register knows about one meeting UID."""

    uid: str
    case_id: int
    reference: str
    workflow_id: str
    sequence: int
    status: str
    attendees: frozenset[str]  # lower-case e-mail addresses


@dataclass(frozen=True)
class Decision:
    """``update`` is the payload to send to the case (RsvpReceived or CounterProposal), or None with a reason.
    ``review``: not applied, but the caseworker is given the answer to look at (a person wrote it)."""

    reason: str = ""
    update: RsvpReceived | CounterProposal | None = None
    review: bool = False


# Refused answers a person should see: the meeting is known, and someone answered it.
FOR_REVIEW = frozenset({"unverified", "sender_mismatch", "not_attendee", "ambiguous", "stale_sequence", "bad_partstat"})


def decide(reply: ItipReply, sender: str, meeting: MeetingMatch | None, *, verified: bool = False) -> Decision:
    """Whether one parsed answer may go to its case, and as what. Pure: no I/O, no clock.

    ``verified``: the receiving mail server vouches for the sender (see mailing.authentication). An answer
    that is not verified, or not plainly from an attendee, is never applied: the caseworker gets it to check.
    """
    if reply.method not in PURPOSES:
        return Decision("unsupported_method")
    if meeting is None:
        return Decision("unknown_uid")
    attendee = normalise_address(reply.attendee_email)
    if reply.ambiguous:
        return Decision("ambiguous", review=True)  # different answers in one message: a person decides
    if normalise_address(sender) != attendee:
        # A delegate, a forwarder, a mailbox answering for its alias, or a forgery: not the attendee answering.
        return Decision("sender_mismatch", review=True)
    if attendee not in meeting.attendees:
        return Decision("not_attendee", review=True)
    if not verified:
        return Decision("unverified", review=True)
    # Only an older version is refused here; the workflow, which holds the current one, checks equality.
    if reply.sequence < meeting.sequence:
        return Decision("stale_sequence", review=True)
    if meeting.status != MeetingStatus.INVITED:
        return Decision("meeting_not_planned")
    if reply.method == "REPLY":
        if reply.partstat not in PARTSTATS:
            return Decision("bad_partstat", review=True)  # the attendee answered, but not in a way we read
        return Decision(
            update=RsvpReceived(meeting.uid, reply.sequence, attendee, reply.partstat, comment=reply.comment or "")
        )
    start, end = reply.proposed_start, reply.proposed_end
    if start is None or end is None or end <= start:
        return Decision("bad_proposal")
    return Decision(update=CounterProposal(meeting.uid, reply.sequence, attendee, start, end, reply.comment or ""))


# How operations sees refused messages (the metric fasthold_replies_refused): by the first reason code.
REFUSED_REASONS = ("unknown_uid", "unreadable", "unverified", "other")
_UNREADABLE = frozenset(
    {
        "unreadable",
        "not_calendar",
        "malformed_calendar",
        "no_method",
        "too_large",
        "too_complex",
        "unsupported_method",
        "bad_partstat",
        "bad_proposal",
        "internal_error",
    }
)


def refused_reason(detail: str) -> str:
    """The metric's reason for a refused message's detail (comma-separated codes, first one counts)."""
    first = detail.split(",", 1)[0].strip()
    if first in ("unknown_uid", "unverified"):
        return first
    return "unreadable" if first in _UNREADABLE else "other"


def organizer_addresses(settings: Settings) -> frozenset[str]:
    """The addresses the gateway receives for: ``organizer_email``, which may list several, comma-separated."""
    return frozenset(normalise_address(a) for a in settings.organizer_email.split(",") if a.strip())


def message_key(raw: bytes) -> tuple[str, str]:
    """(message_key, Message-ID) for the messages table: 'in/' + Message-ID, or a digest of a mail without one."""
    message_id = ""
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
        message_id = " ".join(str(headers.get("Message-ID") or "").split())
    except Exception:  # headers from anywhere: a parser crash means "no usable Message-ID"
        pass
    if not message_id or len(message_id) > 290:
        return f"in/sha256:{hashlib.sha256(raw).hexdigest()}", message_id[:300]
    return f"in/{message_id}", message_id
