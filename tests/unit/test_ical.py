"""build_request / build_cancel, checked with vobject, a parser independent of icalendar."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import vobject

from mailing import ical
from mailing.ical import Attendee, MeetingInvite, build_cancel, build_request

CPH = ZoneInfo("Europe/Copenhagen")
DTSTAMP = datetime(2026, 1, 5, 8, 30, tzinfo=timezone.utc)


def make_invite(start: datetime, **changes) -> MeetingInvite:
    fields = dict(
        uid="fasthold-FH-2026-0042-m1@kommune.example",
        sequence=0,
        start=start,
        end=start + timedelta(hours=1),
        summary="Opfølgningssamtale – sag FH-2026-0042",
        description=(
            "Første opfølgningssamtale på arbejdspladsen.\nDeltagere: medarbejder, arbejdsgiver og sagsbehandler."
        ),
        location="Jensen & Co, Vestergade 1, 8000 Aarhus C",
        organizer_email="svar+FH-2026-0042@kommune.example",
        organizer_name="Sofie Nielsen, Aarhus Kommune",
        attendees=(
            Attendee("Jensen, Lars", "lars.jensen@example.com"),
            Attendee("Mette Hansen", "mette.hansen@example.com"),
            Attendee("Sofie Nielsen", "sofie.nielsen@kommune.example", role="CHAIR"),
        ),
    )
    fields.update(changes)
    return MeetingInvite(**fields)


def parse(data: bytes):
    return vobject.readOne(data.decode("utf-8"))


SUMMER = datetime(2026, 7, 6, 10, 0, tzinfo=CPH)
WINTER = datetime(2026, 1, 12, 10, 0, tzinfo=CPH)


@pytest.mark.parametrize(
    "start, offset", [(SUMMER, timedelta(hours=2)), (WINTER, timedelta(hours=1))], ids=["july-CEST", "january-CET"]
)
def test_request_local_time_in_summer_and_winter(start, offset):
    data = build_request(make_invite(start), DTSTAMP)
    cal = parse(data)
    event = cal.vevent
    dtstart = event.dtstart.value
    assert (dtstart.hour, dtstart.minute) == (10, 0)
    assert dtstart.utcoffset() == offset
    assert dtstart.astimezone(timezone.utc) == start.astimezone(timezone.utc)
    assert event.dtend.value.astimezone(timezone.utc) == (start + timedelta(hours=1)).astimezone(timezone.utc)
    assert event.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/Copenhagen"]
    assert f"DTSTART;TZID=Europe/Copenhagen:{start:%Y%m%d}T100000" in data.decode()


def test_request_itip_properties():
    data = build_request(make_invite(WINTER, sequence=3), DTSTAMP)
    cal = parse(data)
    assert cal.method.value == "REQUEST"
    assert cal.version.value == "2.0"
    assert cal.prodid.value == ical.PRODID
    assert len(cal.vtimezone_list) == 1 and cal.vtimezone.tzid.value == "Europe/Copenhagen"

    event = cal.vevent
    assert event.uid.value == "fasthold-FH-2026-0042-m1@kommune.example"
    assert event.sequence.value == "3"
    assert event.status.value == "CONFIRMED"
    assert event.summary.value == "Opfølgningssamtale – sag FH-2026-0042"
    assert event.location.value == "Jensen & Co, Vestergade 1, 8000 Aarhus C"
    assert event.description.value.splitlines()[1].startswith("Deltagere:")

    stamp = event.dtstamp.value
    assert stamp.utcoffset() == timedelta(0) and stamp == DTSTAMP
    assert "DTSTAMP:20260105T083000Z" in data.decode()

    organizer = event.organizer
    assert organizer.value == "mailto:svar+FH-2026-0042@kommune.example"
    assert organizer.params["CN"] == ["Sofie Nielsen, Aarhus Kommune"]

    attendees = {a.value: a.params for a in event.attendee_list}
    assert set(attendees) == {
        "mailto:lars.jensen@example.com",
        "mailto:mette.hansen@example.com",
        "mailto:sofie.nielsen@kommune.example",
    }
    for params in attendees.values():
        assert params["RSVP"] == ["TRUE"]
        assert params["PARTSTAT"] == ["NEEDS-ACTION"]
    assert attendees["mailto:lars.jensen@example.com"]["CN"] == ["Jensen, Lars"]
    assert attendees["mailto:lars.jensen@example.com"]["ROLE"] == ["REQ-PARTICIPANT"]
    assert attendees["mailto:sofie.nielsen@kommune.example"]["ROLE"] == ["CHAIR"]


def test_request_is_well_formed_text():
    data = build_request(make_invite(SUMMER), DTSTAMP)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in data.replace(b"\r\n", b"")
    text = data.decode().replace("\r\n ", "")  # unfold
    assert 'ORGANIZER;CN="Sofie Nielsen, Aarhus Kommune":mailto:svar+FH-2026-0042@kommune.example' in text


def test_request_is_deterministic():
    invite = make_invite(SUMMER)
    assert build_request(invite, DTSTAMP) == build_request(invite, DTSTAMP)


def test_start_in_utc_is_written_in_local_time():
    start = datetime(2026, 7, 6, 8, 0, tzinfo=timezone.utc)
    data = build_request(make_invite(start), DTSTAMP).decode()
    assert "DTSTART;TZID=Europe/Copenhagen:20260706T100000" in data
    assert "DTEND;TZID=Europe/Copenhagen:20260706T110000" in data


def test_vtimezone_matches_tzdata_for_years_as_read_by_vobject():
    """The hand-written RRULE VTIMEZONE gives the same offsets as tzdata, read by an independent parser."""
    tz = parse(build_request(make_invite(WINTER), DTSTAMP)).vevent.dtstart.value.tzinfo
    moment = datetime(2026, 1, 1, 0, 30, tzinfo=timezone.utc)
    while moment.year < 2036:
        local_expected = moment.astimezone(CPH)
        assert moment.astimezone(tz).utcoffset() == local_expected.utcoffset(), moment
        moment += timedelta(hours=7)


def test_fallback_vtimezone_from_tzdata_still_reads_right(monkeypatch):
    monkeypatch.setattr(ical, "_agrees_with_zoneinfo", lambda *a: False)
    for start, offset in ((SUMMER, timedelta(hours=2)), (WINTER, timedelta(hours=1))):
        dtstart = parse(build_request(make_invite(start), DTSTAMP)).vevent.dtstart.value
        assert dtstart.hour == 10 and dtstart.utcoffset() == offset


def test_cancel():
    data = build_cancel(make_invite(WINTER, sequence=2), DTSTAMP)
    cal = parse(data)
    assert cal.method.value == "CANCEL"
    event = cal.vevent
    assert event.uid.value == "fasthold-FH-2026-0042-m1@kommune.example"
    assert event.sequence.value == "2"
    assert event.status.value == "CANCELLED"
    assert event.organizer.value == "mailto:svar+FH-2026-0042@kommune.example"
    assert event.dtstart.value.hour == 10 and event.dtstart.value.utcoffset() == timedelta(hours=1)
    attendees = {a.value: a.params for a in event.attendee_list}
    assert len(attendees) == 3
    for params in attendees.values():
        assert "RSVP" not in params and "PARTSTAT" not in params


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"end": datetime(2026, 1, 12, 11, 0)}, "end must be a timezone-aware"),
        ({"end": WINTER}, "end must be after start"),
        ({"uid": ""}, "uid"),
        ({"uid": "a\r\nMETHOD:CANCEL"}, "uid"),
        ({"sequence": -1}, "sequence"),
        ({"attendees": ()}, "attendee"),
        ({"organizer_email": "mailto:x@y.dk"}, "address"),
        ({"attendees": (Attendee("X", "x@y.dk>\r\nATTENDEE:mailto:z@z.dk"),)}, "address"),
    ],
)
def test_invalid_input_is_refused(changes, message):
    invite = make_invite(WINTER, **changes)
    with pytest.raises(ValueError, match=message):
        build_request(invite, DTSTAMP)


def test_naive_dtstamp_is_refused():
    with pytest.raises(ValueError, match="dtstamp"):
        build_request(make_invite(WINTER), datetime(2026, 1, 5, 8, 30))
