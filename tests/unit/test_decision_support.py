"""Decision support: training and validation reproducible from a seed, a model that does not beat the
simple rule refused, the per-case explanation adding up to the estimate, the off switch, and no estimate without
a validated model."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from decision_support import store
from decision_support.cases import ClosedCase, synthetic_cases
from decision_support.features import DEFAULT_FEATURES, CaseFeatures, check_features
from decision_support.model import estimate, train


def trained(count=3000, seed=7, min_cases=500):
    return train(
        synthetic_cases(count, seed), features=DEFAULT_FEATURES, min_cases=min_cases, version=f"v{seed}-{count}"
    )


def test_training_and_validation_are_reproducible_from_the_seed_and_time_ordered():
    one, again = trained(), trained()
    assert one.coefficients == again.coefficients and one.figures == again.figures
    assert one.trained_to <= one.tested_from  # learned from older cases, judged on newer ones
    assert (one.train_cases, one.test_cases) == (2100, 900) and one.synthetic
    assert one.shown and one.figures.auc > one.figures.rule_auc and one.figures.brier < one.figures.rule_brier
    assert trained(seed=8).coefficients != one.coefficients
    # Calibration bins and errors per age band and gender are kept with the figures (gender is no feature).
    assert sum(n for _, _, n in one.figures.calibration) == one.test_cases
    assert {"alder <30", "alder 30-49", "alder 50+", "køn k", "køn m"} <= set(one.figures.errors_by_group)
    assert "gender" not in one.features


def test_a_model_that_does_not_beat_the_rule_is_refused():
    """When the employer's estimate IS the duration, the rule is (almost) perfect: the model does not beat it, so it
    is not shown."""
    start = date(2025, 1, 1)
    cases = [
        ClosedCase(start + timedelta(days=i), CaseFeatures(4 + i % 40, w, 0), float(w))
        for i, w in enumerate([5 + (i * 7) % 40 for i in range(1000)])
    ]
    model = train(cases, features=DEFAULT_FEATURES, min_cases=100, version="perfect-rule")
    assert model.figures.rule_brier <= model.figures.brier
    assert not model.shown and "slår ikke den simple regel" in model.refusal


def test_too_few_cases_is_refused_even_when_it_beats_the_rule():
    model = trained(count=400, min_cases=500)
    assert not model.shown and "mindst 500 kræves" in model.refusal


def test_the_explanation_adds_up_to_the_estimate():
    model = trained()
    for case in synthetic_cases(50, 99):
        risk = estimate(model, case.features)
        logit = risk.base + sum(f.contribution for f in risk.factors)
        assert math.isclose(1 / (1 + math.exp(-logit)), risk.probability, rel_tol=1e-12)
        assert len(risk.top) == 3 and abs(risk.top[0].contribution) >= abs(risk.top[2].contribution)
        assert risk.band == ("lav" if risk.probability < 0.1 else "middel" if risk.probability < 0.2 else "høj")
    long = estimate(model, CaseFeatures(25, 25, 120))
    short = estimate(model, CaseFeatures(2, 2, 0))
    assert long.probability > short.probability and short.band == "lav"


def test_the_off_switch_and_no_validated_model_give_no_estimate(tmp_path):
    assert store.model_in_use(tmp_path, enabled=True) is None  # nothing trained
    store.save(trained(count=400, min_cases=500), tmp_path)  # kept, but not validated
    assert store.model_in_use(tmp_path, enabled=True) is None
    good = trained()
    store.save(good, tmp_path)
    assert store.model_in_use(tmp_path, enabled=True).version == good.version
    assert store.model_in_use(tmp_path, enabled=False) is None  # switched off: nothing, whatever is kept
    assert len(store.all_models(tmp_path)) == 2  # every model kept with its figures
    with pytest.raises(FileExistsError):
        store.save(good, tmp_path)


def test_the_feature_list_is_checked():
    with pytest.raises(ValueError, match="diagnose"):
        check_features(["employee_weeks", "diagnose"])
