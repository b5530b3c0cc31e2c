"""The service layer against a real worker on the time-skipping server: typed commands in, typed results or
one typed refusal out (reason, Danish message, field), the same for every entry point."""

from __future__ import annotations

from datetime import timedelta

import pytest

from case_service import CaseRefusal, CaseService
from case_service.commands import AnswerOnBehalf, CaseRef
from domain.model import (
    CaseEnd,
    EmployerAnswer,
    ExpectedDuration,
    MeetingMove,
    MeetingOutcome,
    Reassignment,
    RsvpReceived,
)
from domain.refusals import Refusal
from domain.sick_report import parse_sick_report
from tests.conftest import sick_report
from tests.helpers import server_today, start, wait_for
from workflows.case_workflow import CaseWorkflow


async def booked(env):
    case, handle = await start(env, sick_report())
    state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    return case, handle, state, CaseRef(case.municipality, case.reference)


async def test_a_refusal_names_its_reason_and_field_in_danish(env):
    case, handle, state, ref = await booked(env)
    cases = CaseService(env.client, env.settings)
    with pytest.raises(CaseRefusal) as refused:
        await cases.act(ref, EmployerAnswer(False, "  "))
    assert refused.value.reason == Refusal.REASON_REQUIRED and refused.value.field == "reason"
    assert refused.value.by_case and "begrundelse" in refused.value.message
    with pytest.raises(CaseRefusal) as refused:
        await cases.act(ref, ExpectedDuration(99))
    assert (refused.value.reason, refused.value.field) == (Refusal.BAD_DURATION, "employee_weeks")
    with pytest.raises(CaseRefusal) as refused:
        await cases.act(ref, MeetingOutcome(7, True, True, "workplace"))
    assert (refused.value.reason, refused.value.field) == (Refusal.NO_SUCH_MEETING, "meeting_number")
    with pytest.raises(CaseRefusal) as refused:
        await cases.act(ref, MeetingMove(1, await env.env.get_current_time() - timedelta(days=1)))
    assert refused.value.field == "start"
    with pytest.raises(CaseRefusal) as refused:
        await cases.act(CaseRef(case.municipality, "FINDES-IKKE"), EmployerAnswer(True))
    assert refused.value.reason == Refusal.NO_SUCH_CASE and not refused.value.by_case


async def test_an_action_returns_the_workflows_answer_and_a_danish_confirmation(env):
    case, handle, state, ref = await booked(env)
    cases = CaseService(env.client, env.settings)
    result = await cases.act(ref, EmployerAnswer(True, actor="anna"))
    assert (result.action, result.value) == ("employer_answer", "workplace")
    assert result.message == "Samtalen holdes på arbejdspladsen."
    answered = await cases.act(ref, AnswerOnBehalf(1, case.employee.email.upper(), "ACCEPTED", actor="anna"))
    assert answered.value == "ACCEPTED" and answered.message == "Svaret er registreret for møde 1."
    state = await cases.state(ref)
    assert state.meetings[0].responses[case.employee.email.lower()] == "ACCEPTED"
    with pytest.raises(CaseRefusal) as refused:
        await cases.act(ref, AnswerOnBehalf(3, case.employee.email, "ACCEPTED"))
    assert refused.value.reason == Refusal.NO_SUCH_MEETING


async def test_reassigning_many_cases_goes_case_by_case_and_reports_each(env):
    cases = CaseService(env.client, env.settings)
    first = await booked(env)
    second = await booked(env)
    results = await cases.reassign_many(
        [
            (first[3], Reassignment("Fratrådt", actor="teamleder")),
            (second[3], Reassignment("Fratrådt", caseworker_id=second[2].caseworker.id, actor="teamleder")),
            (CaseRef("101", "FINDES-IKKE"), Reassignment("Fratrådt")),
        ]
    )
    assert not isinstance(results[0], CaseRefusal), results[0]
    assert results[0].action == "reassign" and results[0].value != first[2].caseworker.id
    assert isinstance(results[1], CaseRefusal) and results[1].reason == Refusal.SAME_CASEWORKER
    assert isinstance(results[2], CaseRefusal) and results[2].reason == Refusal.NO_SUCH_CASE
    state = await wait_for(first[1], lambda s: s.caseworker.id == results[0].value)
    assert any(e.event == "caseworker_reassigned" for e in state.timeline)
    # The new caseworker already had the second case's meeting: the handed-over one never overlaps it.
    theirs = (await cases.state(second[3])).meetings[0]
    mine = state.meetings[0]
    assert mine.status == "invited" and (mine.end <= theirs.start or mine.start >= theirs.end)


async def test_the_same_answer_delivered_twice_is_applied_once(env):
    case, handle, state, ref = await booked(env)
    cases = CaseService(env.client, env.settings)
    meeting = state.meetings[0]
    answer = RsvpReceived(meeting.uid, meeting.sequence, case.employer.contact_email, "TENTATIVE")
    for _ in range(2):
        assert await cases.deliver_answer(handle.id, answer, update_id="inbound-same", timeout=30) == "TENTATIVE"
    state = await cases.state(ref)
    assert [e.event for e in state.timeline].count("rsvp") == 1
    with pytest.raises(CaseRefusal) as refused:
        await cases.deliver_answer(
            handle.id,
            RsvpReceived(meeting.uid, 5, case.employer.contact_email, "ACCEPTED"),
            update_id="inbound-other",
            timeout=30,
        )
    assert refused.value.reason == Refusal.STALE_SEQUENCE and refused.value.field == "sequence"


async def test_starting_a_case_twice_gives_the_one_case_and_a_closed_reference_is_refused(env):
    cases = CaseService(env.client, env.settings)
    report = sick_report()
    report["first_day_of_absence"] = ((await server_today(env)) - timedelta(days=14)).isoformat()
    case = parse_sick_report(report, today=await server_today(env))
    first = await cases.start_case(case)
    again = await cases.start_case(case)
    assert first.new and not again.new and first.workflow_id == again.workflow_id
    handle = env.client.get_workflow_handle_for(CaseWorkflow.run, first.workflow_id)
    env.started.append(handle)
    await wait_for(handle, lambda s: s.caseworker is not None and s.track is not None)
    await cases.act(CaseRef(case.municipality, case.reference), CaseEnd("full_recovery", await server_today(env)))
    await env.env.sleep(timedelta(days=75))
    await handle.result()
    with pytest.raises(CaseRefusal) as refused:
        await cases.start_case(case)
    assert refused.value.reason == Refusal.CASE_EXISTS_CLOSED and refused.value.field == "reference"
    with pytest.raises(CaseRefusal) as refused:
        await cases.start_case(parse_sick_report({**report, "municipality": "999"}, today=await server_today(env)))
    assert refused.value.field == "municipality"
