"""Parse inbound iMIP mail (RFC 6047): RSVP replies, counter-proposals, refresh requests.

Pure: bytes in, dataclasses out. The caller (the mail gateway) decides what a
reply means for a case. In particular it must check, as design.md asks, that
``attendee_email`` is an attendee of that UID and that ``sequence`` is the
current one; a COUNTER is a proposal for the caseworker, never a booking.

What real clients send, and what is handled here:

* The calendar as an inline ``text/calendar`` part (Outlook, Apple Mail), as an
  ``application/ics`` or ``application/octet-stream`` attachment named ``*.ics``
  (Gmail and Thunderbird send both), nested at any depth, inside a forwarded
  ``message/rfc822``; any transfer encoding and charset.
* Timezones as IANA names, Windows names ("Romance Standard Time") with their own
  VTIMEZONE, UTC, or floating times (read as Europe/Copenhagen).
* ``ATTENDEE`` values as ``mailto:``/``MAILTO:``, with or without CN, quoted CN
  with commas, an ``EMAIL=`` parameter when the value is not a mailto URI.

The same reply usually appears twice (inline and attached); duplicates are
removed. Two parts that answer differently for the same attendee and UID are one
*ambiguous* reply, never "the last one wins". Outlook's TNEF (winmail.dat) is not
decoded: such a mail is ``not_calendar``.

Mail comes from anywhere: ``parse_inbound`` raises nothing but ``ImipError``,
whatever the input, and a part it cannot read never costs the good reply in
another part of the same message. The size limit applies to the calendar parts,
so a large signature image beside a reply does not refuse it.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from email.message import EmailMessage
from email.utils import collapse_rfc2231_value, getaddresses

from icalendar import Calendar

from domain.localtime import LOCAL_TZ
from domain.plain_text import printable

__all__ = ["ItipReply", "InboundMail", "ImipError", "parse_inbound", "normalise_address"]


_CALENDAR_TYPES = {"text/calendar", "application/ics", "text/x-vcalendar", "application/x-ics"}
_CALENDAR_SUFFIXES = (".ics", ".ical", ".ifb", ".vcs")
_ESSENTIAL = {"UID", "SEQUENCE", "ATTENDEE", "DTSTART", "DTEND", "DURATION"}
_PARTSTATS = {"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"}


@dataclass(frozen=True)
class ItipReply:
    method: str
    uid: str
    sequence: int
    attendee_email: str
    partstat: str | None
    proposed_start: datetime | None
    proposed_end: datetime | None
    comment: str | None
    ambiguous: bool = False  # the message answers differently for this attendee and UID in different places


@dataclass(frozen=True)
class InboundMail:
    sender: str
    message_id: str
    subject: str
    replies: tuple[ItipReply, ...]
    authentication_results: tuple[str, ...] = ()  # the Authentication-Results headers, topmost first


class ImipError(ValueError):
    """Why an inbound mail could not be read as iMIP. ``code`` is stable, for logs and metrics:

    ``not_calendar``, ``malformed_calendar``, ``too_large``, ``no_method``, ``unreadable``.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.args[0]}"


def parse_inbound(raw: bytes, max_bytes: int = 2_000_000) -> InboundMail:
    """Parse one raw RFC 5322 message. Raises ImipError (and nothing else) when it carries no usable iTIP object.

    ``max_bytes`` limits the calendar parts, not the message: a photo beside a reply does not refuse it.
    """
    try:
        return _parse(raw, max_bytes)
    except ImipError:
        raise
    except RecursionError:
        raise ImipError("unreadable", "message nested too deeply") from None
    except MemoryError:
        raise  # the bounded parse (mailing.bounded_parse) reports it as too_complex
    except Exception as exc:  # mail from anywhere: whatever the standard library trips over is "unreadable"
        raise ImipError("unreadable", f"cannot read message: {type(exc).__name__}") from None


def _parse(raw: bytes, max_bytes: int) -> InboundMail:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)

    sender = _sender(msg)
    message_id = _header(msg, "Message-ID").strip()
    subject = " ".join(_header(msg, "Subject").split())
    auth = tuple(_all_headers(msg, "Authentication-Results"))

    candidates = list(_calendar_parts(msg))
    if not candidates:
        raise ImipError("not_calendar", "no text/calendar part or .ics attachment")

    replies: list[ItipReply] = []
    errors: list[ImipError] = []
    size = 0
    for part in candidates:
        try:
            text = _part_text(part)
            size += len(text.encode("utf-8", "replace"))
            if size > max_bytes:
                raise ImipError("too_large", f"calendar parts exceed {max_bytes} bytes")
            replies.extend(_replies_from_part(part, text, sender))
        except ImipError as exc:
            if exc.code == "too_large":
                raise
            errors.append(exc)
        except RecursionError:
            errors.append(ImipError("unreadable", "calendar part nested too deeply"))
        except MemoryError:
            raise
        except Exception as exc:  # one unreadable part never discards a good one beside it
            errors.append(ImipError("malformed_calendar", f"cannot read calendar part: {type(exc).__name__}"))
    if not replies:
        # Prefer the most telling error: malformed beats no_method.
        for code in ("malformed_calendar", "no_method", "unreadable"):
            for exc in errors:
                if exc.code == code:
                    raise exc
        raise ImipError("malformed_calendar", "calendar has no VEVENT with a UID and an ATTENDEE")
    return InboundMail(
        sender=sender,
        message_id=message_id,
        subject=subject,
        replies=_one_answer_each(replies),
        authentication_results=auth,
    )


def _one_answer_each(replies: list[ItipReply]) -> tuple[ItipReply, ...]:
    """Duplicates (inline and attached) count once; different answers for the same attendee and UID in one
    message are one ambiguous reply, so a decline can never end as an accept by the order of the parts."""
    groups: dict[tuple[str, str], list[ItipReply]] = {}
    for reply in replies:
        groups.setdefault((reply.uid, reply.attendee_email), [])
        if reply not in groups[(reply.uid, reply.attendee_email)]:
            groups[(reply.uid, reply.attendee_email)].append(reply)
    out = []
    for group in groups.values():
        answers = {(r.method, r.partstat, r.sequence, r.proposed_start, r.proposed_end) for r in group}
        first = group[0]
        if len(answers) > 1:
            first = ItipReply(
                first.method,
                first.uid,
                max(r.sequence for r in group),
                first.attendee_email,
                None,
                None,
                None,
                first.comment,
                ambiguous=True,
            )
        out.append(first)
    return tuple(out)


def normalise_address(value: str) -> str:
    """``MAILTO:Jens@Example.COM`` -> ``jens@example.com``."""
    value = value.strip().strip("<>").strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    return value.strip().lower()


# --------------------------------------------------------------------------- MIME walking


def _header(msg: EmailMessage, name: str) -> str:
    """A header as text; a header the parser chokes on (mail from anywhere) reads as ""."""
    try:
        value = msg.get(name)
    except Exception:  # pragma: no cover - defensive: the header parser has had crash bugs
        return ""
    return "" if value is None else str(value)


def _all_headers(msg: EmailMessage, name: str) -> list[str]:
    try:
        return [" ".join(str(v).split()) for v in (msg.get_all(name) or [])]
    except Exception:
        return []


def _sender(msg: EmailMessage) -> str:
    for _name, addr in getaddresses([_header(msg, "From")]):
        if addr:
            return addr.strip().lower()
    return ""


def _param(part, name: str) -> str:
    value = part.get_param(name)
    if isinstance(value, tuple):  # RFC 2231 encoded
        value = collapse_rfc2231_value(value)
    return str(value or "")


def _calendar_parts(msg: EmailMessage):
    """Leaf parts that hold an iCalendar object. ``walk`` descends into message/rfc822 too."""
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        filename = (part.get_filename() or _param(part, "name")).lower()
        if ctype in _CALENDAR_TYPES or filename.endswith(_CALENDAR_SUFFIXES):
            yield part


def _part_text(part) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):  # pragma: no cover - only for multiparts, filtered out
        data = b""
    try:
        charset = part.get_content_charset() or "utf-8"
    except Exception:
        charset = "utf-8"
    for candidate in (charset, "utf-8"):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeError, ValueError, TypeError):  # unknown, "undefined", a NUL in the name
            continue
    return data.decode("latin-1")


# --------------------------------------------------------------------------- iCalendar


def _replies_from_part(part, text: str, sender: str) -> list[ItipReply]:
    if "BEGIN:VCALENDAR" not in text.upper():
        raise ImipError("malformed_calendar", "calendar part has no BEGIN:VCALENDAR")
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # icalendar raises ValueError and friends
        raise ImipError("malformed_calendar", f"cannot parse calendar: {exc}") from exc
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not calendars:
        raise ImipError("malformed_calendar", "no VCALENDAR object")

    param_method = _param(part, "method")
    replies: list[ItipReply] = []
    for cal in calendars:
        for prop, problem in getattr(cal, "errors", None) or []:
            if prop is None or str(prop).upper() == "METHOD":
                raise ImipError("malformed_calendar", f"VCALENDAR: {problem}")
        method = str(cal.get("METHOD") or param_method or "").strip().upper()
        if not method:
            raise ImipError("no_method", "calendar has no METHOD and the part no method parameter")
        events = [c for c in cal.walk() if c.name in ("VEVENT", "VTODO")]
        if not events:
            raise ImipError("malformed_calendar", "calendar has no VEVENT")
        for event in events:
            replies.extend(_replies_from_event(event, method, sender))
    return replies


def _replies_from_event(event, method: str, sender: str) -> list[ItipReply]:
    # icalendar records problems instead of raising. A line that is not a content
    # line at all, or a bad value in a property we rely on, makes the object
    # unusable; a bad value elsewhere (an odd X- property, say) does not.
    for prop, problem in getattr(event, "errors", None) or []:
        if prop is None or str(prop).upper() in _ESSENTIAL:
            raise ImipError("malformed_calendar", f"{event.name}: {problem}")
    uid = str(event.get("UID") or "").strip()
    if not uid:
        raise ImipError("malformed_calendar", "VEVENT has no UID")
    try:
        sequence = int(event.get("SEQUENCE", 0))
    except (TypeError, ValueError) as exc:
        raise ImipError("malformed_calendar", f"bad SEQUENCE: {event.get('SEQUENCE')!r}") from exc

    attendees = _attendees(event)
    if not attendees:
        raise ImipError("malformed_calendar", "VEVENT has no ATTENDEE")
    # A REPLY names the one replying attendee (RFC 5546 3.2.3). Some clients list
    # more; then keep the ones that match the sender, if any do.
    if len(attendees) > 1:
        matching = [a for a in attendees if a[0] == sender]
        if matching:
            attendees = matching

    proposed_start = proposed_end = None
    if method == "COUNTER":
        proposed_start = _as_utc(event, "DTSTART")
        proposed_end = _as_utc(event, "DTEND")
        if proposed_end is None and proposed_start is not None and event.get("DURATION") is not None:
            try:
                proposed_end = proposed_start + event.decoded("DURATION")
            except (OverflowError, ValueError, TypeError) as exc:
                raise ImipError("malformed_calendar", f"bad DURATION: {type(exc).__name__}") from None

    comment = _comment(event)
    return [
        ItipReply(
            method=method,
            uid=uid,
            sequence=sequence,
            attendee_email=address,
            partstat=partstat,
            proposed_start=proposed_start,
            proposed_end=proposed_end,
            comment=comment,
        )
        for address, partstat in attendees
    ]


def _attendees(event) -> list[tuple[str, str | None]]:
    raw = event.get("ATTENDEE")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raw = [raw]
    out: list[tuple[str, str | None]] = []
    for prop in raw:
        value = str(prop).strip()
        params = getattr(prop, "params", {}) or {}
        if value.lower().startswith("mailto:"):
            address = normalise_address(value)
        elif params.get("EMAIL"):
            address = normalise_address(str(params["EMAIL"]))
        else:
            address = normalise_address(value)
        if "@" not in address:
            continue
        partstat = params.get("PARTSTAT")
        partstat = str(partstat).strip().upper() if partstat else None
        if partstat is not None and partstat not in _PARTSTATS and not partstat.startswith("X-"):
            partstat = None
        out.append((address, partstat))
    return out


def _as_utc(event, name: str) -> datetime | None:
    if event.get(name) is None:
        return None
    try:
        value = event.decoded(name)
    except Exception as exc:
        raise ImipError("malformed_calendar", f"bad {name}: {exc}") from exc
    try:
        if isinstance(value, datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                value = value.replace(tzinfo=LOCAL_TZ)  # floating time: the municipality's local time
            return value.astimezone(timezone.utc)
        if isinstance(value, date):
            return datetime.combine(value, time(0, 0), tzinfo=LOCAL_TZ).astimezone(timezone.utc)
    except (OverflowError, ValueError) as exc:  # year 1 or 9999 and the like
        raise ImipError("malformed_calendar", f"{name} out of range: {type(exc).__name__}") from None
    raise ImipError("malformed_calendar", f"{name} is not a date or date-time")


def _comment(event) -> str | None:
    """The attendee's note: COMMENT (RFC 5545), or Google's X-RESPONSE-COMMENT on the ATTENDEE line."""
    raw = event.get("COMMENT")
    raw = [] if raw is None else raw if isinstance(raw, list) else [raw]
    attendees = event.get("ATTENDEE")
    attendees = [] if attendees is None else attendees if isinstance(attendees, list) else [attendees]
    for attendee in attendees:
        note = (getattr(attendee, "params", {}) or {}).get("X-RESPONSE-COMMENT")
        if note:
            raw.append(note)
    # What an attendee wrote reaches a terminal, a page and a mail: no escape sequences, no hidden controls.
    text = "\n".join(printable(str(c)).strip() for c in raw if printable(str(c)).strip())
    return text[:2000] or None
