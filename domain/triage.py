"""Triage (visitation): which track a new case gets.

The engine only proposes a track from the facts it is given; the caseworker decides.
Category 3 (before 2025) needs a caseworker's judgement of a complex case and is never
inferred here: the engine returns 1 or 2, or None under a rule set without categories (the
2026 reform phased visitation out).

2026 reform (lov nr. 1750 af 29. december 2025): a case is only watched when BOTH the employee
AND the employer expect the absence to last under 26 weeks. A missing employer estimate is not
"both": with `rules.employer_estimate_required` the engine returns EMPLOYER_ESTIMATE_NEEDED,
and the workflow asks the employer for the estimate and triages again when it comes. Rule sets
saved before that field existed keep the old reading (the employee's estimate alone decides).

How municipalities live the reform (L 66), for cases opened since that change (the workflow passes the two
flags under a patch, so older cases decide as they did):
- `missing_estimate_followed`: while the employer's estimate is missing, the case is followed AS IF LONG (the
  track a long case gets, with its statutory minimum), never left on a waiting track without a legal deadline.
  The reason ESTIMATE_NEEDED_REASON says the estimate is still asked for; both short later -> watch.
- `exemption_watched`: an exempt case (seriously ill, the workplace the cause) where BOTH expect under 26 weeks
  is not called in either: the law's starting point (L 66) comes before the model's exemption, which only says
  where a meeting is held. The reason records both the exemption and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.deadlines import CaseDeadlines, Deadline
from domain.rulesets import RuleSet


class Track(StrEnum):
    WORKPLACE = "workplace"  # the model: first meeting at the workplace before end of week 8
    EXEMPT = "exempt"  # target group, but exempted (STAR 2017); ordinary follow-up applies
    WATCH = "watch"  # 2026 reform: no follow-up by default, re-triage if the estimate grows
    OUTSIDE = "outside"  # not target group: expected back within 8 weeks
    EMPLOYER_ESTIMATE_NEEDED = "employer_estimate_needed"  # 2026 reform: ask the employer, then triage again


@dataclass(frozen=True)
class TriageDecision:
    track: Track
    reason: str  # short stable code for logs, reports and templates
    category: int | None  # 1 = expected back within the target threshold (8 weeks), 2 = later; None: no categories


ESTIMATE_NEEDED_REASON = "employer_estimate_needed"
"""The reason of a case whose employer estimate is still asked for (on the legacy waiting track, or, since issue
21, followed as if long while it waits)."""


def triage(
    *,
    expected_weeks: int,
    employer_expected_weeks: int | None,
    seriously_ill: bool,
    workplace_is_cause: bool,
    rules: RuleSet,
    missing_estimate_followed: bool = False,
    exemption_watched: bool = False,
) -> TriageDecision:
    """Propose a track for a case.

    `expected_weeks` is the employee's expected absence in weeks from the first day.
    `employer_expected_weeks` is the employer's estimate; None means the employer has not
    given one, and then only the employee's estimate decides the watch-only rule. The
    case is re-triaged when the employer answers or an estimate changes.

    Order: seriously ill -> EXEMPT; workplace is the cause -> EXEMPT (the meeting belongs
    at the job centre, not the workplace), unless `exemption_watched` and both expect less than
    the reform threshold -> WATCH; both expect less than the reform threshold -> WATCH; the
    employee does but the employer has not said (and the rule set requires it) ->
    EMPLOYER_ESTIMATE_NEEDED, or with `missing_estimate_followed` the track of a long case;
    expected at most 8 weeks -> OUTSIDE; otherwise WORKPLACE.
    """
    _check_weeks("expected_weeks", expected_weeks)
    if employer_expected_weeks is not None:
        _check_weeks("employer_expected_weeks", employer_expected_weeks)

    short = expected_weeks <= rules.target_min_expected_weeks
    category = (1 if short else 2) if rules.triage_categories else None
    threshold = rules.watch_only_below_weeks
    both_short = (
        threshold is not None
        and expected_weeks < threshold
        and employer_expected_weeks is not None
        and employer_expected_weeks < threshold
    )

    exemption = "seriously_ill" if seriously_ill else "workplace_is_cause" if workplace_is_cause else None
    if exemption:
        if exemption_watched and both_short:
            return TriageDecision(Track.WATCH, f"{exemption}_both_expect_under_{threshold}_weeks", category)
        return TriageDecision(Track.EXEMPT, exemption, category)

    long_track = (
        TriageDecision(Track.OUTSIDE, f"expected_{rules.target_min_expected_weeks}_weeks_or_less", category)
        if short
        else TriageDecision(Track.WORKPLACE, "in_target_group", category)
    )
    if threshold is not None and expected_weeks < threshold:
        if employer_expected_weeks is None:
            if rules.employer_estimate_required:
                if missing_estimate_followed:
                    return TriageDecision(long_track.track, ESTIMATE_NEEDED_REASON, category)
                return TriageDecision(Track.EMPLOYER_ESTIMATE_NEEDED, ESTIMATE_NEEDED_REASON, category)
            return TriageDecision(Track.WATCH, f"employee_expects_under_{threshold}_weeks", category)
        if both_short:
            return TriageDecision(Track.WATCH, f"both_expect_under_{threshold}_weeks", category)
    return long_track


def _check_weeks(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer number of weeks, got {value!r}")


# Deadlines that only concern a case in follow-up. A watched case (2026 reform: both expect under
# 26 weeks) is not called in, so neither the conversation minimum nor the model's meeting and
# measure apply to it; the employer's duties and the § 24 reassessment still do.
_FOLLOW_UP_ONLY = ("first_meeting", "first_conversation", "measure")


def deadlines_for_track(deadlines: CaseDeadlines, track: str) -> tuple[Deadline, ...]:
    """The deadlines a case on this track is held to (and escalated and reported on)."""
    if Track(track) is Track.WATCH:
        return tuple(d for d in deadlines.all() if d.name not in _FOLLOW_UP_ONLY)
    return deadlines.all()


# Tracks on which the law itself says the person is not called in, with the source. Every other track carries a
# statutory follow-up deadline (see statutory_follow_up), which the agenda breaches when it passes.
NOT_CALLED_IN_BY_LAW = {
    Track.WATCH: "lov nr. 1750 af 29. december 2025 (L 66): som udgangspunkt ingen opfølgning, når både den "
    "sygemeldte og arbejdsgiveren forventer under 26 ugers fravær"
}


def statutory_follow_up(deadlines: CaseDeadlines, track: str) -> Deadline | None:
    """The statutory deadline for the case's first follow-up conversation on this track: the week-8 meeting while
    § 13 b requires it, the 2026 minimum (one conversation within six months) after; None on a track the law does
    not follow up (NOT_CALLED_IN_BY_LAW)."""
    owed = [
        d
        for d in deadlines_for_track(deadlines, track)
        if d.statutory and d.name in ("first_meeting", "first_conversation")
    ]
    return min(owed, key=lambda d: d.due, default=None)
