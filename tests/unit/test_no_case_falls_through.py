"""No case without a legal deadline: every track a new case can get, under every shipped rule set,
either carries a statutory follow-up deadline that the agenda breaches when it passes and a meeting the process
books, or is a track the law itself does not follow up, with its source.

The walk goes over every combination of the triage inputs that decide a track (both estimates around the 8- and
26-week thresholds, missing or not, and both exemptions), as the workflow triages new cases (with the reform's
paths, `triage_as_lived`).
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time

import pytest

from domain import agenda
from domain.agenda import Step
from domain.deadlines import STATUTORY, compute_deadlines
from domain.localtime import LOCAL_TZ
from domain.model import TRACK_PHASE, CaseInput, CaseState, Employee, Employer
from domain.rulesets import load_rulesets
from domain.triage import NOT_CALLED_IN_BY_LAW, Track, statutory_follow_up, triage

RULESETS = load_rulesets()
EMPLOYEE_WEEKS = (0, 2, 8, 9, 12, 25, 26, 40)
EMPLOYER_WEEKS = (None, 2, 8, 12, 25, 26, 40)


def walk(rules, lived=True):
    for expected, employer, ill, cause in itertools.product(
        EMPLOYEE_WEEKS, EMPLOYER_WEEKS, (False, True), (False, True)
    ):
        decision = triage(
            expected_weeks=expected,
            employer_expected_weeks=employer,
            seriously_ill=ill,
            workplace_is_cause=cause,
            rules=rules,
            missing_estimate_followed=lived,
            exemption_watched=lived,
        )
        yield (expected, employer, ill, cause), decision


def opened(rules, decision, expected, employer) -> tuple[CaseState, CaseInput]:
    first_day = rules.valid_from
    case = CaseInput(
        reference="SAG-1",
        municipality="101",
        first_day=first_day,
        expected_weeks=expected,
        employee=Employee("M", "m@example.dk"),
        employer_expected_weeks=employer,
        employer=Employer("Firma", "12345674", "Vej 1", "K", "k@firma.example.dk"),
    )
    state = CaseState(
        reference="SAG-1",
        municipality="101",
        track=decision.track,
        triage_reason=decision.reason,
        category=decision.category,
        rules=rules,
        deadlines=compute_deadlines(first_day, rules),
        phase=TRACK_PHASE[decision.track],
        expected_weeks=expected,
        employer_expected_weeks=employer,
        triage_as_lived=True,
    )
    return state, case


@pytest.mark.parametrize("rules", RULESETS, ids=[r.name for r in RULESETS])
def test_every_track_has_its_statutory_deadline_or_a_sourced_reason_not_to(rules):
    seen = set()
    for (expected, employer, ill, cause), decision in walk(rules):
        seen.add(decision.track)
        state, case = opened(rules, decision, expected, employer)
        where = f"{rules.name}: {expected}/{employer} weeks, ill={ill}, cause={cause} -> {decision}"
        owed = statutory_follow_up(state.deadlines, decision.track)
        if decision.track in NOT_CALLED_IN_BY_LAW:
            assert owed is None, where
            assert "L 66" in NOT_CALLED_IN_BY_LAW[decision.track] and rules.watch_only_below_weeks, where
            assert f"under_{rules.watch_only_below_weeks}_weeks" in decision.reason, where
            continue
        assert owed is not None and owed.kind == STATUTORY, where
        # The process calls the person in: it contacts the employer or books at once ...
        assert agenda.needs_first_contact(state) or agenda.needs_booking(state, case.first_day), where
        # ... and the agenda breaches the statutory deadline the first minute after it.
        now = datetime.combine(case.first_day, time(9), tzinfo=LOCAL_TZ)
        breaches = {s.deadline: s for s in agenda.agenda(state, case, now) if s.step == Step.BREACH}
        assert owed.name in breaches and breaches[owed.name].due == owed.due, where
        assert agenda.miss_kind(state, owed.name) == STATUTORY, where
    # New cases never wait on a track without a deadline.
    assert Track.EMPLOYER_ESTIMATE_NEEDED not in seen
    assert seen >= {Track.WORKPLACE, Track.EXEMPT, Track.OUTSIDE}
    assert (Track.WATCH in seen) == (rules.watch_only_below_weeks is not None)


def test_the_legacy_waiting_track_had_no_deadline_in_its_agenda():
    """Why the walk exists: the track cases waited on in older code held the six-month minimum on paper only.
    Such cases are moved onto the followed track by `fasthold regelsaet` (CaseWorkflow.refresh_rule_sets)."""
    rules = RULESETS[-1]
    decision = triage(
        expected_weeks=10, employer_expected_weeks=None, seriously_ill=False, workplace_is_cause=False, rules=rules
    )
    assert decision.track is Track.EMPLOYER_ESTIMATE_NEEDED
    state, case = opened(rules, decision, 10, None)
    now = datetime.combine(case.first_day, time(9), tzinfo=LOCAL_TZ)
    assert not [s for s in agenda.agenda(state, case, now) if s.step == Step.BREACH]
    assert not agenda.needs_booking(state, case.first_day)


def test_the_issues_example_dates_by_hand():
    """First day Friday 20 November 2026: week 8 ends Thursday 14 January 2027 (day 56, the model's target); the
    minimum of one conversation within six months ends Wednesday 19 May 2027."""
    rules = RULESETS[-1]
    deadlines = compute_deadlines(date(2026, 11, 20), rules)
    assert deadlines.first_meeting_due == date(2027, 1, 14)
    assert deadlines.first_conversation_due == date(2027, 5, 19)
    assert statutory_follow_up(deadlines, Track.WORKPLACE).due == date(2027, 5, 19)
