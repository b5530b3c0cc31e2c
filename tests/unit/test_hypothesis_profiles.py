"""Hypothesis runs few examples while developing and many in CI (tests/conftest.py): the profile in force is the
one the environment asks for, and CI's tries many more inputs than a developer's run."""

from __future__ import annotations

import os

from hypothesis import settings

from tests.conftest import HYPOTHESIS_PROFILES


def test_ci_tries_many_more_inputs_than_development():
    assert settings.get_profile("ci").max_examples >= 10 * settings.get_profile("dev").max_examples
    assert settings.get_profile("ci").deadline is None  # a slow machine must not turn a fine input into a failure


def test_the_profile_in_force_is_the_one_asked_for():
    asked = os.environ.get("FASTHOLD_HYPOTHESIS_PROFILE") or (
        "ci" if os.environ.get("CI", "").lower() in ("1", "true") else "dev"
    )
    assert settings.default.max_examples == HYPOTHESIS_PROFILES[asked]
