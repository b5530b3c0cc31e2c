"""The register on SQLite and on PostgreSQL: migrated from empty, written through the activities exactly as the
workflow writes it, retries leave one row, two meetings of one caseworker never overlap, and the CPR number
lives in citizen_identities only."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import MetaData, func, select
from temporalio.exceptions import ApplicationError

from activities.register import AssignRequest, CaseUpdate, MeetingRecord, RegisterActivities
from config.settings import CONFIG_DIR
from domain.model import Meeting
from domain.sick_report import parse_sick_report
from register.db import Register, upgrade
from register.models import (
    AuditEvent,
    CaseRow,
    CaseworkerAssignment,
    CaseworkerRow,
    CitizenIdentity,
    MeetingAttendee,
    MeetingRow,
    Team,
)
from register.roster import load_roster, sync_roster
from tests import dates
from tests.conftest import sick_report

CPR = "0101801234"
ROSTER = load_roster(CONFIG_DIR / "roster.yaml")


@pytest.fixture
def register(register_url):
    upgrade(register_url)
    register = Register(register_url)
    with register.session() as session:
        sync_roster(session, ROSTER)
    yield register
    register.dispose()


@pytest.fixture
def activities(register):
    return RegisterActivities(register, ROSTER)


def count(register, model, *where) -> int:
    with register.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def reference() -> str:
    # Eight hex digits: never ten digits in a row, which the sick report refuses as a possible CPR number.
    return f"R-{uuid.uuid4().hex[:8]}"


# The register's tests are about no particular day: they take the suite's fixed day, never the machine's.
TODAY = dates.DEFAULT_START


def new_case(activities, **changes):
    changes = {"first_day_of_absence": (TODAY - timedelta(days=14)).isoformat(), **changes}
    case = parse_sick_report(sick_report(case_reference=reference(), **changes), today=TODAY)
    activities.register_case(case)
    return case


def meeting(case, number: int, start: datetime, **changes) -> Meeting:
    return Meeting(
        number=number,
        uid=f"{case.workflow_id}-meeting-{number}@fastholdelse",
        start=start,
        end=start + timedelta(hours=1),
        location=case.employer.workplace_address,
        expected_location="workplace",
        **changes,
    )


def roles(case, caseworker_email: str) -> dict[str, str]:
    return {case.employer.contact_email: "employer", case.employee.email: "employee", caseworker_email: "caseworker"}


# The Monday of the second week after TODAY, 09:00 UTC.
MEETING_START = datetime.combine(TODAY + timedelta(days=7 - TODAY.weekday() + 7), time(9), tzinfo=timezone.utc)


def test_migrated_database_dialect(register, register_url):
    assert register.engine.dialect.name == ("sqlite" if register_url.startswith("sqlite") else "postgresql")


def test_roster_sync_is_idempotent_and_never_deletes(register):
    with register.session() as session:
        sync_roster(session, ROSTER)  # the fixture synced once already
    assert count(register, Team) == 2 and count(register, CaseworkerRow) == 2
    with register.session() as session:
        team = session.get(Team, "team-nord")
        assert (team.name, team.municipality, team.lead_email) == ("Team Nord", "101", "lise.holm@jobcenter.example.dk")
    smaller = {**ROSTER, "caseworkers": [w for w in ROSTER["caseworkers"] if w["id"] != "cw-jonas"]}
    with register.session() as session:
        sync_roster(session, smaller)
    with register.session() as session:
        assert {(w.id, w.active) for w in session.scalars(select(CaseworkerRow))} == {
            ("cw-anna", True),
            ("cw-jonas", False),
        }
    with register.session() as session:
        sync_roster(session, ROSTER)
    assert count(register, CaseworkerRow, CaseworkerRow.active.is_(True)) == 2


def test_register_case_twice_leaves_one_case(register, activities):
    case = new_case(activities)
    activities.register_case(case)  # the retry
    assert count(register, CaseRow, CaseRow.reference == case.reference) == 1
    [row] = _cases(register, case)
    assert (row.first_day, row.municipality, row.workflow_id, row.phase) == (
        case.first_day,
        "101",
        case.workflow_id,
        "intake",
    )
    assert count(register, CitizenIdentity, CitizenIdentity.case_id == row.id) == 1
    assert count(register, AuditEvent, AuditEvent.case_id == row.id, AuditEvent.action == "case_registered") == 1


def test_assign_caseworker_twice_gives_one_caseworker(register, activities):
    case = new_case(activities)
    first = activities.assign_caseworker(AssignRequest(case.reference, case.municipality))
    again = activities.assign_caseworker(AssignRequest(case.reference, case.municipality))
    assert first == again and first.id in {"cw-anna", "cw-jonas"}
    assert first.team_name in {"Team Nord", "Team Syd"} and first.lead_email.endswith("@jobcenter.example.dk")
    [row] = _cases(register, case)
    assert row.caseworker_id == first.id
    assert count(register, CaseworkerAssignment, CaseworkerAssignment.case_id == row.id) == 1
    # The next case goes to the other caseworker: the one with fewest open cases.
    other = new_case(activities)
    assert activities.assign_caseworker(AssignRequest(other.reference, other.municipality)).id != first.id


def test_update_case_twice_applies_once(register, activities):
    case = new_case(activities)
    due = case.first_day + timedelta(days=55)
    update = CaseUpdate(
        case.reference,
        case.municipality,
        event_key=f"{case.workflow_id}/phase/triaged",
        action="phase_changed",
        fields={"phase": "employer_contact", "track": "workplace", "first_meeting_due": due.isoformat()},
    )
    activities.update_case(update)
    activities.update_case(update)
    [row] = _cases(register, case)
    assert (row.phase, row.track, row.first_meeting_due) == ("employer_contact", "workplace", due)
    assert count(register, AuditEvent, AuditEvent.event_key == update.event_key) == 1
    with pytest.raises(ValueError):
        activities.update_case(
            CaseUpdate(
                case.reference, case.municipality, event_key="x", action="x", fields={"employee_name": "someone else"}
            )
        )


def test_save_meeting_twice_leaves_one_meeting(register, activities):
    case = new_case(activities)
    worker = activities.assign_caseworker(AssignRequest(case.reference, case.municipality))
    m = meeting(case, 1, MEETING_START, responses={case.employer.contact_email: "ACCEPTED"})
    record = MeetingRecord(case.reference, case.municipality, worker.id, m, roles(case, worker.email))
    activities.save_meeting(record)
    activities.save_meeting(record)  # the retry
    assert count(register, MeetingRow, MeetingRow.uid == m.uid) == 1
    with register.session() as session:
        row = session.scalar(select(MeetingRow).where(MeetingRow.uid == m.uid))
        assert (row.number, row.status, row.caseworker_id, row.expected_location) == (
            1,
            "invited",
            worker.id,
            "workplace",
        )
        assert _utc(row.start) == MEETING_START
        attendees = {
            a.email: (a.role, a.partstat)
            for a in session.scalars(select(MeetingAttendee).where(MeetingAttendee.meeting_id == row.id))
        }
    assert attendees == {
        case.employer.contact_email: ("employer", "ACCEPTED"),
        case.employee.email: ("employee", "NEEDS-ACTION"),
        worker.email: ("caseworker", "NEEDS-ACTION"),
    }
    # The outcome, saved twice, updates the same row.
    held_at = MEETING_START + timedelta(minutes=15)
    m.status, m.actual_location, m.employer_took_part, m.held_at = "held", "workplace", True, held_at
    activities.save_meeting(record)
    activities.save_meeting(record)
    with register.session() as session:
        row = session.scalar(select(MeetingRow).where(MeetingRow.uid == m.uid))
        assert (row.status, row.actual_location, row.employer_took_part, _utc(row.held_at)) == (
            "held",
            "workplace",
            True,
            held_at,
        )
    assert count(register, MeetingRow) == 1 and count(register, MeetingAttendee) == 3


def test_measure_and_breach_twice_leave_one_row_each(register, activities):
    from activities.register import BreachRecord, MeasureRecord
    from domain.model import Measure
    from register.models import DeadlineBreach, MeasureRow

    case = new_case(activities)
    measure = MeasureRecord(
        case.reference,
        case.municipality,
        Measure("work_trial", case.first_day + timedelta(days=30), before_week_13=True),
    )
    activities.save_measure(measure)
    activities.save_measure(measure)
    breach = BreachRecord(case.reference, case.municipality, "first_meeting", case.first_day + timedelta(days=55))
    activities.record_breach(breach)
    activities.record_breach(breach)
    [row] = _cases(register, case)
    assert count(register, MeasureRow, MeasureRow.case_id == row.id, MeasureRow.before_week_13.is_(True)) == 1
    assert (
        count(register, DeadlineBreach, DeadlineBreach.case_id == row.id, DeadlineBreach.kind == "first_meeting") == 1
    )
    assert row.deadline_breached is True


def test_two_meetings_of_one_caseworker_never_overlap(register, activities):
    first, second = new_case(activities), new_case(activities)
    worker = activities.assign_caseworker(AssignRequest(first.reference, first.municipality))
    activities.assign_caseworker(AssignRequest(second.reference, second.municipality, caseworker_id=worker.id))
    activities.save_meeting(
        MeetingRecord(
            first.reference, first.municipality, worker.id, meeting(first, 1, MEETING_START), roles(first, worker.email)
        )
    )
    clash = meeting(second, 1, MEETING_START + timedelta(minutes=30))
    with pytest.raises(ApplicationError) as refused:
        activities.save_meeting(
            MeetingRecord(second.reference, second.municipality, worker.id, clash, roles(second, worker.email))
        )
    assert refused.value.type == "SlotTaken" and refused.value.non_retryable
    assert count(register, MeetingRow) == 1
    # Back to back is fine, and so is the same hour for another caseworker.
    activities.save_meeting(
        MeetingRecord(
            second.reference,
            second.municipality,
            worker.id,
            meeting(second, 1, MEETING_START + timedelta(hours=1)),
            roles(second, worker.email),
        )
    )
    other = "cw-jonas" if worker.id == "cw-anna" else "cw-anna"
    third = new_case(activities)
    activities.save_meeting(
        MeetingRecord(
            third.reference,
            third.municipality,
            other,
            meeting(third, 1, MEETING_START),
            roles(third, "x@jobcenter.example.dk"),
        )
    )
    assert count(register, MeetingRow) == 3


def test_cpr_is_stored_in_citizen_identities_only(register, activities):
    case = new_case(activities)
    worker = activities.assign_caseworker(AssignRequest(case.reference, case.municipality))
    activities.save_meeting(
        MeetingRecord(
            case.reference, case.municipality, worker.id, meeting(case, 1, MEETING_START), roles(case, worker.email)
        )
    )
    activities.update_case(
        CaseUpdate(
            case.reference,
            case.municipality,
            event_key=f"{case.workflow_id}/x",
            action="phase_changed",
            fields={"phase": "booking"},
        )
    )
    assert case.employee.cpr == CPR
    metadata = MetaData()
    metadata.reflect(register.engine)
    holders = set()
    with register.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if any(CPR in str(value) for row in conn.execute(table.select()) for value in row):
                holders.add(table.name)
    assert holders == {"citizen_identities"}
    # A case without a CPR number gets no identity row.
    anonymous = parse_sick_report(
        sick_report(case_reference=reference(), first_day_of_absence=(TODAY - timedelta(days=14)).isoformat()),
        today=TODAY,
    )
    from dataclasses import replace

    anonymous = replace(anonymous, employee=replace(anonymous.employee, cpr=None))
    activities.register_case(anonymous)
    [row] = _cases(register, anonymous)
    assert count(register, CitizenIdentity, CitizenIdentity.case_id == row.id) == 0


def _cases(register, case) -> list[CaseRow]:
    with register.session() as session:
        return list(
            session.scalars(
                select(CaseRow).where(CaseRow.reference == case.reference, CaseRow.municipality == case.municipality)
            )
        )


def _utc(value: datetime) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def test_a_burst_of_bookings_for_one_caseworker_takes_one_free_time_each(register, activities):
    """reserve_slot chooses and books under the caseworker's lock: twelve cases at once, twelve distinct hours."""
    from concurrent.futures import ThreadPoolExecutor

    from activities.register import ReserveRequest

    cases = [new_case(activities) for _ in range(12)]
    worker = activities.assign_caseworker(AssignRequest(cases[0].reference, cases[0].municipality))
    for case in cases[1:]:
        activities.assign_caseworker(AssignRequest(case.reference, case.municipality, caseworker_id=worker.id))
    earliest = MEETING_START - timedelta(hours=2)

    def reserve(case):
        request = ReserveRequest(
            MeetingRecord(
                case.reference, case.municipality, worker.id, meeting(case, 1, earliest), roles(case, worker.email)
            ),
            caseworker=worker,
            earliest=earliest,
            latest_day=(earliest + timedelta(days=30)).date(),
        )
        return request, activities.reserve_slot(request)

    with ThreadPoolExecutor(max_workers=6) as pool:
        booked = list(pool.map(reserve, cases))
    starts = sorted(start for _, start in booked)
    assert None not in starts and len(set(starts)) == 12
    travel = timedelta(minutes=30)
    assert all(
        b - a >= timedelta(hours=1) + travel for a, b in zip(starts, starts[1:], strict=False)
    )  # never overlapping
    assert all(s.weekday() < 5 for s in starts)
    request, first = booked[0]
    assert activities.reserve_slot(request) == first  # a retry finds its own booking
    assert count(register, MeetingRow) == 12
