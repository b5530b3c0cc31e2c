"""The features the risk model may read: facts the register legitimately holds about a case at triage. No health
data and no free text; gender is never a feature (it is only used to check the model's errors per group).

The list a municipality uses is the setting `decision_support_features` (config/defaults.yaml); each name must be
one of FEATURES. Each feature has its Danish label, shown as a factor on the case page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

FEATURES = {
    "employee_weeks": "medarbejderens forventede varighed",
    "employer_weeks": "arbejdsgiverens forventede varighed",
    "estimate_gap": "forskellen mellem de to skøn",
    "employer_estimate_missing": "arbejdsgiverens skøn mangler",
    "earlier_benefit_weeks": "tidligere sygedagpenge inden for 9 måneder",
    "partial": "delvis sygemeldt",
    "age_50_plus": "alder 50 år eller derover",
}
DEFAULT_FEATURES = (
    "employee_weeks",
    "employer_weeks",
    "estimate_gap",
    "employer_estimate_missing",
    "earlier_benefit_weeks",
    "partial",
)


@dataclass(frozen=True)
class CaseFeatures:
    """What is known about a case at triage (the estimates in weeks; None: the employer has not said)."""

    employee_weeks: int
    employer_weeks: int | None
    earlier_benefit_days: int = 0
    partial: bool = False
    age_band: str | None = None  # "<30" | "30-49" | "50+"; None: unknown


def describe(name: str, case: CaseFeatures) -> str:
    """The factor as the caseworker reads it, with this case's value ("ikke delvis sygemeldt", "... : 25 uger")."""
    if name == "employee_weeks":
        return f"{FEATURES[name]}: {case.employee_weeks} uger"
    if name == "employer_weeks":
        return (
            f"{FEATURES[name]}: {case.employer_weeks} uger"
            if case.employer_weeks is not None
            else f"{FEATURES[name]}: mangler (medarbejderens skøn bruges)"
        )
    if name == "estimate_gap":
        gap = (case.employer_weeks if case.employer_weeks is not None else case.employee_weeks) - case.employee_weeks
        return f"{FEATURES[name]}: {gap:+d} uger"
    if name == "employer_estimate_missing":
        return FEATURES[name] if case.employer_weeks is None else "arbejdsgiverens skøn foreligger"
    if name == "earlier_benefit_weeks":
        return f"{FEATURES[name]}: {case.earlier_benefit_days // 7} uger"
    if name == "partial":
        return FEATURES[name] if case.partial else "ikke delvis sygemeldt"
    if name == "age_50_plus":
        return FEATURES[name] if case.age_band == "50+" else "under 50 år"
    return FEATURES[name]


def check_features(names: Sequence[str]) -> tuple[str, ...]:
    unknown = [n for n in names if n not in FEATURES]
    if unknown or not names:
        raise ValueError(
            f"decision_support_features must name some of {', '.join(FEATURES)}; unknown: "
            f"{', '.join(unknown) or '(none given)'}"
        )
    return tuple(names)


def vector(case: CaseFeatures, names: Sequence[str]) -> list[float]:
    """The case as numbers, in the order of `names`. Weeks enter on a log scale: 4 against 8 weeks says as much as
    13 against 26."""
    employer = case.employer_weeks if case.employer_weeks is not None else case.employee_weeks
    values = {
        "employee_weeks": math.log1p(case.employee_weeks),
        "employer_weeks": math.log1p(employer),
        "estimate_gap": math.log1p(employer) - math.log1p(case.employee_weeks),
        "employer_estimate_missing": float(case.employer_weeks is None),
        "earlier_benefit_weeks": case.earlier_benefit_days / 7,
        "partial": float(case.partial),
        "age_50_plus": float(case.age_band == "50+"),
    }
    return [values[n] for n in names]
