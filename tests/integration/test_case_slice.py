"""The first slice end to end on the time-skipping server: sick report to closed case, with real mail and DB."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.model import CaseEnd, MeetingOutcome, RsvpReceived
from domain.results import done
from register.models import AuditEvent, CaseRow, CitizenIdentity, MeetingAttendee, MeetingRow, MessageRow
from tests.conftest import sick_report
from tests.helpers import (
    calendar_part,
    finish,
    mail_to,
    rows,
    server_today,
    start,
    subject_has,
    wait_for,
    wait_for_mail,
)
from workflows.case_workflow import CaseWorkflow


async def test_sick_report_to_closed_case(env):
    case, handle = await start(env, sick_report())
    state = await wait_for(handle, lambda s: s.phase == "meeting_booked")

    # One caseworker, from the roster of the case's municipality; deadline at the end of week 8.
    assert state.caseworker.id in {"cw-anna", "cw-jonas"}
    assert state.track == "workplace"
    assert state.first_meeting_due == case.first_day + timedelta(days=55)
    meeting = state.meetings[0]
    assert meeting.location == case.employer.workplace_address
    assert meeting.start.date() <= state.latest_meeting_day
    assert meeting.start > await env.env.get_current_time()

    # The employer is asked to host, then all three receive the invitation (METHOD:REQUEST).
    await wait_for_mail(env.mail, 4)
    employer_mails = env.mail.to(case.employer.contact_email)
    assert len(employer_mails) == 2
    request = next(m for m in employer_mails if calendar_part(m) is None)
    text = request.get_body(("plain",)).get_content()
    assert "arbejdsplads" in text.lower()
    assert "Københavns Kommune" in text and " i 101" not in text  # people read the name, not the code
    for address in (case.employer.contact_email, case.employee.email, state.caseworker.email):
        invitations = [m for m in env.mail.to(address) if calendar_part(m) is not None]
        assert len(invitations) == 1, address
        part = calendar_part(invitations[0])
        assert part.get_param("method") == "REQUEST"
        cal = icalendar.Calendar.from_ical(part.get_content())
        event = next(iter(cal.walk("VEVENT")))
        assert str(cal["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == meeting.uid
        assert event.decoded("DTSTART") == meeting.start
        # iMIP: the invitation comes from its ORGANIZER, the address the mail gateway receives replies on.
        assert invitations[0]["From"].addresses[0].addr_spec == env.settings.organizer_email
        assert str(event["ORGANIZER"]).lower() == f"mailto:{env.settings.organizer_email}"
        attendees = {str(a).lower().removeprefix("mailto:") for a in event.get("ATTENDEE")}
        assert attendees == {case.employer.contact_email, case.employee.email, state.caseworker.email}
    assert all("0101801234" not in m.as_string() for m in env.mail.messages)

    # Each attendee accepts.
    for address in (case.employer.contact_email, case.employee.email, state.caseworker.email):
        await handle.execute_update(CaseWorkflow.record_rsvp, RsvpReceived(meeting.uid, 0, address, "ACCEPTED"))
    # A stranger's answer is refused and changes nothing.
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(
            CaseWorkflow.record_rsvp, RsvpReceived(meeting.uid, 0, "stranger@example.org", "DECLINED")
        )
    # The meeting cannot be recorded before it has begun.
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(CaseWorkflow.record_meeting, MeetingOutcome(1, True, True, "workplace"))
    assert "ikke begyndt" in str(refused.value.cause)

    # Time passes past the meeting: the caseworker is asked to record it.
    await env.env.sleep(meeting.end - await env.env.get_current_time() + timedelta(minutes=5))
    task = await mail_to(env.mail, state.caseworker.email, subject_has("Registrér møde 1"))
    assert (
        calendar_part(task) is None and case.reference in str(task["Subject"]) + task.get_body(("plain",)).get_content()
    )

    status = await handle.execute_update(CaseWorkflow.record_meeting, MeetingOutcome(1, True, True, "workplace"))
    assert status == done("held")
    await handle.execute_update(CaseWorkflow.report_end, CaseEnd("full_recovery", await server_today(env)))
    final = await finish(env, handle)

    assert final.phase == "closed" and final.end_type == "full_recovery"
    # At intake the caseworker is asked to send the information form (§ 11), then the employer is contacted.
    assert [e.event for e in final.timeline][:6] == [
        "case_registered",
        "caseworker_assigned",
        "triaged",
        "info_form_sent",
        "caseworker_task",
        "employer_contacted",
    ]
    # Nobody recorded the outcome within a month of being asked: the case says so rather than guess.
    assert final.outcome == "unknown"
    # The register holds the same story.
    [row] = rows(env.register, CaseRow, CaseRow.reference == case.reference)
    assert (row.phase, row.end_type, row.track, row.caseworker_id) == (
        "closed",
        "full_recovery",
        "workplace",
        final.caseworker.id,
    )
    assert row.first_meeting_due == final.first_meeting_due
    [m] = rows(env.register, MeetingRow, MeetingRow.case_id == row.id)
    assert (m.status, m.employer_took_part, m.actual_location, m.expected_location) == (
        "held",
        True,
        "workplace",
        "workplace",
    )
    partstats = {a.email: a.partstat for a in rows(env.register, MeetingAttendee, MeetingAttendee.meeting_id == m.id)}
    assert set(partstats.values()) == {"ACCEPTED"} and len(partstats) == 3
    assert [i.cpr for i in rows(env.register, CitizenIdentity, CitizenIdentity.case_id == row.id)] == ["0101801234"]
    sent = rows(env.register, MessageRow, MessageRow.case_id == row.id)
    assert len(sent) == len({s.message_key for s in sent}) == len(env.mail.messages)
    assert all(s.status == "sent" for s in sent)
    assert {"case_registered", "phase_changed", "caseworker_assigned"} <= {
        a.action for a in rows(env.register, AuditEvent, AuditEvent.case_id == row.id)
    }
    # Nobody learns the CPR from the workflow's state.
    assert "0101801234" not in repr(final)


async def test_same_reference_twice_gives_one_case(env):
    report = sick_report()
    _, first = await start(env, report)
    _, second = await start(env, report)
    await wait_for(first, lambda s: s.phase == "meeting_booked")
    assert (await first.describe()).run_id == (await second.describe()).run_id
    assert len(rows(env.register, CaseRow, CaseRow.reference == report["case_reference"])) == 1
    await first.execute_update(CaseWorkflow.report_end, CaseEnd("dismissal", await server_today(env)))
    assert (await finish(env, first)).end_type == "dismissal"
