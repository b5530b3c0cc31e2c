"""The case metrics read the register as the workflow judges a case: a first meeting booked in time and
accepted by employer and employee is not at risk; a breached deadline is counted as a breach, not a risk.
On both databases the register runs on."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from register.models import CaseRow, DeadlineBreach, MeetingAttendee, MeetingRow, MessageRow, MissedTarget
from tests.pg import throwaway_postgres
from worker import prepare_register
from worker_support.case_metrics import CaseMetrics

TODAY = date(2026, 11, 30)  # a Monday
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def add_case(
    s,
    n: int,
    *,
    due: date,
    phase: str = "meeting_booked",
    breached: bool = False,
    meeting: tuple[str, str] | None = None,
    closed: bool = False,
    target_missed: bool = False,
) -> None:
    case = CaseRow(
        reference=f"M-{n}",
        municipality="101",
        workflow_id=f"case-101-M-{n}",
        first_day=due - timedelta(55),
        expected_weeks=20,
        employee_name="x",
        employee_email="x@example.com",
        employer_name="y",
        employer_cvr="12345674",
        workplace_address="z",
        contact_name="w",
        contact_email="w@example.com",
        phase=phase,
        first_meeting_due=due,
        deadline_breached=breached,
        opened_at=NOW,
        closed_at=NOW if closed else None,
        caseworker_id="cw-anna",
    )
    s.add(case)
    s.flush()
    if breached:
        s.add(DeadlineBreach(case_id=case.id, kind="first_meeting", due=due, recorded_at=NOW))
    if target_missed:
        s.add(MissedTarget(case_id=case.id, kind="first_meeting", due=due, recorded_at=NOW))
    if meeting:
        start = datetime.combine(due - timedelta(days=1), time(9), tzinfo=timezone.utc)
        row = MeetingRow(
            case_id=case.id,
            number=1,
            uid=f"u-{n}",
            caseworker_id="cw-anna",
            start=start,
            end=start + timedelta(hours=1),
            location="z",
            expected_location="workplace",
            status="invited",
        )
        s.add(row)
        s.flush()
        for role, partstat in zip(("employer", "employee"), meeting, strict=False):
            s.add(MeetingAttendee(meeting_id=row.id, email=f"{role}{n}@example.com", role=role, partstat=partstat))


@pytest.fixture(params=["sqlite", "postgresql"])
def register_url(request, settings):
    if request.param == "sqlite":
        yield settings
        return
    with throwaway_postgres() as pg:
        yield settings.replace(database_url=pg.create_database("metrics"))


def test_risk_breach_mail_and_reply_figures(register_url):
    register, _ = prepare_register(register_url)
    soon = TODAY + timedelta(days=3)
    with register.session() as s:
        add_case(s, 1, due=soon, meeting=("ACCEPTED", "NEEDS-ACTION"))  # booked, not accepted: at risk
        add_case(s, 2, due=soon, meeting=("ACCEPTED", "ACCEPTED"))  # booked in time, accepted: safe
        add_case(s, 3, due=soon, phase="employer_contact")  # nothing booked: at risk
        add_case(s, 4, due=TODAY + timedelta(days=40))  # far away: safe
        add_case(s, 5, due=TODAY - timedelta(days=2), breached=True)  # breached: a breach, not a risk
        add_case(s, 6, due=soon, phase="closed", closed=True)  # closed: neither
        add_case(s, 7, due=TODAY - timedelta(days=2), target_missed=True)  # the model's target: neither
        for i, (direction, status, age) in enumerate(
            [
                ("out", "sent", 0),
                ("out", "sending", 1),
                ("out", "sending", 30),
                ("out", "refused", 0),
                ("in", "received", 0),
                ("in", "refused", 0),
            ]
        ):
            s.add(
                MessageRow(
                    message_key=f"k{i}",
                    message_id=f"<{i}@x>",
                    direction=direction,
                    purpose="p",
                    recipients="r",
                    subject="s",
                    status=status,
                    created_at=NOW - timedelta(minutes=age),
                )
            )
        # Refused inbound messages, by what operations must look at: unknown UIDs, unreadable ones.
        for i, detail in enumerate(
            [
                "unknown_uid",
                "unknown_uid,unknown_uid",
                "not_calendar",
                "unreadable",
                "malformed_calendar",
                "unverified",
                "case_closed",
            ]
        ):
            s.add(
                MessageRow(
                    message_key=f"in{i}",
                    message_id=f"<in{i}@x>",
                    direction="in",
                    purpose="rsvp",
                    recipients="r",
                    subject="s",
                    status="refused",
                    detail=detail,
                    created_at=NOW,
                )
            )
    metrics = CaseMetrics(register)
    metrics.refresh_register(today=TODAY, now=NOW)
    value = lambda gauge, *labels: (gauge.labels(*labels) if labels else gauge)._value.get()  # noqa: E731
    assert value(metrics.at_risk) == 2
    assert value(metrics.breaches, "first_meeting") == 1 and value(metrics.breached_open) == 1
    assert value(metrics.missed_targets, "first_meeting") == 1
    assert value(metrics.cases_open, "meeting_booked") == 5 and value(metrics.cases_open, "employer_contact") == 1
    assert value(metrics.cases_closed) == 1
    assert [value(metrics.mails, s) for s in ("sent", "pending", "failed", "refused")] == [1, 1, 1, 1]
    assert [value(metrics.replies, s) for s in ("received", "refused")] == [1, 8]
    assert {r: value(metrics.replies_refused, r) for r in ("unknown_uid", "unreadable", "unverified", "other")} == {
        "unknown_uid": 2,
        "unreadable": 3,
        "unverified": 1,
        "other": 2,
    }  # 'other': the detail-less row too
    register.dispose()
