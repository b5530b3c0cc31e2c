"""The case model's additions for the law as written survive Temporal's converter, and old states still load."""

from __future__ import annotations

import json
from datetime import date

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter

from domain.deadlines import compute_deadlines, reassessment_due_for
from domain.fast_track import request_fast_track
from domain.model import CASE_ENDS, BenefitPause, CaseState, EndType, FastTrackConsent, PartialRecovery, ends_the_case
from domain.rulesets import load_rulesets, ruleset_for

CONVERTER = pydantic_data_converter.payload_converter
FIRST = date(2026, 3, 2)
RULES = ruleset_for(FIRST, load_rulesets())


def round_trip(value, cls):
    (back,) = CONVERTER.from_payloads(CONVERTER.to_payloads([value]), [cls])
    return back


def test_state_with_the_new_fields_round_trips():
    state = CaseState(reference="R1", municipality="101", deadlines=compute_deadlines(FIRST, RULES), rules=RULES)
    state.fast_track_request = request_fast_track("employer", date(2026, 3, 16), FIRST, RULES)
    state.partial_recoveries.append(PartialRecovery(18.5, date(2026, 5, 4), actor="sagsbehandler"))
    state.benefit_pauses.append(BenefitPause(date(2026, 5, 1), date(2026, 5, 31), reason="ferie"))
    state.missed_targets.append("first_meeting")
    state.info_form_sent_on = date(2026, 3, 3)
    assert round_trip(state, CaseState) == state


def test_a_state_saved_before_issue_10_still_loads():
    state = CaseState(reference="R1", municipality="101")
    (payload,) = CONVERTER.to_payloads([state])
    old = json.loads(payload.data)
    for added in (
        "fast_track_request",
        "partial_recoveries",
        "benefit_pauses",
        "missed_targets",
        "info_form_sent_on",
        "info_form_answered_on",
        "employer_pays",
    ):
        del old[added]
    payload.data = json.dumps(old).encode()
    (back,) = CONVERTER.from_payloads([payload], [CaseState])
    assert back == state


def test_payloads_round_trip():
    for value in (
        FastTrackConsent(True, date(2026, 3, 17)),
        PartialRecovery(20, date(2026, 6, 1)),
        BenefitPause(date(2026, 5, 1), date(2026, 5, 31)),
    ):
        assert round_trip(value, type(value)) == value


def test_recorded_pauses_feed_the_reassessment():
    # May without benefit: the 155th benefit day moves from 2 Sep to 3 Oct 2026 -> 31 Oct.
    pauses = [BenefitPause(date(2026, 5, 1), date(2026, 5, 31))]
    assert reassessment_due_for(FIRST, RULES, pauses) == date(2026, 10, 31)


@pytest.mark.parametrize(
    "end_type, ends",
    [
        ("full_recovery", True),
        ("partial_recovery", False),
        ("dismissal", True),
        ("moved_municipality", True),
        ("benefit_ended", True),
        ("death", True),
    ],
)
def test_partial_recovery_does_not_end_a_case(end_type, ends):
    assert ends_the_case(end_type) is ends
    assert EndType.PARTIAL_RECOVERY not in CASE_ENDS
