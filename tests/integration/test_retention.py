"""Retention: the personal data of a case that ended long enough ago is erased (CPR, names, addresses, e-mail
addresses, free text), the success report's figures are the same before and after, an open case is untouched,
and a second run erases nothing more. Cases run through the real workflow into a real SQLite register."""

from __future__ import annotations

from datetime import date, timedelta

from domain.model import CaseEnd, MeetingOutcome
from register.models import AuditEvent, CaseListEntry, CaseRow, CitizenIdentity, MeetingAttendee, MeetingRow, MessageRow
from register.retention import ERASED, erase_ended_before
from reporting.report import build_report
from tests.conftest import sick_report
from tests.helpers import finish, rows, server_today, start, wait_for
from workflows.case_workflow import CaseWorkflow


async def test_personal_data_is_erased_after_the_case_and_the_report_stays_the_same(env):
    ended, handle = await start(env, sick_report())
    state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    meeting = state.meetings[0]
    await env.env.sleep(meeting.end - await env.env.get_current_time() + timedelta(minutes=5))
    await handle.execute_update(CaseWorkflow.record_meeting, MeetingOutcome(1, True, True, "workplace"))
    await handle.execute_update(CaseWorkflow.report_end, CaseEnd("full_recovery", await server_today(env)))
    await finish(env, handle)
    still_open, open_handle = await start(env, sick_report())
    await wait_for(open_handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))

    today = await server_today(env)
    period = (date(today.year - 1, 1, 1), today)
    with env.register.session() as session:
        before = build_report(session, "101", *period, today)
    later = await env.env.get_current_time() + timedelta(days=400)  # closed_at is the workflow's (server's) time
    # The lists' read model holds the ended case's whole view (with the person's name) until erasure.
    listed = rows(env.register, CaseListEntry, CaseListEntry.reference == ended.reference)
    assert listed and ended.employee.name in listed[0].view
    result = erase_ended_before(env.register, cutoff=later, now=later)
    assert result.cases == 1 and result.identities == 1
    assert rows(env.register, CaseListEntry, CaseListEntry.reference == ended.reference) == []
    assert rows(env.register, CaseListEntry, CaseListEntry.reference == still_open.reference)

    with env.register.session() as session:
        after = build_report(session, "101", *period, today)
    assert after == before  # every figure, every breach, every share

    [gone] = rows(env.register, CaseRow, CaseRow.reference == ended.reference)
    assert (gone.employee_name, gone.employee_email, gone.contact_name, gone.contact_email, gone.workplace_address) == (
        ERASED,
    ) * 5
    assert rows(env.register, CitizenIdentity, CitizenIdentity.case_id == gone.id) == []
    meetings = rows(env.register, MeetingRow, MeetingRow.case_id == gone.id)
    assert meetings and all(m.status in ("held", "cancelled") for m in meetings)
    attendees = rows(env.register, MeetingAttendee, MeetingAttendee.meeting_id.in_([m.id for m in meetings]))
    assert attendees and all(a.email.startswith(ERASED) for a in attendees)
    messages = rows(env.register, MessageRow, MessageRow.case_id == gone.id)
    assert messages and {(m.recipients, m.subject) for m in messages} == {(ERASED, ERASED)}
    assert all(a.detail == {} for a in rows(env.register, AuditEvent, AuditEvent.case_id == gone.id))
    # Nothing of the erased person is left anywhere in the case's rows.
    everything = " ".join(
        str(vars(r))
        for r in [
            gone,
            *meetings,
            *attendees,
            *messages,
            *rows(env.register, AuditEvent, AuditEvent.case_id == gone.id),
        ]
    )
    for left in (ended.employee.email, ended.employee.name):
        assert left not in everything, everything[max(0, everything.find(left) - 300) : everything.find(left) + 60]

    [kept] = rows(env.register, CaseRow, CaseRow.reference == still_open.reference)
    assert kept.employee_email == still_open.employee.email
    assert rows(env.register, CitizenIdentity, CitizenIdentity.case_id == kept.id)
    assert erase_ended_before(env.register, cutoff=later, now=later).cases == 0  # once is enough
