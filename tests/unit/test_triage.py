from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from domain.rulesets import load_rulesets, ruleset_for
from domain.triage import Track, TriageDecision, triage

RULESETS = load_rulesets()
RULES_2025 = ruleset_for(date(2025, 6, 1), RULESETS)  # no watch-only track
RULES_2026 = ruleset_for(date(2026, 7, 1), RULESETS)  # watch only below 26 weeks, both estimates, no categories
# The 2026 set as cases saved on older code carry it: categories 1 and 2, a missing employer
# estimate read as "only the employee's counts". Replay must keep deciding as it did then.
SAVED_2026 = dataclasses.replace(RULES_2026, employer_estimate_required=False, triage_categories=(1, 2))


def run(rules, expected=12, employer=None, ill=False, cause=False) -> TriageDecision:
    return triage(
        expected_weeks=expected,
        employer_expected_weeks=employer,
        seriously_ill=ill,
        workplace_is_cause=cause,
        rules=rules,
    )


@pytest.mark.parametrize(
    "rules, kwargs, track, reason, category",
    [
        # 2025 rules: the model's own target group.
        (RULES_2025, dict(expected=12), Track.WORKPLACE, "in_target_group", 2),
        (RULES_2025, dict(expected=9), Track.WORKPLACE, "in_target_group", 2),
        (RULES_2025, dict(expected=8), Track.OUTSIDE, "expected_8_weeks_or_less", 1),
        (RULES_2025, dict(expected=0), Track.OUTSIDE, "expected_8_weeks_or_less", 1),
        (RULES_2025, dict(expected=12, ill=True), Track.EXEMPT, "seriously_ill", 2),
        (RULES_2025, dict(expected=12, cause=True), Track.EXEMPT, "workplace_is_cause", 2),
        (RULES_2025, dict(expected=12, ill=True, cause=True), Track.EXEMPT, "seriously_ill", 2),
        (RULES_2025, dict(expected=4, ill=True), Track.EXEMPT, "seriously_ill", 1),
        # Before the reform even a short case with both estimates short is not "watch".
        (RULES_2025, dict(expected=12, employer=10), Track.WORKPLACE, "in_target_group", 2),
        # 2026 reform (lov 1750/2025): both expect under 26 weeks -> watch only; no category any more.
        (RULES_2026, dict(expected=12, employer=10), Track.WATCH, "both_expect_under_26_weeks", None),
        (RULES_2026, dict(expected=25, employer=25), Track.WATCH, "both_expect_under_26_weeks", None),
        (RULES_2026, dict(expected=4, employer=4), Track.WATCH, "both_expect_under_26_weeks", None),
        # Employer has not answered: "both" is not known, so the estimate is asked for, never assumed.
        (
            RULES_2026,
            dict(expected=12, employer=None),
            Track.EMPLOYER_ESTIMATE_NEEDED,
            "employer_estimate_needed",
            None,
        ),
        (RULES_2026, dict(expected=2, employer=None), Track.EMPLOYER_ESTIMATE_NEEDED, "employer_estimate_needed", None),
        (
            RULES_2026,
            dict(expected=25, employer=None),
            Track.EMPLOYER_ESTIMATE_NEEDED,
            "employer_estimate_needed",
            None,
        ),
        # One side expects 26 weeks or more: not watch-only, and no estimate is needed to know it.
        (RULES_2026, dict(expected=12, employer=26), Track.WORKPLACE, "in_target_group", None),
        (RULES_2026, dict(expected=26, employer=10), Track.WORKPLACE, "in_target_group", None),
        (RULES_2026, dict(expected=26, employer=None), Track.WORKPLACE, "in_target_group", None),
        (RULES_2026, dict(expected=30, employer=None), Track.WORKPLACE, "in_target_group", None),
        (RULES_2026, dict(expected=6, employer=30), Track.OUTSIDE, "expected_8_weeks_or_less", None),
        # Exemptions come before the watch rule and before asking the employer.
        (RULES_2026, dict(expected=12, employer=10, ill=True), Track.EXEMPT, "seriously_ill", None),
        (RULES_2026, dict(expected=12, employer=10, cause=True), Track.EXEMPT, "workplace_is_cause", None),
        (RULES_2026, dict(expected=12, employer=None, ill=True), Track.EXEMPT, "seriously_ill", None),
        # A saved (pre-issue-10) 2026 rule set decides as it did: employee alone, categories 1/2.
        (SAVED_2026, dict(expected=12, employer=None), Track.WATCH, "employee_expects_under_26_weeks", 2),
        (SAVED_2026, dict(expected=12, employer=10), Track.WATCH, "both_expect_under_26_weeks", 2),
        (SAVED_2026, dict(expected=6, employer=30), Track.OUTSIDE, "expected_8_weeks_or_less", 1),
    ],
)
def test_triage_paths(rules, kwargs, track, reason, category):
    decision = run(rules, **kwargs)
    assert decision == TriageDecision(track=track, reason=reason, category=category)


def test_thresholds_come_from_the_rule_set():
    custom = RULES_2026.__class__(
        name="custom", valid_from=date(2030, 1, 1), target_min_expected_weeks=10, watch_only_below_weeks=None
    )
    assert run(custom, expected=10) == TriageDecision(Track.OUTSIDE, "expected_10_weeks_or_less", 1)
    assert run(custom, expected=11).track is Track.WORKPLACE


def test_track_values_are_stable_strings():
    assert [t.value for t in Track] == ["workplace", "exempt", "watch", "outside", "employer_estimate_needed"]
    assert Track("watch") is Track.WATCH
    assert Track.WATCH == "watch"


@pytest.mark.parametrize("kwargs", [dict(expected=-1), dict(expected=12, employer=-3), dict(expected=True)])
def test_invalid_estimates_are_refused(kwargs):
    with pytest.raises(ValueError):
        run(RULES_2026, **kwargs)


def test_decision_round_trips_through_temporal_pydantic_converter():
    from temporalio.contrib.pydantic import pydantic_data_converter

    decision = run(RULES_2026, expected=12, employer=10)
    converter = pydantic_data_converter.payload_converter
    (back,) = converter.from_payloads(converter.to_payloads([decision]), [TriageDecision])
    assert back == decision and back.track is Track.WATCH


def test_a_watched_case_is_held_only_to_the_deadlines_that_do_not_need_follow_up():
    from domain.deadlines import compute_deadlines
    from domain.triage import deadlines_for_track

    deadlines = compute_deadlines(date(2026, 7, 1), RULES_2026)
    assert [d.name for d in deadlines_for_track(deadlines, "watch")] == [
        "employer_conversation",
        "employer_report",
        "reassessment",
    ]
    assert [d.name for d in deadlines_for_track(deadlines, Track.EMPLOYER_ESTIMATE_NEEDED)] == [
        "employer_conversation",
        "employer_report",
        "first_meeting",
        "measure",
        "first_conversation",
        "reassessment",
    ]
    assert deadlines_for_track(deadlines, "workplace") == deadlines.all()
    first_meeting = [d for d in deadlines.all() if d.name == "first_meeting"][0]
    assert first_meeting.miss_danish == "modellens mål ikke nået"
    assert [d for d in deadlines.all() if d.name == "reassessment"][0].miss_danish == "lovfrist overskredet"


@pytest.mark.parametrize(
    "kwargs, track, reason",
    [
        # L 66: a missing employer estimate is followed as if long (the track a long case gets) ...
        (dict(expected=12, employer=None), Track.WORKPLACE, "employer_estimate_needed"),
        (dict(expected=25, employer=None), Track.WORKPLACE, "employer_estimate_needed"),
        (dict(expected=6, employer=None), Track.OUTSIDE, "employer_estimate_needed"),
        # ... and both under 26 weeks is not called in, also when exempt; the reason keeps the exemption.
        (dict(expected=12, employer=10, ill=True), Track.WATCH, "seriously_ill_both_expect_under_26_weeks"),
        (dict(expected=25, employer=25, cause=True), Track.WATCH, "workplace_is_cause_both_expect_under_26_weeks"),
        (dict(expected=12, employer=26, ill=True), Track.EXEMPT, "seriously_ill"),
        (dict(expected=12, employer=None, ill=True), Track.EXEMPT, "seriously_ill"),
        (dict(expected=12, employer=10), Track.WATCH, "both_expect_under_26_weeks"),
    ],
)
def test_triage_as_municipalities_live_the_reform(kwargs, track, reason):
    employer = kwargs.pop("employer")
    decision = triage(
        expected_weeks=kwargs.pop("expected"),
        employer_expected_weeks=employer,
        seriously_ill=kwargs.pop("ill", False),
        workplace_is_cause=kwargs.pop("cause", False),
        rules=RULES_2026,
        missing_estimate_followed=True,
        exemption_watched=True,
    )
    assert (decision.track, decision.reason, decision.category) == (track, reason, None)


def test_the_reform_paths_change_nothing_before_2026():
    for ill in (False, True):
        plain = run(RULES_2025, expected=12, employer=None, ill=ill)
        lived = triage(
            expected_weeks=12,
            employer_expected_weeks=None,
            seriously_ill=ill,
            workplace_is_cause=False,
            rules=RULES_2025,
            missing_estimate_followed=True,
            exemption_watched=True,
        )
        assert plain == lived
