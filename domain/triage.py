"""Triage (visitation): which track a new case gets.

The engine only proposes a track from the facts it is given; the caseworker decides.
Category 3 (before 2025) needs a caseworker's judgement of a complex case and is never
inferred here: the engine returns 1 or 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.rulesets import RuleSet


class Track(StrEnum):
    WORKPLACE = "workplace"  # the model: first meeting at the workplace before end of week 8
    EXEMPT = "exempt"  # target group, but exempted (seed 002); ordinary follow-up applies
    WATCH = "watch"  # 2026 reform: no follow-up by default, re-triage if the estimate grows
    OUTSIDE = "outside"  # not target group: expected back within 8 weeks


@dataclass(frozen=True)
class TriageDecision:
    track: Track
    reason: str  # short stable code for logs, reports and templates
    category: int  # 1 = expected back within the target threshold (8 weeks), 2 = later


def triage(
    *,
    expected_weeks: int,
    employer_expected_weeks: int | None,
    seriously_ill: bool,
    workplace_is_cause: bool,
    rules: RuleSet,
) -> TriageDecision:
    """Propose a track for a case.

    `expected_weeks` is the employee's expected absence in weeks from the first day.
    `employer_expected_weeks` is the employer's estimate; None means the employer has not
    given one, and then only the employee's estimate decides the watch-only rule. The
    case is re-triaged when the employer answers or an estimate changes.

    Order: seriously ill -> EXEMPT; workplace is the cause -> EXEMPT (the meeting belongs
    at the job centre, not the workplace); both expect less than the reform threshold ->
    WATCH; expected at most 8 weeks -> OUTSIDE; otherwise WORKPLACE.
    """
    _check_weeks("expected_weeks", expected_weeks)
    if employer_expected_weeks is not None:
        _check_weeks("employer_expected_weeks", employer_expected_weeks)

    category = 1 if expected_weeks <= rules.target_min_expected_weeks else 2

    if seriously_ill:
        return TriageDecision(Track.EXEMPT, "seriously_ill", category)
    if workplace_is_cause:
        return TriageDecision(Track.EXEMPT, "workplace_is_cause", category)

    threshold = rules.watch_only_below_weeks
    if threshold is not None and expected_weeks < threshold:
        if employer_expected_weeks is None:
            return TriageDecision(Track.WATCH, f"employee_expects_under_{threshold}_weeks", category)
        if employer_expected_weeks < threshold:
            return TriageDecision(Track.WATCH, f"both_expect_under_{threshold}_weeks", category)

    if category == 1:
        return TriageDecision(
            Track.OUTSIDE, f"expected_{rules.target_min_expected_weeks}_weeks_or_less", category
        )
    return TriageDecision(Track.WORKPLACE, "in_target_group", category)


def _check_weeks(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer number of weeks, got {value!r}")
