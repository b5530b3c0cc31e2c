"""A new expected duration, checked without a server (domain.decisions.expected_duration)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain.decisions import expected_duration
from domain.payloads import ExpectedDuration
from domain.refusals import Refusal
from tests.unit.decision_cases import FIRST_DAY, at, context, state

NOW = at(FIRST_DAY + timedelta(weeks=3), 9)


def test_a_duration_is_within_the_range_new_and_for_an_open_case():
    s, ctx = state(), context(NOW)  # the case expects 12 weeks
    assert expected_duration.validate(s, ctx, ExpectedDuration(30, 28)) is None
    assert expected_duration.validate(s, ctx, ExpectedDuration(0)).reason == Refusal.BAD_DURATION
    assert expected_duration.validate(s, ctx, ExpectedDuration(30, 1000)).reason == Refusal.BAD_DURATION
    again = expected_duration.validate(s, ctx, ExpectedDuration(12))
    assert again.reason == Refusal.ALREADY_RECORDED and "12 uger" in again.message
    assert expected_duration.validate(s, ctx, ExpectedDuration(12, 20)) is None  # the employer's estimate is new
    assert expected_duration.validate(s, replace(ctx, ended=True), ExpectedDuration(30)).reason == Refusal.CASE_CLOSED
