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
removed. Outlook's TNEF (winmail.dat) is not decoded: such a mail is
``not_calendar``.
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


@dataclass(frozen=True)
class InboundMail:
    sender: str
    message_id: str
    subject: str
    replies: tuple[ItipReply, ...]


class ImipError(ValueError):
    """Why an inbound mail could not be read as iMIP. ``code`` is stable, for logs and metrics:

    ``not_calendar``, ``malformed_calendar``, ``too_large``, ``no_method``.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.args[0]}"


def parse_inbound(raw: bytes, max_bytes: int = 2_000_000) -> InboundMail:
    """Parse one raw RFC 5322 message. Raises ImipError when it carries no usable iTIP object."""
    if len(raw) > max_bytes:
        raise ImipError("too_large", f"message is {len(raw)} bytes, limit {max_bytes}")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)

    sender = _sender(msg)
    message_id = _header(msg, "Message-ID").strip()
    subject = " ".join(_header(msg, "Subject").split())

    candidates = list(_calendar_parts(msg))
    if not candidates:
        raise ImipError("not_calendar", "no text/calendar part or .ics attachment")

    replies: list[ItipReply] = []
    errors: list[ImipError] = []
    for part in candidates:
        try:
            replies.extend(_replies_from_part(part, sender))
        except ImipError as exc:
            errors.append(exc)
    if not replies:
        # Prefer the most telling error: malformed beats no_method.
        for code in ("malformed_calendar", "no_method"):
            for exc in errors:
                if exc.code == code:
                    raise exc
        raise ImipError("malformed_calendar", "calendar has no VEVENT with a UID and an ATTENDEE")

    unique: list[ItipReply] = []
    for reply in replies:
        if reply not in unique:
            unique.append(reply)
    return InboundMail(sender=sender, message_id=message_id, subject=subject, replies=tuple(unique))


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
    if data is None:  # pragma: no cover - only for multiparts, filtered out
        data = b""
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8"):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


# --------------------------------------------------------------------------- iCalendar


def _replies_from_part(part, sender: str) -> list[ItipReply]:
    text = _part_text(part)
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
            proposed_end = proposed_start + event.decoded("DURATION")

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
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.replace(tzinfo=LOCAL_TZ)  # floating time: the municipality's local time
        return value.astimezone(timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=LOCAL_TZ).astimezone(timezone.utc)
    raise ImipError("malformed_calendar", f"{name} is not a date or date-time")


def _comment(event) -> str | None:
    raw = event.get("COMMENT")
    if raw is None:
        return None
    if not isinstance(raw, list):
        raw = [raw]
    text = "\n".join(str(c).strip() for c in raw if str(c).strip())
    return text or None

