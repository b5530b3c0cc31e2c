"""What the law adds to the agenda, as pure functions: the fast-track consent window, the employer's
estimate, the 2026 legal minimum, the information form and the reassessment key after a period without benefit.

Dates are hand-checked against the 2026 calendar. First day Monday 3 August 2026, rule set "2026
beskæftigelsesreform": week 8 ends Sunday 27 September (the model's target); the legal minimum of one
conversation in six months ends Tuesday 2 February 2027; day 185 is 3 February 2027, so § 24 gives 28 February.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from domain import agenda
from domain.agenda import Step
from domain.deadlines import MODEL_TARGET, STATUTORY, compute_deadlines, recompute_reassessment
from domain.fast_track import answer_consent, request_fast_track
from domain.localtime import LOCAL_TZ
from domain.model import (
    TRACK_PHASE,
    BenefitPause,
    CaseInput,
    CaseState,
    Caseworker,
    Employee,
    Employer,
    Location,
    Meeting,
    MeetingStatus,
    Phase,
)
from domain.rulesets import load_rulesets, ruleset_for
from domain.triage import Track

FIRST_DAY = date(2026, 8, 3)  # a Monday
RULES = ruleset_for(FIRST_DAY, load_rulesets())
OLD_RULES = ruleset_for(date(2025, 3, 3), load_rulesets())


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


def case() -> CaseInput:
    return CaseInput(
        reference="SAG-1",
        municipality="101",
        first_day=FIRST_DAY,
        expected_weeks=30,
        employee=Employee("M", "m@example.dk"),
        employer=Employer("Firma", "12345674", "Vej 1", "K", "k@firma.example.dk"),
    )


def state(track: Track | None = Track.WORKPLACE, rules=RULES, **changes) -> CaseState:
    s = CaseState(
        reference="SAG-1",
        municipality="101",
        track=track,
        expected_weeks=30,
        rules=rules,
        deadlines=compute_deadlines(FIRST_DAY, rules),
        phase=Phase.EMPLOYER_CONTACT,
        caseworker=Caseworker("cw", "C", "c@example.dk", "", "t", "T", "L", "l@example.dk"),
    )
    for key, value in changes.items():
        setattr(s, key, value)
    return s


def steps(s: CaseState, now: datetime | None = None) -> dict:
    return {d.key: d for d in agenda.agenda(s, case(), now or at(date(2026, 8, 4), 9))}


def test_the_rule_set_and_its_hand_checked_dates():
    assert RULES.name == "2026 beskæftigelsesreform"
    d = compute_deadlines(FIRST_DAY, RULES)
    assert (d.first_meeting_due, d.first_meeting_kind) == (date(2026, 9, 27), MODEL_TARGET)
    assert d.first_conversation_due == date(2027, 2, 2)
    assert d.reassessment_due == date(2027, 2, 28)


def test_a_missed_week_eight_is_a_missed_target_from_2026_and_a_breach_before():
    assert agenda.miss_kind(state(), "first_meeting") == MODEL_TARGET
    assert agenda.miss_kind(state(), "first_conversation") == STATUTORY
    assert agenda.miss_kind(state(), "fast_track") == STATUTORY
    old = state(rules=OLD_RULES, deadlines=compute_deadlines(date(2025, 3, 3), OLD_RULES))
    assert agenda.miss_kind(old, "first_meeting") == STATUTORY


def test_the_2026_legal_minimum_is_watched_on_a_meeting_track_until_a_meeting_is_held():
    found = steps(state())
    minimum = found["breach/first_conversation"]
    assert (minimum.step, minimum.deadline, minimum.due) == (Step.BREACH, "first_conversation", date(2027, 2, 2))
    assert minimum.when == at(date(2027, 2, 2), 23, 59) + timedelta(minutes=1)
    assert "breach/first_meeting" in found  # the week-8 target is still watched (and escalated when missed)
    held = Meeting(
        1,
        "u1",
        at(date(2026, 9, 1), 10),
        at(date(2026, 9, 1), 11),
        "Vej 1",
        Location.WORKPLACE,
        status=MeetingStatus.HELD,
    )
    assert "breach/first_conversation" not in steps(state(meetings=[held]))
    assert "breach/first_conversation" not in steps(state(track=Track.WATCH, phase=Phase.WATCH))
    # Rule sets before the reform have no such minimum.
    old = state(rules=OLD_RULES, deadlines=compute_deadlines(FIRST_DAY, OLD_RULES))
    assert "breach/first_conversation" not in steps(old)


def test_an_employers_request_waits_two_bank_days_for_consent_then_lapses():
    request = request_fast_track("employer", date(2026, 8, 7), FIRST_DAY, RULES)  # Friday
    s = state(fast_track_request=request)
    lapse = steps(s)["fast_track_consent/2026-08-07"]
    # Two bank days after Friday 7 August: Monday 10 and Tuesday 11; the window closes at the end of the 11th.
    assert lapse.step == Step.FAST_TRACK_CONSENT_LAPSE
    assert lapse.when == at(date(2026, 8, 11), 23, 59) + timedelta(minutes=1)
    # While consent is pending there is no fast-track deadline to breach.
    assert "breach/fast_track" not in steps(s) and agenda.next_deadline(s) == date(2026, 9, 27)
    refused = state(fast_track_request=answer_consent(request, False, date(2026, 8, 10), RULES))
    assert not any(k.startswith("fast_track_consent/") for k in steps(refused))
    employee = state(fast_track_request=request_fast_track("employee", date(2026, 8, 7), FIRST_DAY, RULES))
    assert not any(k.startswith("fast_track_consent/") for k in steps(employee))


def test_a_missing_employer_estimate_is_asked_for_then_reminded_and_escalated():
    """On the waiting track of cases opened on older code (their saved histories replay this)."""
    assert TRACK_PHASE[Track.EMPLOYER_ESTIMATE_NEEDED] == Phase.EMPLOYER_CONTACT
    waiting = state(track=Track.EMPLOYER_ESTIMATE_NEEDED, expected_weeks=10, triage_reason="employer_estimate_needed")
    assert agenda.needs_estimate_request(waiting)
    assert not agenda.needs_first_contact(waiting) and not agenda.needs_booking(waiting, FIRST_DAY)
    asked = replace(waiting, employer_estimate_requested_on=date(2026, 8, 4))  # Tuesday
    assert not agenda.needs_estimate_request(asked)
    found = steps(asked)
    assert found["estimate_reminder"].when == at(date(2026, 8, 7))  # three working days: Friday
    assert found["estimate_escalation"].when == at(date(2026, 8, 11))  # five working days: Tuesday
    assert "breach/first_meeting" not in found and "measure_task" not in found
    answered = replace(asked, employer_expected_weeks=12)
    assert "estimate_reminder" not in steps(answered)


def test_the_information_form_is_reminded_before_the_answer_is_due_then_becomes_a_task():
    sent = state(info_form_sent_on=date(2026, 8, 4))  # Tuesday: answer due Wednesday 12 August
    found = steps(sent)
    assert found["info_form_reminder"].when == at(date(2026, 8, 10))  # two working days before
    assert found["info_form_task"].when == at(date(2026, 8, 13))  # the working day after
    answered = replace(sent, info_form_answered_on=date(2026, 8, 9))
    assert not {"info_form_reminder", "info_form_task"} & set(steps(answered))
    assert not {"info_form_reminder", "info_form_task"} & set(steps(state()))  # an older case never sent it


def test_the_information_form_on_its_recorded_dates():
    """Sent Friday 31 July 2026 with the employer's report (before the case reached the caseworker): due
    Saturday 8 August (sent + 8 days, the literal date); reminder two working days before: Thursday 6 August; the
    task the working day after: Monday 10 August. Agreed later: Friday 21 August -> reminder Wednesday 19 August,
    task Monday 24 August. The keys name the dates, so a moved date gives new steps."""
    recorded = state(info_form_sent_on=date(2026, 7, 31), info_form_sent_recorded=True, info_form_via="employer_report")
    now = at(date(2026, 8, 4), 9)
    found = {s.key: s for s in agenda.agenda(recorded, case(), now)}
    assert found["info_form_reminder/2026-07-31/2026-08-08"].when == at(date(2026, 8, 6))
    assert found["info_form_task/2026-07-31/2026-08-08"].when == at(date(2026, 8, 10))
    agreed = replace(recorded, info_form_answer_due=date(2026, 8, 21))
    found = {s.key: s for s in agenda.agenda(agreed, case(), now)}
    assert found["info_form_reminder/2026-07-31/2026-08-21"].when == at(date(2026, 8, 19))
    assert found["info_form_task/2026-07-31/2026-08-21"].when == at(date(2026, 8, 24))
    # Recorded only after the answer was due: no reminder any more, the task at once.
    late = {s.key for s in agenda.agenda(recorded, case(), at(date(2026, 8, 9), 9))}
    assert "info_form_task/2026-07-31/2026-08-08" in late and not any(k.startswith("info_form_reminder") for k in late)


def test_a_period_without_benefit_moves_the_reassessment_and_renames_its_task():
    s = state()
    assert agenda.reassessment_key(s) == "reassessment_task"  # unchanged for every case without pauses
    pause = BenefitPause(date(2026, 9, 1), date(2026, 9, 30))
    s.benefit_pauses.append(pause)
    s.deadlines = recompute_reassessment(s.deadlines, RULES, no_benefit=s.benefit_pauses)
    # 30 days without benefit push day 185 into March: the reassessment is due at the end of March.
    assert s.deadlines.reassessment_due == date(2027, 3, 31)
    assert agenda.reassessment_key(s) == "reassessment_task/2027-03-31"
    task = steps(s)["reassessment_task/2027-03-31"]
    assert task.when == at(s.deadlines.reassessment_task_day)


def test_after_a_missed_week_eight_target_operations_see_the_laws_six_month_minimum():
    s = state()
    assert agenda.next_deadline(s) == date(2026, 9, 27)
    s.missed_targets.append("first_meeting")
    assert agenda.next_deadline(s) == date(2027, 2, 2)
