"""Every path of the case process , driven through updates on the time-skipping server, with the
mails received by a real SMTP server and the rows in a real SQLite register."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.calendar_dk import add_working_days
from domain.localtime import LOCAL_TZ, local_date
from domain.model import (
    CaseEnd,
    EmployerAnswer,
    ExpectedDuration,
    FastTrackRequest,
    MeasureStart,
    MeetingMove,
    MeetingOutcome,
    OutcomeReport,
    Reassignment,
    RsvpReceived,
)
from domain.results import done
from domain.rulesets import load_rulesets
from register.models import AuditEvent, CaseRow, DeadlineBreach, MeasureRow, MeetingRow, MissedTarget
from tests.conftest import sick_report
from tests.helpers import body_has, calendar_part, finish, mail_to, rows, server_today, start, wait_for, wait_for_mail
from workflows.case_workflow import CaseWorkflow


# ---------------------------------------------------------------- helpers
def rule_set_named(name: str):
    [rules] = [r for r in load_rulesets() if r.name == name]
    return rules


async def skip_to(env, when: datetime) -> None:
    now = await env.env.get_current_time()
    if when > now:
        await env.env.sleep(when - now)


async def booked(env, absent_days: int = 14, **changes):
    case, handle = await start(env, sick_report(**changes), absent_days=absent_days)
    state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    return case, handle, state


def was_moved(state, times: int) -> bool:
    """The meeting has been moved `times` times and the updated invitations have gone out."""
    return [e.event for e in state.timeline].count("meeting_moved") >= times


def subjects(env, address: str) -> list[str]:
    return [str(m["Subject"]) for m in env.mail.to(address)]


def calendars(env, address: str) -> list[icalendar.Calendar]:
    found = []
    for message in env.mail.to(address):
        part = calendar_part(message)
        if part is not None:
            found.append(icalendar.Calendar.from_ical(part.get_content()))
    return found


def event_of(cal: icalendar.Calendar):
    return next(iter(cal.walk("VEVENT")))


async def accept_all(handle, case, state):
    meeting = state.meetings[-1]
    for address in (case.employer.contact_email, case.employee.email, state.caseworker.email):
        await handle.execute_update(
            CaseWorkflow.record_rsvp, RsvpReceived(meeting.uid, meeting.sequence, address, "ACCEPTED")
        )


async def hold_first_meeting(env, handle, case, state, location="workplace"):
    await accept_all(handle, case, state)
    await skip_to(env, state.meetings[-1].end + timedelta(minutes=5))
    await handle.execute_update(
        CaseWorkflow.record_meeting, MeetingOutcome(state.meetings[-1].number, True, True, location)
    )
    return await wait_for(handle, lambda s: s.phase == "follow_up")


def case_row(env, case) -> CaseRow:
    [row] = rows(env.register, CaseRow, CaseRow.reference == case.reference)
    return row


# ---------------------------------------------------------------- triage
async def test_seriously_ill_is_exempt_and_meets_at_the_job_centre(env):
    report = sick_report()
    report["exemptions"] = {"seriously_ill": True, "workplace_is_cause": False}
    case, handle = await start(env, report)
    state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    assert (state.track, state.triage_reason) == ("exempt", "seriously_ill")
    meeting = state.meetings[0]
    assert meeting.expected_location == "jobcenter" and meeting.location.startswith("Jobcenter")
    await wait_for_mail(env.mail, 3)
    # No request to host at the workplace; the invitation says the job centre.
    assert not any("arbejdsplads" in s for s in subjects(env, case.employer.contact_email))
    assert str(event_of(calendars(env, case.employer.contact_email)[0])["LOCATION"]).startswith("Jobcenter")
    assert (case_row(env, case).track, case_row(env, case).triage_reason) == ("exempt", "seriously_ill")


async def test_short_absence_is_only_watched_and_enters_the_model_when_it_grows(env):
    case, handle = await start(env, sick_report(expected_absence_weeks=10, employer_expected_absence_weeks=12))
    state = await wait_for(handle, lambda s: s.phase == "watch" and s.info_form_sent_on is not None)
    assert state.track == "watch" and state.meetings == []
    # Nobody is called in: the employer and the employee get nothing (the caseworker sends the § 11 form).
    assert env.mail.to(case.employer.contact_email) == [] and env.mail.to(case.employee.email) == []
    assert case_row(env, case).phase == "watch"

    track = await handle.execute_update(CaseWorkflow.new_expected_duration, ExpectedDuration(30, 28))
    assert track == done("workplace")
    state = await wait_for(handle, lambda s: s.phase == "meeting_booked")
    assert state.meetings[0].expected_location == "workplace"
    await wait_for_mail(env.mail, 4)
    assert any("arbejdsplads" in s for s in subjects(env, case.employer.contact_email))
    assert [e.event for e in state.timeline].count("triaged") == 2
    assert (case_row(env, case).track, case_row(env, case).expected_weeks) == ("workplace", 30)


# ---------------------------------------------------------------- employer contact
@pytest.mark.across_the_year  # reminders, deadlines and slots meet holidays and clock changes
async def test_silent_employer_is_reminded_then_escalated(env):
    case, handle, state = await booked(env, absent_days=7)
    contacted = state.employer_contacted_on
    # The escalation comes after the rule set's working days, which Easter or Christmas can stretch to
    # two calendar weeks: the day after it, counted by the engine's own calendar.
    rules = rule_set_named(state.rule_set)
    escalated_on = add_working_days(contacted, rules.employer_escalation_working_days, rules.closed_days)
    await skip_to(
        env,
        datetime.combine(escalated_on + timedelta(days=1), datetime.min.time(), tzinfo=state.meetings[0].start.tzinfo),
    )
    state = await wait_for(handle, lambda s: "escalated" in [e.event for e in s.timeline])
    events = [e.event for e in state.timeline]
    assert events.index("employer_reminded") < events.index("escalated")
    reminders = [
        s for s in subjects(env, case.employer.contact_email) if s.startswith("Påmindelse: Opfølgningssamtale på")
    ]
    assert len(reminders) == 1
    lead = state.caseworker.lead_email
    await wait_for(handle, lambda s: True)
    assert any(s.startswith("Eskalering") for s in subjects(env, lead))
    body = env.mail.to(lead)[0].get_body(("plain",)).get_content()
    assert "ikke svaret" in body and case.reference in body
    # Since the escalation-copy patch the caseworker gets the same escalation.
    assert any(s.startswith("Eskalering") for s in subjects(env, state.caseworker.email))


async def test_employer_declines_to_host_and_the_meeting_moves_to_the_job_centre(env):
    case, handle, state = await booked(env)
    uid = state.meetings[0].uid
    with pytest.raises(WorkflowUpdateFailedError):  # a reason is required
        await handle.execute_update(CaseWorkflow.employer_answer, EmployerAnswer(False, ""))
    await handle.execute_update(CaseWorkflow.employer_answer, EmployerAnswer(False, "Ingen mødelokaler"))
    state = await wait_for(handle, lambda s: was_moved(s, 1))
    meeting = state.meetings[0]
    assert meeting.uid == uid and meeting.expected_location == "jobcenter"
    for address in (case.employer.contact_email, case.employee.email, state.caseworker.email):
        updates = [event_of(c) for c in calendars(env, address) if int(event_of(c)["SEQUENCE"]) == 1]
        assert len(updates) == 1 and str(updates[0]["UID"]) == uid
        assert str(updates[0]["LOCATION"]).startswith("Jobcenter")
    [row] = rows(env.register, MeetingRow, MeetingRow.uid == uid)
    assert (row.sequence, row.expected_location) == (1, "jobcenter")


# ---------------------------------------------------------------- meetings: declines, no-shows, fast track
async def test_a_decline_leads_to_a_new_proposal_with_sequence_plus_one(env):
    case, handle, state = await booked(env)
    first = state.meetings[0]
    await handle.execute_update(CaseWorkflow.record_rsvp, RsvpReceived(first.uid, 0, case.employee.email, "DECLINED"))
    state = await wait_for(handle, lambda s: was_moved(s, 1))
    moved = state.meetings[0]
    assert moved.uid == first.uid and moved.start != first.start and moved.responses == {}
    assert local_date(moved.start) <= state.latest_meeting_day
    for address in (case.employer.contact_email, case.employee.email, state.caseworker.email):
        sequences = sorted(int(event_of(c)["SEQUENCE"]) for c in calendars(env, address))
        assert sequences == [0, 1]
    # An answer to the old version is now stale and refused.
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(
            CaseWorkflow.record_rsvp, RsvpReceived(first.uid, 0, case.employer.contact_email, "ACCEPTED")
        )
    assert "version" in str(refused.value.cause)


async def test_a_no_show_books_a_new_first_meeting(env):
    case, handle, state = await booked(env)
    await skip_to(env, state.meetings[0].end + timedelta(minutes=5))
    await handle.execute_update(CaseWorkflow.record_meeting, MeetingOutcome(1, False, False, "workplace"))
    state = await wait_for(handle, lambda s: [e.event for e in s.timeline].count("meeting_booked") == 2)
    assert state.meetings[0].status == "no_show" and state.meetings[1].status == "invited"
    assert {
        r.number: r.status for r in rows(env.register, MeetingRow, MeetingRow.case_id == case_row(env, case).id)
    } == {1: "no_show", 2: "invited"}


async def test_fast_track_moves_the_meeting_within_two_weeks_of_the_request(env):
    case, handle, state = await booked(env, absent_days=3)
    later = state.meetings[0].start + timedelta(weeks=4)
    await handle.execute_update(CaseWorkflow.move_meeting_to, MeetingMove(1, later))
    state = await wait_for(handle, lambda s: was_moved(s, 1))
    today = await server_today(env)
    due = await handle.execute_update(CaseWorkflow.request_fast_track, FastTrackRequest("employee", today))
    state = await wait_for(handle, lambda s: was_moved(s, 2))
    assert (
        due.kind == "done"
        and state.fast_track.due.isoformat() == due.value
        and local_date(state.meetings[0].start) <= state.fast_track.due
    )
    assert state.fast_track.due <= today + timedelta(days=14)
    row = case_row(env, case)
    assert (row.fast_track_requested_by, row.fast_track_requested_on) == ("employee", today)
    with pytest.raises(WorkflowUpdateFailedError):  # once is enough
        await handle.execute_update(CaseWorkflow.request_fast_track, FastTrackRequest("employer", today))


async def test_an_employer_cannot_ask_for_fast_track_after_week_five(env):
    case, handle, state = await booked(env, absent_days=40)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(
            CaseWorkflow.request_fast_track, FastTrackRequest("employer", await server_today(env))
        )
    assert "5 ugers" in str(refused.value.cause)


# ---------------------------------------------------------------- deadlines
@pytest.mark.across_the_year  # reminders, deadlines and slots meet holidays and clock changes
async def test_an_unmet_week_eight_target_is_escalated_then_recorded_as_a_missed_target(env):
    # A 2026 case: the week-8 workplace meeting is the model's own target, not a deadline of the law.
    case, handle, state = await booked(env, absent_days=30)
    lead = state.caseworker.lead_email
    # Nobody accepts; the meeting is declined by the employer every time there is no time left...
    await skip_to(
        env,
        datetime.combine(
            state.deadlines.booking_escalation_day, datetime.min.time(), tzinfo=state.meetings[0].start.tzinfo
        )
        + timedelta(hours=9),
    )
    state = await wait_for(handle, lambda s: "booking_escalation" in s.done)
    await wait_for_mail(env.mail, len(env.mail.messages))
    assert any(s.startswith("Eskalering") for s in subjects(env, lead))
    # ...the meeting is not held, and the end of week 8 passes.
    await handle.execute_update(
        CaseWorkflow.move_meeting_to,
        MeetingMove(
            len(state.meetings),
            datetime.combine(
                state.first_meeting_due + timedelta(days=10), datetime.min.time(), tzinfo=state.meetings[0].start.tzinfo
            )
            + timedelta(hours=10),
            confirmed=True,
        ),
    )  # past the deadline on purpose
    await skip_to(
        env,
        datetime.combine(
            state.first_meeting_due + timedelta(days=1), datetime.min.time(), tzinfo=state.meetings[0].start.tzinfo
        )
        + timedelta(hours=1),
    )
    state = await wait_for(handle, lambda s: s.missed_targets)
    assert state.rule_set == "2026 beskæftigelsesreform" and state.deadlines.first_meeting_kind == "model_target"
    assert state.missed_targets == ["first_meeting"] and state.breaches == [] and not state.deadline_breached
    [missed] = rows(env.register, MissedTarget, MissedTarget.case_id == case_row(env, case).id)
    assert (missed.kind, missed.due) == ("first_meeting", state.first_meeting_due)
    assert rows(env.register, DeadlineBreach) == []
    assert case_row(env, case).deadline_breached is False
    assert case_row(env, case).first_meeting_kind == "model_target"
    escalation = await mail_to(env.mail, lead, body_has("Modellens mål er ikke nået"))
    body = escalation.get_body(("plain",)).get_content()
    assert "ikke en lovfrist" in body and "Lovfristen" not in body
    # What is owed now is the law's minimum: one conversation within six months.
    state = await wait_for(handle, lambda s: s.next_deadline == s.deadlines.first_conversation_due)
    description = await handle.describe()
    assert (
        description.typed_search_attributes.get(
            __import__("engine.search_attributes", fromlist=["x"]).DEADLINE_BREACHED
        )
        is False
    )


@pytest.mark.start_day(date(2035, 9, 4))
@pytest.mark.reform_from(date(2036, 1, 1))
async def test_a_case_from_before_july_2026_breaches_the_statutory_week_eight_deadline(env):
    # Under the 2025 rules week 8 is § 13 b's deadline. The server's clock cannot go back to 2026, so the
    # reform is moved to 2036 (the mark) and the case's first day is Monday 2 July 2035: week 8 ends Sunday
    # 26 August 2035 (2 July + 8 weeks - 1 day), before the test's day (4 September 2035).
    assert await server_today(env) == date(2035, 9, 4)
    case, handle = await start(env, sick_report(), absent_days=(await server_today(env) - date(2035, 7, 2)).days)
    # The timeline notes the breach once the register has it (the flag is set before that write).
    state = await wait_for(handle, lambda s: any(e.event == "deadline_breached" for e in s.timeline))
    assert (
        state.deadline_breached
        and state.rule_set == "2025 sygedagpengeaftale"
        and state.deadlines.first_meeting_kind == "statutory"
    )
    assert state.breaches == ["first_meeting"] and state.missed_targets == []
    [breach] = rows(env.register, DeadlineBreach, DeadlineBreach.case_id == case_row(env, case).id)
    assert (breach.kind, breach.due) == ("first_meeting", date(2035, 8, 26))
    assert rows(env.register, MissedTarget) == [] and case_row(env, case).deadline_breached is True
    await mail_to(env.mail, state.caseworker.lead_email, body_has("Lovfristen 2035-08-26", "overskredet"))


@pytest.mark.across_the_year  # reminders, deadlines and slots meet holidays and clock changes
async def test_a_meeting_held_in_time_is_not_a_breach_and_reminders_go_out_before_it(env):
    case, handle, state = await booked(env, absent_days=3)
    # The same time of day in Denmark two weeks on, also across a change of summer time: within working hours.
    later = state.meetings[0].start.astimezone(LOCAL_TZ) + timedelta(weeks=2)
    await handle.execute_update(CaseWorkflow.move_meeting_to, MeetingMove(1, later))
    state = await wait_for(handle, lambda s: was_moved(s, 1))
    await hold_first_meeting(env, handle, case, state)
    reminders = [s for s in subjects(env, case.employee.email) if s.startswith("Påmindelse: Opfølgningssamtale")]
    assert len(reminders) == 1
    await skip_to(
        env, datetime.combine(state.first_meeting_due + timedelta(days=2), datetime.min.time(), tzinfo=later.tzinfo)
    )
    state = await handle.query(CaseWorkflow.state_now)
    assert not state.deadline_breached and rows(env.register, DeadlineBreach) == []


# ---------------------------------------------------------------- after the first meeting
async def test_follow_ups_measure_and_reassessment(env):
    case, handle, state = await booked(env)
    state = await hold_first_meeting(env, handle, case, state)
    # A follow-up meeting is booked before the next follow-up is due.
    await skip_to(env, state.meetings[0].end + timedelta(weeks=3))
    state = await wait_for(handle, lambda s: [e.event for e in s.timeline].count("meeting_booked") == 2)
    assert state.meetings[1].number == 2 and state.meetings[1].status == "invited"
    # A workplace-based measure, started in week 10.
    start_day = case.first_day + timedelta(weeks=9, days=1)
    assert await handle.execute_update(CaseWorkflow.start_measure, MeasureStart("gradual_return", start_day)) == done(
        "before_week_13"
    )
    [measure] = rows(env.register, MeasureRow, MeasureRow.case_id == case_row(env, case).id)
    assert (measure.kind, measure.before_week_13) == ("gradual_return", True)
    # The reassessment task reaches the caseworker before week 22.
    await skip_to(
        env,
        datetime.combine(
            state.deadlines.reassessment_task_day + timedelta(days=1),
            datetime.min.time(),
            tzinfo=state.meetings[0].start.tzinfo,
        ),
    )
    state = await wait_for(handle, lambda s: "reassessment_task" in s.done)
    tasks = [s for s in subjects(env, state.caseworker.email) if "revurdering" in s]
    assert len(tasks) == 1 and state.deadlines.reassessment_due.strftime("%Y") in tasks[0]


async def test_a_predictable_case_only_has_its_return_followed(env):
    case, handle, state = await booked(env, expected_absence_weeks=12, employer_expected_absence_weeks=30)
    state = await hold_first_meeting(env, handle, case, state)
    await skip_to(
        env,
        datetime.combine(
            case.first_day + timedelta(weeks=13), datetime.min.time(), tzinfo=state.meetings[0].start.tzinfo
        ),
    )
    state = await wait_for(handle, lambda s: any(k.startswith("return_check") for k in s.done))
    assert len(state.meetings) == 1  # no follow-up meetings booked
    assert any("tilbagevenden" in s for s in subjects(env, state.caseworker.email))


# ---------------------------------------------------------------- reassignment
async def test_reassignment_gives_the_new_caseworker_the_open_tasks(env):
    case, handle, state = await booked(env)
    old = state.caseworker
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(CaseWorkflow.reassign, Reassignment(""))
    new_id = (await handle.execute_update(CaseWorkflow.reassign, Reassignment("Langvarigt fravær"))).value
    assert new_id != old.id
    state = await wait_for(handle, lambda s: s.caseworker.id == new_id)
    new = state.caseworker
    await wait_for_mail(env.mail, len(env.mail.messages))
    assert any("Ny sagsbehandler" in s for s in subjects(env, old.email))
    assert any("Ring til arbejdsgiveren" in s for s in subjects(env, new.email))
    # The old caseworker's calendar loses the meeting; the others get the new attendee list.
    cancel = [c for c in calendars(env, old.email) if str(c["METHOD"]) == "CANCEL"]
    assert len(cancel) == 1
    update = [event_of(c) for c in calendars(env, case.employer.contact_email) if int(event_of(c)["SEQUENCE"]) == 1]
    attendees = {str(a).lower().removeprefix("mailto:") for a in update[0].get("ATTENDEE")}
    assert new.email in attendees and old.email not in attendees
    assert case_row(env, case).caseworker_id == new_id
    assert "caseworker_assigned" in {
        a.action for a in rows(env.register, AuditEvent, AuditEvent.case_id == case_row(env, case).id)
    }


# ---------------------------------------------------------------- ends and outcome
# A partial recovery is not an end (§ 8): see test_law_paths.py.
@pytest.mark.parametrize("end_type", ["dismissal", "moved_municipality", "benefit_ended"])
async def test_every_end_cancels_what_is_pending_and_tells_those_who_need_to_know(env, end_type):
    case, handle, state = await booked(env)
    uid = state.meetings[0].uid
    await handle.execute_update(CaseWorkflow.report_end, CaseEnd(end_type, await server_today(env)))
    state = await wait_for(handle, lambda s: s.phase == "closed")
    for address in (case.employer.contact_email, case.employee.email, state.caseworker.email):
        cancels = [event_of(c) for c in calendars(env, address) if str(c["METHOD"]) == "CANCEL"]
        assert len(cancels) == 1 and str(cancels[0]["UID"]) == uid and int(cancels[0]["SEQUENCE"]) == 1
    for address in (case.employer.contact_email, case.employee.email):
        assert any("afsluttet" in s for s in subjects(env, address))
    assert state.open_tasks == []
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(CaseWorkflow.employer_answer, EmployerAnswer(True))
    await handle.execute_update(CaseWorkflow.record_outcome, OutcomeReport("work"))
    final = await finish(env, handle)
    assert (final.end_type, final.outcome) == (end_type, "work")
    row = case_row(env, case)
    assert (row.phase, row.end_type, row.outcome) == ("closed", end_type, "work")
    assert rows(env.register, MeetingRow, MeetingRow.uid == uid)[0].status == "cancelled"


async def test_after_a_death_nobody_writes_to_the_employee(env):
    case, handle, state = await booked(env)
    sent_to_employee = len(env.mail.to(case.employee.email))
    await handle.execute_update(CaseWorkflow.report_end, CaseEnd("death", await server_today(env)))
    final = await finish(env, handle)
    assert final.phase == "closed" and final.outcome is None
    employee_mails = env.mail.to(case.employee.email)[sent_to_employee:]
    assert (
        all(
            str(c["METHOD"]) == "CANCEL"
            for m in employee_mails
            for c in [icalendar.Calendar.from_ical(calendar_part(m).get_content())]
        )
        if employee_mails
        else True
    )
    assert not any("afsluttet" in str(m["Subject"]) for m in employee_mails)


async def test_the_outcome_is_asked_for_a_month_after_the_end(env):
    case, handle, state = await booked(env)
    with pytest.raises(WorkflowUpdateFailedError):  # not before the case has ended
        await handle.execute_update(CaseWorkflow.record_outcome, OutcomeReport("work"))
    end_day = await server_today(env)
    await handle.execute_update(CaseWorkflow.report_end, CaseEnd("full_recovery", end_day))
    await wait_for(handle, lambda s: s.timeline[-1].event == "case_closed")  # and the month's timer is set
    # A month later, moved forward past weekends and holidays (around Christmas that is several days).
    await skip_to(
        env, datetime.combine(end_day + timedelta(days=40), datetime.min.time(), tzinfo=state.meetings[0].start.tzinfo)
    )
    state = await wait_for(handle, lambda s: any(t.key == "outcome" for t in s.open_tasks))
    assert any("Registrér afgang" in s for s in subjects(env, state.caseworker.email))
    await handle.execute_update(CaseWorkflow.record_outcome, OutcomeReport("education"))
    final = await handle.result()
    assert final.outcome == "education" and final.open_tasks == []


async def test_refusals_name_the_problem(env):
    case, handle, state = await booked(env)
    cases = [
        (CaseWorkflow.record_meeting, MeetingOutcome(7, True, True, "workplace"), "intet møde nummer 7"),
        (CaseWorkflow.start_measure, MeasureStart("yoga", case.first_day), "ukendt indsats"),
        (CaseWorkflow.start_measure, MeasureStart("mentor", case.first_day - timedelta(days=1)), "før første"),
        (CaseWorkflow.new_expected_duration, ExpectedDuration(0), "1-52 uger"),
        (CaseWorkflow.report_end, CaseEnd("holiday", case.first_day), "ukendt afslutning"),
        (CaseWorkflow.report_end, CaseEnd("partial_recovery", case.first_day), "afslutter ikke sagen"),
        (CaseWorkflow.move_meeting_to, MeetingMove(1, state.meetings[0].start - timedelta(days=400)), "fortiden"),
    ]
    for update, argument, message in cases:
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(update, argument)
        assert message in str(refused.value.cause), message
    assert (await handle.query(CaseWorkflow.state_now)).meetings == state.meetings


# ---------------------------------------------------------------- concurrency
@pytest.mark.across_the_year  # reminders, deadlines and slots meet holidays and clock changes
async def test_concurrent_cases_never_double_book_one_caseworker(env, tmp_path):
    import asyncio

    import yaml

    roster = yaml.safe_load(open(env.settings.roster_path, encoding="utf-8"))
    roster["caseworkers"] = roster["caseworkers"][:1]  # one caseworker for every case
    path = tmp_path / "roster.yaml"
    path.write_text(yaml.safe_dump(roster), encoding="utf-8")
    from register.roster import load_roster, sync_roster

    with env.register.session() as session:
        sync_roster(session, load_roster(path))
    reports = []
    for n in range(8):
        report = sick_report()
        report["employee"]["email"] = f"medarbejder{n}@example.com"
        reports.append(report)
    started = await asyncio.gather(*(start(env, r) for r in reports))
    states = [await wait_for(h, lambda s: any(e.event == "meeting_booked" for e in s.timeline)) for _, h in started]
    assert {s.caseworker.id for s in states} == {"cw-anna"}
    starts = sorted(s.meetings[-1].start for s in states)
    assert all(later - earlier >= timedelta(hours=1) for earlier, later in zip(starts, starts[1:], strict=False))
    # Whatever lost a race picked another time; nobody got a second invitation for it.
    for (case, _), _state in zip(started, states, strict=False):
        assert len([c for c in calendars(env, case.employee.email)]) == 1
