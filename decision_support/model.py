"""Train, validate and explain the risk model: a logistic regression (scikit-learn), whose per-case contributions
are exact, so the case page can show which factors weigh most and they add up to the estimate.

Validation is time-ordered: the model learns from the older closed cases and is judged on the newer ones, as it
will be used. It is compared with the simple rule "the employer expects N weeks or more" (the employee's estimate
when the employer's is missing). A model that does not beat the rule on BOTH the AUC and the Brier score, or that
learned from fewer than the configured number of cases, is kept with its figures but marked not to be shown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from decision_support.cases import THRESHOLD_WEEKS, ClosedCase
from decision_support.features import CaseFeatures, check_features, describe, vector

TEST_SHARE = 0.3  # the newest 30 % of the closed cases judge the model
CALIBRATION_BINS = 10
# Upper bounds of the estimate per band. About one case in ten passes 26 weeks, and a watched case (both expect
# under 26) starts lower still: one in five is already a high risk worth a caseworker's look.
BANDS = ((0.1, "lav"), (0.2, "middel"), (1.01, "høj"))
HIGH_FROM = BANDS[1][0]  # an estimate this high gives the caseworker a task: errors are judged at it


@dataclass(frozen=True)
class Figures:
    auc: float
    brier: float
    rule_auc: float
    rule_brier: float
    calibration: list[tuple[float, float, int]]  # (mean estimate, observed share, cases) per bin
    errors_by_group: dict[str, dict[str, float]]  # "alder <30" -> {"cases", "false_negative", "false_positive"}


@dataclass(frozen=True)
class RiskModel:
    version: str
    features: tuple[str, ...]
    intercept: float
    coefficients: tuple[float, ...]
    means: tuple[float, ...]  # the training cases' average per feature: the point factors are measured from
    trained_from: date
    trained_to: date
    tested_from: date
    tested_to: date
    train_cases: int
    test_cases: int
    synthetic: bool
    rule_weeks: int
    figures: Figures
    shown: bool  # validated: beats the rule, on enough cases
    refusal: str = ""  # why it is not shown, in Danish

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_dict(data: dict) -> RiskModel:
        data = dict(data)
        data["figures"] = Figures(
            **{**data["figures"], "calibration": [tuple(b) for b in data["figures"]["calibration"]]}
        )
        for key in ("trained_from", "trained_to", "tested_from", "tested_to"):
            data[key] = date.fromisoformat(data[key]) if isinstance(data[key], str) else data[key]
        data["features"], data["coefficients"], data["means"] = (
            tuple(data["features"]),
            tuple(data["coefficients"]),
            tuple(data["means"]),
        )
        return RiskModel(**data)


@dataclass(frozen=True)
class Factor:
    feature: str
    label: str  # Danish
    contribution: float  # on the log-odds scale; positive raises the risk


@dataclass(frozen=True)
class Estimate:
    probability: float
    band: str  # lav | middel | høj
    base: float  # log-odds of the average case
    factors: tuple[Factor, ...] = field(default_factory=tuple)  # every feature, largest weight first

    @property
    def top(self) -> tuple[Factor, ...]:
        return self.factors[:3]


def rule_says_long(case: CaseFeatures, weeks: int) -> bool:
    estimate = case.employer_weeks if case.employer_weeks is not None else case.employee_weeks
    return estimate >= weeks


def train(
    cases: Sequence[ClosedCase],
    *,
    features: Sequence[str],
    min_cases: int,
    version: str,
    rule_weeks: int = THRESHOLD_WEEKS,
    seed: int = 0,
) -> RiskModel:
    """Fit on the older cases, judge on the newer ones, compare with the rule. Reproducible for the same cases."""
    from sklearn.linear_model import LogisticRegression

    names = check_features(features)
    ordered = sorted(cases, key=lambda c: c.first_day)
    if len(ordered) < 20:
        raise ValueError(f"for få afsluttede sager at lære af: {len(ordered)}")
    cut = int(len(ordered) * (1 - TEST_SHARE))
    older, newer = ordered[:cut], ordered[cut:]
    x = [vector(c.features, names) for c in older]
    y = [int(c.long) for c in older]
    if len(set(y)) < 2:
        raise ValueError("de ældre sager har kun ét udfald: der er intet at lære")
    fitted = LogisticRegression(C=1.0, max_iter=1000, random_state=seed).fit(x, y)
    means = tuple(sum(col) / len(col) for col in zip(*x, strict=False))
    model = RiskModel(
        version=version,
        features=names,
        intercept=float(fitted.intercept_[0]),
        coefficients=tuple(float(c) for c in fitted.coef_[0]),
        means=means,
        trained_from=older[0].first_day,
        trained_to=older[-1].first_day,
        tested_from=newer[0].first_day,
        tested_to=newer[-1].first_day,
        train_cases=len(older),
        test_cases=len(newer),
        synthetic=any(c.synthetic for c in ordered),
        rule_weeks=rule_weeks,
        figures=Figures(0, 0, 0, 0, [], {}),
        shown=False,
    )
    figures = evaluate(model, newer)
    reasons = []
    if len(ordered) < min_cases:
        reasons.append(f"lært af {len(ordered)} afsluttede sager; mindst {min_cases} kræves")
    if not (figures.auc > figures.rule_auc and figures.brier < figures.rule_brier):
        reasons.append(
            f"slår ikke den simple regel (AUC {figures.auc:.3f} mod {figures.rule_auc:.3f}, "
            f"Brier {figures.brier:.3f} mod {figures.rule_brier:.3f})"
        )
    return RiskModel(**{**model.__dict__, "figures": figures, "shown": not reasons, "refusal": "; ".join(reasons)})


def evaluate(model: RiskModel, cases: Sequence[ClosedCase]) -> Figures:
    from sklearn.metrics import brier_score_loss, roc_auc_score

    y = [int(c.long) for c in cases]
    p = [estimate(model, c.features).probability for c in cases]
    rule = [float(rule_says_long(c.features, model.rule_weeks)) for c in cases]
    # The rule as a probability: the share of long cases among the TRAINING-period cases it calls long or short
    # would be fairer still; the 0/1 rule is what a caseworker applies, so it is judged as it is used.
    bins: list[tuple[float, float, int]] = []
    for b in range(CALIBRATION_BINS):
        inside = [
            (pi, yi)
            for pi, yi in zip(p, y, strict=False)
            if b / CALIBRATION_BINS <= pi < (b + 1) / CALIBRATION_BINS or (b == CALIBRATION_BINS - 1 and pi == 1.0)
        ]
        if inside:
            bins.append(
                (sum(pi for pi, _ in inside) / len(inside), sum(yi for _, yi in inside) / len(inside), len(inside))
            )
    groups: dict[str, dict[str, float]] = {}
    for name, member in [
        (f"alder {band}", lambda c, band=band: c.features.age_band == band) for band in ("<30", "30-49", "50+")
    ] + [(f"køn {g}", lambda c, g=g: c.gender == g) for g in ("k", "m")]:
        chosen = [(pi, yi) for c, pi, yi in zip(cases, p, y, strict=False) if member(c)]
        if chosen:
            positives = [pi for pi, yi in chosen if yi] or [0.0]
            negatives = [pi for pi, yi in chosen if not yi] or [1.0]
            groups[name] = {
                "cases": len(chosen),
                "false_negative": sum(pi < HIGH_FROM for pi in positives) / len(positives),
                "false_positive": sum(pi >= HIGH_FROM for pi in negatives) / len(negatives),
            }
    both = len(set(y)) == 2
    return Figures(
        auc=float(roc_auc_score(y, p)) if both else 0.5,
        brier=float(brier_score_loss(y, p)),
        rule_auc=float(roc_auc_score(y, rule)) if both else 0.5,
        rule_brier=float(brier_score_loss(y, rule)),
        calibration=bins,
        errors_by_group=groups,
    )


def estimate(model: RiskModel, case: CaseFeatures) -> Estimate:
    """The risk for one case and each feature's exact contribution: base + sum(contributions) is the log-odds."""
    x = vector(case, model.features)
    base = model.intercept + sum(c * m for c, m in zip(model.coefficients, model.means, strict=False))
    factors = [
        Factor(name, describe(name, case), c * (xi - m))
        for name, c, xi, m in zip(model.features, model.coefficients, x, model.means, strict=False)
    ]
    logit = base + sum(f.contribution for f in factors)
    probability = 1 / (1 + math.exp(-logit))
    band = next(label for upper, label in BANDS if probability < upper)
    return Estimate(probability, band, base, tuple(sorted(factors, key=lambda f: -abs(f.contribution))))
