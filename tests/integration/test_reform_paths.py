"""The 2026 reform as municipalities live it, path by path on the time-skipping server, with the mails
received by a real SMTP server and the rows in a real SQLite register.

Dates are checked by hand, on a fixed day (tests/dates.py): the server's clock starts on Tuesday 4 December 2035
(START), two weeks after the first day, as the issue's example was written two weeks after its first day. First day
Tuesday 20 November 2035, rule set "2026 beskæftigelsesreform" (lov nr. 1750 af 29. december 2025, L 66):
- week 8 (the model's target, STAR 2017) ends on day 56: 20 Nov + 55 days (10 to 30 Nov, 31 to 31 Dec, 14 into
  January) = Monday 14 January 2036;
- the legal minimum of one follow-up conversation "within six months" ends the day before the same date six months
  on (domain/deadlines.py, `statutory_first_conversation_due`): 20 May 2036 - 1 day = Monday 19 May 2036.
Under the test's later rule set (four months, week 8 statutory again): 20 March 2036 - 1 day = Wednesday 19 March
2036. All three are calendar dates: holidays and closed days do not move them.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime, timedelta

import icalendar
import pytest

from case_service import CaseRefusal, CaseService
from case_service.commands import CaseRef
from domain.deadlines import info_form_dates
from domain.labels import long_date
from domain.localtime import LOCAL_TZ
from domain.model import CaseEnd, EarlierBenefit, ExpectedDuration, InfoFormAnswer, InfoFormSent, Phase
from domain.refusals import Refusal
from domain.results import UpdateResult, done
from domain.triage import Track
from register.models import AuditEvent, CaseRow, DeadlineBreach
from tests.conftest import sick_report
from tests.helpers import calendar_part, mail_to, quiet, rows, server_today, start, subject_has, wait_for
from tests.integration.test_case_paths import skip_to
from workflows.case_workflow import CaseWorkflow

START = date(2035, 12, 4)
FIRST_DAY = date(2035, 11, 20)
WEEK_8 = date(2036, 1, 14)
SIX_MONTHS = date(2036, 5, 19)

pytestmark = pytest.mark.start_day(START)


def morning(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ) + timedelta(hours=9)


async def act(env, case, action):
    """Through the service layer, as the command line and the web workbench send it."""
    return await CaseService(env.client, env.settings).act(CaseRef(case.municipality, case.reference), action)


def report(**changes) -> dict:
    return {**sick_report(**changes), "first_day_of_absence": FIRST_DAY.isoformat()}


def case_row(env, case) -> CaseRow:
    [row] = rows(env.register, CaseRow, CaseRow.reference == case.reference)
    return row


def deadline(state, name):
    return {d.name: d for d in state.deadlines.all()}[name]


async def open_case(env, **changes):
    assert await server_today(env) >= FIRST_DAY
    data = report(**changes)
    if changes.get("employer_expected_absence_weeks", 0) is None:
        del data["employer_expected_absence_weeks"]
    return await start(env, data, absent_days=None)


# ---------------------------------------------------------------- 1. no case without a legal deadline
async def test_a_case_waiting_for_the_employers_estimate_is_followed_as_if_long_and_breaches_the_minimum(env):
    case, handle = await open_case(env, expected_absence_weeks=10, employer_expected_absence_weeks=None)
    state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    # Followed as a long case while the estimate is asked for: the workplace track, its meeting, both deadlines.
    assert (state.track, state.triage_reason) == ("workplace", "employer_estimate_needed")
    assert state.triage_as_lived and state.rule_set == "2026 beskæftigelsesreform"
    assert (deadline(state, "first_meeting").due, deadline(state, "first_meeting").kind) == (WEEK_8, "model_target")
    minimum = deadline(state, "first_conversation")
    assert (minimum.due, minimum.kind) == (SIX_MONTHS, "statutory")
    employer = case.employer.contact_email
    await mail_to(env.mail, employer, subject_has("Hvor længe forventer I"))
    assert any(t.key == "employer_estimate" for t in state.open_tasks)
    # Nobody records a meeting and the estimate never comes: the law's minimum is breached, on the case, in the
    # register and to the team lead, the first minute after 19 May 2036.
    await skip_to(env, datetime(2036, 5, 19, 23, 0, tzinfo=LOCAL_TZ))
    state = await handle.query(CaseWorkflow.state_now)
    assert "first_conversation" not in state.breaches
    assert "target_missed" in [e.event for e in state.timeline]  # week 8, the model's own target, missed apart
    await skip_to(env, datetime(2036, 5, 20, 9, 0, tzinfo=LOCAL_TZ))
    state = await wait_for(handle, lambda s: "first_conversation" in s.breaches)
    assert state.deadline_breached and state.breaches == ["first_conversation"]
    [breach] = rows(env.register, DeadlineBreach)
    assert (breach.kind, breach.due) == ("first_conversation", SIX_MONTHS)
    await mail_to(env.mail, state.caseworker.lead_email, subject_has("frist 19. maj 2036"))


async def test_both_estimates_under_26_weeks_before_a_meeting_stand_the_case_down_to_watch(env):
    case, handle = await open_case(env, expected_absence_weeks=10, employer_expected_absence_weeks=None)
    state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    uid = state.meetings[0].uid
    track = await handle.execute_update(CaseWorkflow.new_expected_duration, ExpectedDuration(10, 12, actor="anna"))
    assert track == done("watch")
    state = await handle.query(CaseWorkflow.state_now)
    assert (state.phase, state.triage_reason) == ("watch", "both_expect_under_26_weeks")
    assert state.meetings[0].status == "cancelled" and state.meetings[0].sequence == 1
    assert not any(t.key in ("employer_estimate", "call_employer") for t in state.open_tasks)
    # Everyone's calendar loses the meeting, with the reason.
    for address in (case.employer.contact_email, case.employee.email):
        cancel = await mail_to(env.mail, address, subject_has("Aflyst"))
        assert "ikke indkaldt" in cancel.get_body(("plain",)).get_content()
        event = next(iter(icalendar.Calendar.from_ical(calendar_part(cancel).get_content()).walk("VEVENT")))
        assert (str(event["UID"]), int(event["SEQUENCE"])) == (uid, 1)
    # No legal follow-up deadline any more, and a sourced reason instead (domain.triage.NOT_CALLED_IN_BY_LAW).
    from domain.triage import NOT_CALLED_IN_BY_LAW, statutory_follow_up

    assert statutory_follow_up(state.deadlines, state.track) is None and "L 66" in NOT_CALLED_IN_BY_LAW[state.track]
    assert (case_row(env, case).track, case_row(env, case).triage_reason) == ("watch", "both_expect_under_26_weeks")


# ---------------------------------------------------------------- 3. exemption under the 2026 rules
@pytest.mark.parametrize("exemption", ["seriously_ill", "workplace_is_cause"])
async def test_an_exempt_case_where_both_expect_under_26_weeks_is_not_called_in(env, exemption):
    data = report(expected_absence_weeks=12, employer_expected_absence_weeks=20)
    data["exemptions"] = {
        "seriously_ill": exemption == "seriously_ill",
        "workplace_is_cause": exemption == "workplace_is_cause",
    }
    case, handle = await start(env, data, absent_days=None)
    state = await wait_for(handle, lambda s: s.phase == "watch" and s.info_form_sent_on is not None)
    reason = f"{exemption}_both_expect_under_26_weeks"
    assert (state.track, state.triage_reason, state.meetings) == ("watch", reason, [])
    assert [e.detail for e in state.timeline if e.event == "triaged"] == [f"watch: {reason}"]
    assert env.mail.to(case.employer.contact_email) == [] and env.mail.to(case.employee.email) == []
    assert (case_row(env, case).track, case_row(env, case).triage_reason) == ("watch", reason)
    # The estimate grows past 26 weeks: the exemption decides where the meeting is held (the job centre).
    assert await handle.execute_update(CaseWorkflow.new_expected_duration, ExpectedDuration(30)) == done("exempt")
    state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    assert state.meetings[0].expected_location == "jobcenter" and state.triage_reason == exemption


# ---------------------------------------------------------------- a case opened on older code, still waiting
async def test_a_case_on_the_legacy_waiting_track_is_followed_once_asked_to_look_at_the_rule_sets(env):
    """A case opened on older code waits for the employer's estimate on a track without a deadline in its agenda.
    `fasthold regelsaet` (the update `refresh_rule_sets`) moves it onto the followed track."""
    case, handle = await open_case(
        env,
        expected_absence_weeks=10,
        employer_expected_absence_weeks=None,
        case_reference=f"T-legacy-{uuid.uuid4().hex[:6]}",
    )
    opened = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    await quiet(handle)
    await handle.terminate("replaced by the same case as a case opened on older code carries it")
    legacy = dataclasses.replace(
        opened,
        track=Track.EMPLOYER_ESTIMATE_NEEDED,
        phase=Phase.EMPLOYER_CONTACT,
        triage_as_lived=False,
        rule_set_switch=None,
        meetings=[],
        employer_contacted_on=None,
        done=["estimate_reminder", "estimate_escalation"],
        open_tasks=[t for t in opened.open_tasks if t.key == "employer_estimate"],
    )
    handle = await env.client.start_workflow(
        CaseWorkflow.run, args=[case.without_cpr(), legacy], id=case.workflow_id, task_queue=env.settings.task_queue
    )
    env.started.append(handle)
    await quiet(handle)
    state = await handle.query(CaseWorkflow.state_now)
    assert (state.track, state.meetings) == ("employer_estimate_needed", [])  # waiting, nothing booked
    result = await handle.execute_update(CaseWorkflow.refresh_rule_sets, "anna.berg")
    assert result == UpdateResult("same", "2026 beskæftigelsesreform")
    state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    assert (state.track, state.triage_reason, state.triage_as_lived) == ("workplace", "employer_estimate_needed", True)
    assert any(t.key == "employer_estimate" for t in state.open_tasks)  # the estimate is still asked for
    assert state.deadlines.first_conversation_due == SIX_MONTHS
    audit = rows(env.register, AuditEvent, AuditEvent.action == "rule_sets_refreshed")
    assert [(a.actor, a.detail) for a in audit][-1][0] == "anna.berg"


# ---------------------------------------------------------------- 5. the information form on its real dates
async def test_the_information_form_follows_its_real_sending_and_an_agreed_answer_date(env):
    """The form went out automatically with the employer's report three days before the case reached the
    caseworker, and a later answer date was agreed: the reminder, the caseworker's task and "late" follow those
    dates, never the intake's. (Hand-checked dates of the same rules: tests/unit/test_agenda_law.py and
    tests/unit/test_cli_status.py.)"""
    case, handle = await open_case(env)
    state = await wait_for(handle, lambda s: any(t.key == "info_form_send" for t in s.open_tasks))
    today = await server_today(env)
    [send_task] = [t for t in state.open_tasks if t.key == "info_form_send"]
    assert "--sendt" in send_task.command and "registrér datoen" in send_task.title
    sent_on = today - timedelta(days=3)
    legal_due = sent_on + timedelta(days=8)  # § 11 stk. 3: 8 days after the sending, the literal date
    # An "agreed" date that is not later than the law's, and a sending in the future, are refused at their field.
    with pytest.raises(CaseRefusal) as refused:
        await act(env, case, InfoFormSent(sent_on, "employer_report", legal_due))
    assert (refused.value.reason, refused.value.field) == (Refusal.BAD_AGREED_DUE, "answer_due")
    with pytest.raises(CaseRefusal) as refused:
        await act(env, case, InfoFormSent(today + timedelta(days=1)))
    assert (refused.value.reason, refused.value.field) == (Refusal.BAD_SENT_DATE, "sent_on")
    agreed = sent_on + timedelta(days=30)
    result = await act(env, case, InfoFormSent(sent_on, "employer_report", agreed, actor="anna.berg"))
    assert result.value == agreed.isoformat() and long_date(agreed) in result.message
    state = await handle.query(CaseWorkflow.state_now)
    assert (state.info_form_sent_on, state.info_form_via, state.info_form_answer_due) == (
        sent_on,
        "employer_report",
        agreed,
    )
    assert not any(t.key == "info_form_send" for t in state.open_tasks)
    # The intake's dates pass: no reminder, no task (they would have come 8 days after intake).
    await skip_to(env, morning(today + timedelta(days=12)))
    state = await handle.query(CaseWorkflow.state_now)
    assert not any(k.startswith("info_form") for k in state.done)
    assert not [m for m in env.mail.to(case.employee.email) if "oplysningsskemaet" in str(m["Subject"])]
    # Before the agreed date the employee is reminded of it; the working day after it, the caseworker gets a task.
    form = info_form_dates(sent_on, state.rules, answer_due=agreed)
    await skip_to(env, morning(form.task_day) + timedelta(hours=1))
    state = await wait_for(handle, lambda s: any(k.startswith("info_form_task/") for k in s.done))
    reminder = await mail_to(env.mail, case.employee.email, subject_has("oplysningsskemaet"))
    assert long_date(agreed) in reminder.get_body(("plain",)).get_content()
    task = await mail_to(env.mail, state.caseworker.email, subject_has("Oplysningsskemaet er ikke besvaret"))
    assert long_date(agreed) in task.get_body(("plain",)).get_content()
    # Answered the day after the agreed date: late.
    result = await act(env, case, InfoFormAnswer(agreed + timedelta(days=1)))
    assert result.value == "late" and "efter svarfristen" in result.message
    assert "info_form_sent" in [a.action for a in rows(env.register, AuditEvent)]


# ---------------------------------------------------------------- 4. § 24 across cases
async def test_benefit_in_earlier_cases_brings_the_reassessment_forward(env):
    """The same person (the same CPR number in the register) had an earlier case: first day Wednesday 4 July 2035,
    ended Monday 1 October 2035, so benefit was paid from day 31 (4 Jul + 30 days = Friday 3 August) to 1 October:
    29 (3-31 Aug) + 30 (Sep) + 1 = 60 days. The new case's first day is Friday 2 November 2035; its benefit starts
    on day 31, 2 November + 30 = Sunday 2 December 2035. By hand (§ 24: more than 22 weeks = 154 days in the month
    judged and the 8 before it; the rule of tests/unit/test_reassessment.py):
    - alone: days from 2 December: Dec 30, Jan 61, Feb 90 (2036 is a leap year), Mar 121, Apr 151, May 182; April
      is not over 154, May is -> 31 May 2036;
    - with the earlier case: judging February 2036 the window runs from 1 June 2035: 90 + 60 = 150, not over 154;
      March (window from 1 July 2035): 121 + 60 = 181 -> 31 March 2036;
    - with 10 more days from another municipality (1-10 June 2035): February gives 150 + 10 = 160 > 154, January
      (window from 1 May 2035) 61 + 60 + 10 = 131 -> Friday 29 February 2036;
    - its task 15 working days before (no holiday in February 2036; Easter is 13 April): Thu 28, Wed 27, Tue 26,
      Mon 25, Fri 22, Thu 21, Wed 20, Tue 19, Mon 18, Fri 15, Thu 14, Wed 13, Tue 12, Mon 11, Fri 8 -> Friday
      8 February 2036."""
    earlier, earlier_handle = await start(
        env, {**sick_report(), "first_day_of_absence": "2035-07-04"}, absent_days=None
    )
    await wait_for(earlier_handle, lambda s: s.caseworker is not None and s.track is not None)
    await act(env, earlier, CaseEnd("full_recovery", date(2035, 10, 1)))
    await wait_for(earlier_handle, lambda s: s.phase == "closed")
    case, handle = await start(env, {**sick_report(), "first_day_of_absence": "2035-11-02"}, absent_days=None)
    state = await wait_for(handle, lambda s: s.caseworker is not None and s.track is not None)
    assert [(p.start, p.end, p.source, p.note) for p in state.earlier_benefit] == [
        (date(2035, 8, 3), date(2035, 10, 1), "register", earlier.reference)
    ]
    assert state.deadlines.reassessment_due == date(2036, 3, 31)
    [found] = [e.detail for e in state.timeline if e.event == "earlier_benefit"]
    assert "revurderingen flyttes fra 2036-05-31 til 2036-03-31" in found
    # A period from another municipality, entered by the caseworker; one overlapping the register's is refused.
    with pytest.raises(CaseRefusal) as refused:
        await act(env, case, EarlierBenefit(date(2035, 9, 1), date(2035, 9, 10)))
    assert (refused.value.reason, refused.value.field) == (Refusal.PERIOD_OVERLAPS, "start")
    with pytest.raises(CaseRefusal) as refused:
        await act(env, case, EarlierBenefit(date(2035, 10, 20), date(2035, 11, 5)))
    assert (refused.value.reason, refused.value.field) == (Refusal.BAD_PERIOD, "end")
    result = await act(
        env, case, EarlierBenefit(date(2035, 6, 1), date(2035, 6, 10), note="Aarhus Kommune", actor="anna.berg")
    )
    assert result.value == "2036-02-29" and "29.02.2036" in result.message  # the confirmation says it in Danish
    state = await handle.query(CaseWorkflow.state_now)
    assert state.deadlines.reassessment_task_day == date(2036, 2, 8)
    await skip_to(env, morning(date(2036, 2, 8)) + timedelta(hours=1))
    state = await wait_for(handle, lambda s: "reassessment_task/2036-02-29" in s.done)
    task = await mail_to(env.mail, state.caseworker.email, subject_has("revurdering"))
    assert "29. februar 2036" in task.get_body(("plain",)).get_content()
    assert any(t.key == "reassessment/2036-02-29" for t in state.open_tasks)
    assert "earlier_benefit" in [a.action for a in rows(env.register, AuditEvent)]
