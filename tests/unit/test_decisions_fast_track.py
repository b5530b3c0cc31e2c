"""Who may ask for early follow-up, and the employee's consent, checked without a server
(domain.decisions.fast_track)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain.decisions import fast_track
from domain.fast_track import request_fast_track
from domain.model import MeetingStatus
from domain.payloads import FastTrackConsent, FastTrackRequest
from domain.refusals import Refusal
from tests.unit.decision_cases import FIRST_DAY, at, context, meeting, state

TODAY = FIRST_DAY + timedelta(weeks=2)
NOW = at(TODAY, 9)


def test_a_request_comes_from_the_employer_or_the_employee_within_the_absence_and_once():
    s, ctx = state(), context(NOW)
    assert fast_track.validate_request(s, ctx, FastTrackRequest("employee", TODAY)) is None
    assert fast_track.validate_request(s, ctx, FastTrackRequest("caseworker", TODAY)).reason == Refusal.BAD_REQUESTER
    assert (
        fast_track.validate_request(s, ctx, FastTrackRequest("employee", FIRST_DAY - timedelta(days=1))).reason
        == Refusal.BAD_REQUEST_DATE
    )
    assert (
        fast_track.validate_request(s, ctx, FastTrackRequest("employee", TODAY + timedelta(days=1))).reason
        == Refusal.BAD_REQUEST_DATE
    )
    held = state(meetings=[meeting(status=MeetingStatus.HELD)])
    assert fast_track.validate_request(held, ctx, FastTrackRequest("employee", TODAY)).reason == Refusal.ALREADY_HELD
    assert (
        fast_track.validate_request(s, replace(ctx, ended=True), FastTrackRequest("employee", TODAY)).reason
        == Refusal.CASE_CLOSED
    )


def test_the_employer_may_ask_only_in_the_first_weeks_and_not_while_consent_is_awaited():
    late = FIRST_DAY + timedelta(weeks=7)
    refused = fast_track.validate_request(state(), context(at(late, 9)), FastTrackRequest("employer", late))
    assert refused.reason == Refusal.TOO_LATE and "ugers fravær" in refused.message
    s = state()
    s.fast_track_request = request_fast_track("employer", TODAY, FIRST_DAY, s.rules)
    assert s.fast_track_request.pending
    assert (
        fast_track.validate_request(s, context(NOW), FastTrackRequest("employee", TODAY)).reason
        == Refusal.ALREADY_REQUESTED
    )


def test_consent_answers_only_an_awaited_request_between_the_request_and_today():
    s, ctx = state(), context(NOW)
    assert fast_track.validate_consent(s, ctx, FastTrackConsent(True, TODAY)).reason == Refusal.NO_CONSENT_AWAITED
    s.fast_track_request = request_fast_track("employer", TODAY - timedelta(days=1), FIRST_DAY, s.rules)
    assert fast_track.validate_consent(s, ctx, FastTrackConsent(True, TODAY)) is None
    assert (
        fast_track.validate_consent(s, ctx, FastTrackConsent(True, TODAY - timedelta(days=2))).reason
        == Refusal.BAD_ANSWER_DATE
    )
    assert (
        fast_track.validate_consent(s, ctx, FastTrackConsent(True, TODAY + timedelta(days=1))).reason
        == Refusal.BAD_ANSWER_DATE
    )
