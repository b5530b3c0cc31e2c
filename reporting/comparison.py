"""Baseline period against pilot period: each success criterion in both, the change in percentage points with
a 95 % confidence interval, and whether the model's goals are met (STAR 2017, docs/domain.md).

Goals (STAR 2017 "Sammen om fastholdelse", the criteria of success):
- "70 pct. af sygedagpengemodtagere ... i visitationskategori 2 og 3 har deres første opfølgningssamtale på
  deres arbejdsplads": met when the PILOT period's share is at least 70 %.
- "Andelen ..., der får en virksomhedsrettet indsats inden 13. sygefraværsuge, øges med 10 procentpoint": met
  when the pilot's share is at least 10 percentage points above the baseline's (the point estimate; the
  interval says how sure that is, and the page says so too).
- "afgang til job og uddannelse en måned efter afsluttet forløb" is measured, without a goal.

The interval for a difference of two independent shares is Newcombe's hybrid score interval (method 10 of
Newcombe 1998, built from two Wilson intervals), from statsmodels: it stays inside [-1, 1] and behaves at
shares of 0 % and 100 % and at the small numbers of one municipality, where the textbook Wald interval does
not. A share with denominator 0 has no value, no difference and no interval.
"""

from __future__ import annotations

from dataclasses import dataclass

from statsmodels.stats.proportion import confint_proportions_2indep

from reporting.report import Figures, Report, Share

GOAL_LEVEL = "level"  # the pilot's share must reach a level
GOAL_INCREASE = "increase"  # the pilot's share must rise by a number of percentage points
MET, NOT_MET, NOT_KNOWN, NO_GOAL = "met", "not_met", "not_known", "no_goal"


@dataclass(frozen=True)
class Criterion:
    key: str
    goal_kind: str | None = None
    goal: float | None = None  # a share for GOAL_LEVEL, percentage points for GOAL_INCREASE


CRITERIA = (
    Criterion("workplace_first_meeting", GOAL_LEVEL, 0.70),
    Criterion("measure_before_week_13", GOAL_INCREASE, 10.0),
    Criterion("work_or_education_after_a_month"),
    Criterion("exits_to_work"),
    Criterion("first_meeting_by_week_8"),
    Criterion("employer_took_part"),
)


@dataclass(frozen=True)
class ComparedCriterion:
    key: str
    baseline: Share
    pilot: Share
    difference_pp: float | None  # pilot - baseline, in percentage points
    ci_pp: tuple[float, float] | None  # 95 % interval of the difference, percentage points
    goal_kind: str | None
    goal: float | None
    status: str  # met | not_met | not_known | no_goal


@dataclass(frozen=True)
class Comparison:
    baseline: Report
    pilot: Report
    rows: tuple[ComparedCriterion, ...]


def work_or_education(f: Figures) -> Share:
    """The STAR 2017's "afgang til job og uddannelse en måned efter": of the closed target cases whose month has
    passed (not those whose outcome is not yet due)."""
    due = f.outcomes["work"].denominator - f.outcomes["not_yet_due"].numerator
    return Share(f.outcomes["work"].numerator + f.outcomes["education"].numerator, due)


def share_of(f: Figures, key: str) -> Share:
    return work_or_education(f) if key == "work_or_education_after_a_month" else getattr(f, key)


def difference(pilot: Share, baseline: Share) -> tuple[float | None, tuple[float, float] | None]:
    if pilot.value is None or baseline.value is None:
        return None, None
    low, high = confint_proportions_2indep(
        pilot.numerator,
        pilot.denominator,
        baseline.numerator,
        baseline.denominator,
        method="newcomb",
        compare="diff",
        alpha=0.05,
    )
    return (pilot.value - baseline.value) * 100, (float(low) * 100, float(high) * 100)


def _status(c: Criterion, pilot: Share, diff_pp: float | None) -> str:
    if c.goal_kind is None:
        return NO_GOAL
    if c.goal_kind == GOAL_LEVEL:
        return NOT_KNOWN if pilot.value is None else (MET if pilot.value >= c.goal else NOT_MET)
    # Rounding noise must not turn exactly +10 pp into "not met".
    return NOT_KNOWN if diff_pp is None else (MET if round(diff_pp, 9) >= c.goal else NOT_MET)


def compare(baseline: Report, pilot: Report) -> Comparison:
    rows = []
    for c in CRITERIA:
        b, p = share_of(baseline.overall, c.key), share_of(pilot.overall, c.key)
        diff, ci = difference(p, b)
        rows.append(ComparedCriterion(c.key, b, p, diff, ci, c.goal_kind, c.goal, _status(c, p, diff)))
    return Comparison(baseline, pilot, tuple(rows))
