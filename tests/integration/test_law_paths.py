"""The law as written, path by path on the time-skipping server, with the mails received by a real SMTP
server and the rows in a real SQLite register: partial recovery as an event of a running case, the employee's
consent to an employer's fast track (yes, no and silence), the 2026 triage (both estimates, or ask for the
missing one), periods without benefit that move the § 24 reassessment, and the information form (§ 11).

The server's clock starts on the suite's fixed day (tests/dates.py, after 1 July 2026), so a case dated from it
follows the 2026 rules.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from case_service import CaseRefusal, CaseService
from case_service.commands import CaseRef
from domain.deadlines import recompute_reassessment
from domain.localtime import LOCAL_TZ, local_date
from domain.model import (
    BenefitPause,
    CaseEnd,
    ExpectedDuration,
    FastTrackConsent,
    FastTrackRequest,
    InfoFormAnswer,
    MeetingMove,
    PartialRecovery,
)
from domain.refusals import Refusal
from domain.results import done
from register.models import AuditEvent, CaseRow, DeadlineBreach
from tests.conftest import sick_report
from tests.helpers import body_has, mail_to, rows, server_today, start, subject_has, wait_for
from tests.integration.test_case_paths import booked, hold_first_meeting, skip_to, subjects, was_moved
from workflows.case_workflow import CaseWorkflow


def case_row(env, case) -> CaseRow:
    [row] = rows(env.register, CaseRow, CaseRow.reference == case.reference)
    return row


def actions(env, case) -> list[str]:
    return [a.action for a in rows(env.register, AuditEvent, AuditEvent.case_id == case_row(env, case).id)]


def morning(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ) + timedelta(hours=9)


async def act(env, case, action):
    """Through the service layer, as the command line and the web workbench send it."""
    return await CaseService(env.client, env.settings).act(CaseRef(case.municipality, case.reference), action)


# ---------------------------------------------------------------- partial recovery
async def test_partial_recovery_keeps_the_case_running_with_follow_ups(env):
    case, handle, state = await booked(env)
    state = await hold_first_meeting(env, handle, case, state)
    today = await server_today(env)
    # Ending the case as "partly recovered" is refused, with a pointer to what to do instead.
    with pytest.raises(CaseRefusal) as refused:
        await act(env, case, CaseEnd("partial_recovery", today))
    assert (refused.value.reason, refused.value.field) == (Refusal.NOT_AN_END, "end_type")
    assert "delvis" in refused.value.message
    result = await act(env, case, PartialRecovery(18.5, today, "Kontorarbejde", actor="anna.berg"))
    assert result.value == "18.5" and "fortsætter" in result.message
    state = await wait_for(handle, lambda s: s.partial_recoveries)
    assert state.phase == "follow_up" and state.end_type is None
    row = case_row(env, case)
    assert (row.partial_recovery_on, row.partial_recovery_hours, row.closed_at) == (today, 18.5, None)
    assert "partial_recovery" in actions(env, case)
    # Follow-up goes on: the next meeting is booked before it is due.
    await skip_to(env, state.meetings[0].end + timedelta(weeks=3))
    state = await wait_for(handle, lambda s: [e.event for e in s.timeline].count("meeting_booked") == 2)
    assert state.meetings[1].status == "invited" and state.phase == "follow_up"
    # A later change of hours is recorded too; one before the last is refused.
    with pytest.raises(CaseRefusal) as refused:
        await act(env, case, PartialRecovery(25, today - timedelta(days=1)))
    assert refused.value.field == "from_date"
    await act(env, case, PartialRecovery(25, today + timedelta(weeks=3)))
    state = await handle.query(CaseWorkflow.state_now)
    assert [p.hours_per_week for p in state.partial_recoveries] == [18.5, 25]
    assert case_row(env, case).partial_recovery_on == today  # the first exit to (partial) work counts


# ---------------------------------------------------------------- fast track and the employee's consent
async def employer_asks(env, handle, state):
    """A case whose meeting is four weeks out; the employer asks for fast track today."""
    # The same time of day in Denmark four weeks on, also across a change of summer time: within working hours.
    later = state.meetings[0].start.astimezone(LOCAL_TZ) + timedelta(weeks=4)
    await handle.execute_update(CaseWorkflow.move_meeting_to, MeetingMove(1, later))
    state = await wait_for(handle, lambda s: was_moved(s, 1))
    today = await server_today(env)
    value = await handle.execute_update(CaseWorkflow.request_fast_track, FastTrackRequest("employer", today))
    return today, value, state


async def test_an_employers_fast_track_refused_by_the_employee_falls_back_to_the_ordinary_deadline(env):
    case, handle, state = await booked(env, absent_days=3)
    today, value, state = await employer_asks(env, handle, state)
    assert value.kind == "consent_due"
    state = await handle.query(CaseWorkflow.state_now)
    assert state.fast_track is None and state.fast_track_request.consent == "pending"
    assert state.next_deadline == state.first_meeting_due  # no fast-track date while consent is pending
    result = await act(env, case, FastTrackConsent(False, today, actor="anna.berg"))
    assert result.value == "refused" and "almindelige frist" in result.message
    state = await handle.query(CaseWorkflow.state_now)
    assert state.fast_track is None and state.fast_track_request.consent == "refused"
    # Two weeks after the request pass: no fast-track breach, and the meeting was never moved.
    await skip_to(env, morning(today + timedelta(days=16)))
    state = await handle.query(CaseWorkflow.state_now)
    assert "breach/fast_track" not in state.done and state.breaches == []
    assert [e.event for e in state.timeline].count("meeting_moved") == 1
    assert rows(env.register, DeadlineBreach) == []
    assert "fast_track_consent" in actions(env, case)


@pytest.mark.across_the_year  # reminders, deadlines and slots meet holidays and clock changes
async def test_an_employers_fast_track_agreed_to_moves_the_meeting_within_two_weeks(env):
    case, handle, state = await booked(env, absent_days=3)
    today, value, state = await employer_asks(env, handle, state)
    result = await act(env, case, FastTrackConsent(True, today))
    assert result.kind == "given"
    due = date.fromisoformat(result.value)
    assert due <= today + timedelta(days=14)
    state = await wait_for(handle, lambda s: was_moved(s, 2))
    assert state.fast_track.due == due and state.fast_track.requested_by == "employer"
    assert local_date(state.meetings[0].start) <= due and state.next_deadline == due
    # Answered once: a second answer is refused.
    with pytest.raises(CaseRefusal) as refused:
        await act(env, case, FastTrackConsent(False, today))
    assert refused.value.reason == Refusal.NO_CONSENT_AWAITED


async def test_an_employers_fast_track_lapses_when_the_employee_is_silent(env):
    case, handle, state = await booked(env, absent_days=3)
    today, value, state = await employer_asks(env, handle, state)
    consent_due = date.fromisoformat(value.value)
    assert consent_due > today  # two bank days
    await skip_to(env, morning(consent_due + timedelta(days=1)))
    state = await wait_for(handle, lambda s: s.fast_track_request.consent == "lapsed")
    assert state.fast_track is None and [e.event for e in state.timeline].count("meeting_moved") == 1
    await mail_to(env.mail, state.caseworker.email, subject_has("Tidlig opfølgning: intet samtykke"))
    state = await handle.query(CaseWorkflow.state_now)
    assert any(t.title == "Tidlig opfølgning: intet samtykke" for t in state.open_tasks)
    # A late yes is the municipality's choice: accepted with the caseworker's word, fast track is in force.
    result = await act(env, case, FastTrackConsent(True, await server_today(env), accept_late=True))
    assert result.kind == "given"
    state = await handle.query(CaseWorkflow.state_now)
    assert state.fast_track is not None and not any(t.key.startswith("fast_track_lapsed") for t in state.open_tasks)


# ---------------------------------------------------------------- the 2026 triage
async def test_a_2026_case_where_both_expect_under_26_weeks_is_only_watched(env):
    case, handle = await start(env, sick_report(expected_absence_weeks=20, employer_expected_absence_weeks=25))
    state = await wait_for(handle, lambda s: s.phase == "watch" and s.info_form_sent_on is not None)
    assert (state.rule_set, state.track, state.category) == ("2026 beskæftigelsesreform", "watch", None)
    assert state.triage_reason == "both_expect_under_26_weeks" and state.meetings == []
    assert env.mail.to(case.employer.contact_email) == [] and env.mail.to(case.employee.email) == []
    row = case_row(env, case)
    assert (row.track, row.category) == ("watch", None)


async def test_a_2026_case_without_the_employers_estimate_asks_for_it_and_triages_again_when_it_comes(env):
    """Under the 2026 rules the case is followed as if long while the estimate is asked for (the legal minimum runs);
    cases opened before it waited on a track of their own (their saved history replays that)."""
    report = sick_report(expected_absence_weeks=10)
    del report["employer_expected_absence_weeks"]
    case, handle = await start(env, report)
    state = await wait_for(
        handle,
        lambda s: (
            any(t.key == "employer_estimate" for t in s.open_tasks)
            and any(e.event == "meeting_booked" for e in s.timeline)
        ),
    )
    assert (state.track, state.triage_reason) == ("workplace", "employer_estimate_needed")
    assert state.deadlines.first_conversation_due is not None
    employer = case.employer.contact_email
    asked = await mail_to(env.mail, employer, subject_has("Hvor længe forventer I"))
    assert str(asked["Subject"]).startswith("Hvor længe forventer I")
    body = asked.get_body(("plain",)).get_content()
    assert "26 uger" in body and "både medarbejderen og arbejdsgiveren" in body
    # The employer stays silent: a reminder after three working days, the team lead after five.
    await skip_to(env, morning(state.employer_estimate_requested_on + timedelta(days=9)))
    state = await wait_for(handle, lambda s: "estimate_escalation" in s.done)
    await mail_to(env.mail, state.caseworker.lead_email, body_has("ikke oplyst, hvor længe fraværet"))
    assert [s for s in subjects(env, employer) if s.startswith("Påmindelse: Hvor længe")]
    # The estimate comes (the employer expects 30 weeks): triaged again; the case goes on with its meeting.
    track = await handle.execute_update(CaseWorkflow.new_expected_duration, ExpectedDuration(10, 30))
    assert track == done("workplace")
    state = await handle.query(CaseWorkflow.state_now)
    assert state.triage_reason == "in_target_group" and state.phase == "meeting_booked"
    assert not any(t.key == "employer_estimate" for t in state.open_tasks)
    assert any("arbejdsplads" in s for s in subjects(env, employer))
    assert (case_row(env, case).track, case_row(env, case).employer_expected_weeks) == ("workplace", 30)


# ---------------------------------------------------------------- § 24 and the information form
@pytest.mark.across_the_year  # reminders, deadlines and slots meet holidays and clock changes
async def test_a_period_without_benefit_moves_the_reassessment_and_its_task(env):
    case, handle, state = await booked(env)
    before = state.deadlines.reassessment_due
    start_day = case.first_day + timedelta(days=40)
    pause = BenefitPause(start_day, start_day + timedelta(days=40), "Ferie uden sygedagpenge")
    expected = recompute_reassessment(state.deadlines, state.rules, no_benefit=[pause]).reassessment_due
    assert expected > before
    result = await act(env, case, pause)
    # The confirmation gives the date the Danish way.
    assert result.value == expected.isoformat() and expected.strftime("%d.%m.%Y") in result.message
    with pytest.raises(CaseRefusal) as refused:
        await act(env, case, BenefitPause(start_day + timedelta(days=10), start_day + timedelta(days=50)))
    assert (refused.value.reason, refused.value.field) == (Refusal.PERIOD_OVERLAPS, "start")
    state = await handle.query(CaseWorkflow.state_now)
    assert state.deadlines.reassessment_due == expected
    # The caseworker's task comes before the new date and names it.
    await skip_to(env, morning(state.deadlines.reassessment_task_day + timedelta(days=1)))
    state = await wait_for(handle, lambda s: any(k.startswith("reassessment_task/") for k in s.done))
    assert "reassessment_task" not in state.done  # the old date's task never came
    task = await mail_to(env.mail, state.caseworker.email, subject_has("revurdering"))
    assert len([m for m in env.mail.to(state.caseworker.email) if "revurdering" in str(m["Subject"])]) == 1
    body = task.get_body(("plain",)).get_content()
    months = (
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    )
    assert f"{expected.day}. {months[expected.month - 1]} {expected.year}" in body and "§ 24" in body


@pytest.mark.across_the_year  # reminders, deadlines and slots meet holidays and clock changes
async def test_the_information_form_is_sent_at_intake_reminded_then_given_to_the_caseworker(env):
    case, handle = await start(env, sick_report(), absent_days=3)
    state = await wait_for(handle, lambda s: s.info_form_sent_on is not None)
    sent = state.info_form_sent_on
    assert sent == await server_today(env)
    assert any(t.key == "info_form_send" for t in state.open_tasks)
    # The answer is due 8 days after sending; the employee is reminded before, the caseworker told after.
    await skip_to(env, morning(sent + timedelta(days=12)))
    state = await wait_for(handle, lambda s: "info_form_task" in s.done)
    await mail_to(env.mail, state.caseworker.email, subject_has("Oplysningsskemaet er ikke besvaret"))
    [reminder] = [m for m in env.mail.to(case.employee.email) if "oplysningsskemaet" in str(m["Subject"])]
    assert "Digital Post" in reminder.get_body(("plain",)).get_content()
    with pytest.raises(CaseRefusal) as refused:
        await act(env, case, InfoFormAnswer(sent - timedelta(days=1)))
    assert refused.value.reason == Refusal.BAD_ANSWER_DATE
    result = await act(env, case, InfoFormAnswer(sent + timedelta(days=10)))
    assert result.value == "late"
    state = await handle.query(CaseWorkflow.state_now)
    assert state.info_form_answered_on == sent + timedelta(days=10)
    assert not any(t.key.startswith("info_form") for t in state.open_tasks)
    assert "info_form_answered" in actions(env, case)
