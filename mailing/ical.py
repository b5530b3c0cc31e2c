"""Build iTIP (RFC 5546) meeting objects for iMIP (RFC 6047) e-mail.

Pure functions: no clock, no I/O. The caller (a Temporal workflow or activity)
passes ``dtstamp`` in, so the same input always gives the same bytes.

What real clients need, and how this module provides it:

* ``METHOD:REQUEST`` for the first invitation and for every change (same UID,
  higher SEQUENCE); ``METHOD:CANCEL`` to remove the event (caller bumps SEQUENCE).
* Times are written in local time with ``TZID=Europe/Copenhagen`` plus a
  matching VTIMEZONE. The VTIMEZONE uses the compact RRULE form (last Sunday of
  March / October), the form Outlook, Google, Apple and Mozilla emit themselves
  and so the one every client reads. icalendar's ``Timezone.from_tzinfo``
  writes a list of RDATEs valid only for a fixed range of years instead. As a
  guard against a future change in the Danish rules, the RRULE definition is
  checked against the zoneinfo database for the event's start and end; if they
  disagree, the definition icalendar generates from zoneinfo is used instead.
* ``DTSTAMP`` in UTC, ``ORGANIZER`` as a bare ``mailto:`` (the address the mail
  gateway receives replies on), each ``ATTENDEE`` with ``RSVP=TRUE`` and
  ``PARTSTAT=NEEDS-ACTION``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vText

from domain.localtime import LOCAL_TZ, LOCAL_TZ_NAME

__all__ = ["Attendee", "MeetingInvite", "LOCAL_TZID", "PRODID", "build_request", "build_cancel"]

LOCAL_TZID = LOCAL_TZ_NAME
PRODID = "-//Fastholdelse//Sagsmotor 1.0//DA"


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True)
class MeetingInvite:
    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str
    location: str
    organizer_email: str
    organizer_name: str
    attendees: tuple[Attendee, ...]


def build_request(invite: MeetingInvite, dtstamp: datetime) -> bytes:
    """A ``METHOD:REQUEST`` calendar for a new or changed meeting."""
    return _build(invite, dtstamp, method="REQUEST")


def build_cancel(invite: MeetingInvite, dtstamp: datetime) -> bytes:
    """A ``METHOD:CANCEL`` calendar; ``invite.sequence`` must already be bumped."""
    return _build(invite, dtstamp, method="CANCEL")


# --------------------------------------------------------------------------- internals


def _build(invite: MeetingInvite, dtstamp: datetime, *, method: str) -> bytes:
    _validate(invite, dtstamp)
    start = invite.start.astimezone(LOCAL_TZ)
    end = invite.end.astimezone(LOCAL_TZ)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add_component(_vtimezone(start, end))

    event = Event()
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", dtstamp.astimezone(timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", invite.summary)
    if invite.description:
        event.add("description", invite.description)
    if invite.location:
        event.add("location", invite.location)
    event.add("organizer", _address(invite.organizer_email, invite.organizer_name))
    for attendee in invite.attendees:
        params = {"ROLE": attendee.role}
        if method == "REQUEST":
            params.update({"PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"})
        event.add("attendee", _address(attendee.email, attendee.name, **params))
    event.add("status", "CONFIRMED" if method == "REQUEST" else "CANCELLED")
    event.add("transp", "OPAQUE")
    event.add("class", "PUBLIC")
    # Outlook shows the meeting as busy / removes it; harmless for other clients.
    event.add("x-microsoft-cdo-busystatus", "BUSY" if method == "REQUEST" else "FREE")
    if method == "CANCEL":
        event.add("priority", 1)
    cal.add_component(event)
    return cal.to_ical()


def _validate(invite: MeetingInvite, dtstamp: datetime) -> None:
    for label, value in (("start", invite.start), ("end", invite.end), ("dtstamp", dtstamp)):
        if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{label} must be a timezone-aware datetime, got {value!r}")
    if invite.end <= invite.start:
        raise ValueError("end must be after start")
    if not invite.uid or any(c in invite.uid for c in "\r\n"):
        raise ValueError("uid must be a non-empty single line")
    if invite.sequence < 0:
        raise ValueError("sequence must be >= 0")
    if not invite.attendees:
        raise ValueError("an invitation needs at least one attendee")
    for address in [invite.organizer_email, *(a.email for a in invite.attendees)]:
        if "@" not in address or any(c in address for c in ' \r\n<>:;,"'):
            raise ValueError(f"not a plain e-mail address: {address!r}")


def _address(email: str, name: str, **params: str) -> vCalAddress:
    addr = vCalAddress(f"mailto:{email.strip()}")
    if name:
        # icalendar quotes CN when it contains , ; or : (RFC 5545 param-value).
        addr.params["CN"] = vText(" ".join(name.replace('"', "'").split()))
    for key, value in params.items():
        addr.params[key] = value
    return addr


def _vtimezone(start: datetime, end: datetime) -> Timezone:
    """VTIMEZONE for Europe/Copenhagen in the compact RRULE form, checked against zoneinfo."""
    vtz = Timezone()
    vtz.add("tzid", LOCAL_TZID)
    vtz.add("x-lic-location", LOCAL_TZID)

    daylight = TimezoneDaylight()
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("tzname", "CEST")
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    vtz.add_component(daylight)

    standard = TimezoneStandard()
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("tzname", "CET")
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    vtz.add_component(standard)

    if _agrees_with_zoneinfo(vtz, start, end):
        return vtz
    # The Danish rules changed (for example, DST abolished): trust tzdata.
    return Timezone.from_tzinfo(
        LOCAL_TZ, tzid=LOCAL_TZID, first_date=date(start.year - 1, 1, 1), last_date=date(end.year + 2, 1, 1)
    )


def _agrees_with_zoneinfo(vtz: Timezone, start: datetime, end: datetime) -> bool:
    rule_tz = _rule_tz(vtz.to_ical())
    if rule_tz is None:  # pragma: no cover - icalendar could not interpret it
        return False
    for moment in (start, end):
        naive = moment.replace(tzinfo=None)
        if naive.replace(tzinfo=rule_tz).utcoffset() != moment.utcoffset():
            return False
    return True


@functools.lru_cache(maxsize=4)
def _rule_tz(vtimezone: bytes):
    """The tzinfo of a VTIMEZONE, built once: it expands its RRULEs from 1970 and caches what it found, which
    per message was the largest cost of building an invitation."""
    try:
        return Calendar.from_ical(vtimezone).to_tz(lookup_tzid=False)
    except Exception:  # pragma: no cover - icalendar could not interpret it
        return None
