"""Fast-track consent paths (bekendtgørelse om opfølgning i sygedagpengesager § 4), hand-checked dates.

Case: first day Mon 4 May 2026 (2025 rule set; the week-8 deadline is statutory). Week 8 ends Sun 28 Jun;
latest meeting day Fri 26 Jun. Week 5 (the employer's window) ends Sun 7 Jun.
Employer asks Wed 13 May 2026: bank days after it are Thu 14 (Ascension, closed), Fri 15 (banklukkedag,
closed), Mon 18 (1), Tue 19 (2) -> consent due Tue 19 May. Fast-track due = 13 May + 14 = Wed 27 May
(a working day).
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.deadlines import compute_deadlines, fast_track_consent_due
from domain.fast_track import (
    Consent,
    FastTrackStatus,
    answer_consent,
    lapse_if_silent,
    latest_first_meeting_day,
    request_fast_track,
)
from domain.rulesets import load_rulesets, ruleset_for

FIRST = date(2026, 5, 4)
RULES = ruleset_for(FIRST, load_rulesets())
DEADLINES = compute_deadlines(FIRST, RULES)
REQUEST = date(2026, 5, 13)
CONSENT_DUE = date(2026, 5, 19)
FAST_DUE = date(2026, 5, 27)


def employer_request() -> FastTrackStatus:
    return request_fast_track("employer", REQUEST, FIRST, RULES)


def test_the_case_dates():
    assert DEADLINES.latest_meeting_day == date(2026, 6, 26)
    assert fast_track_consent_due(REQUEST, RULES) == CONSENT_DUE


def test_employer_request_waits_for_consent_and_sets_no_deadline():
    status = employer_request()
    assert (status.consent, status.consent_due, status.due) == ("pending", CONSENT_DUE, None)
    assert not status.in_force and status.pending and status.deadline() is None
    assert latest_first_meeting_day(DEADLINES, status) == date(2026, 6, 26)


def test_consent_in_time_puts_the_fast_track_in_force_from_the_request_date():
    status = answer_consent(employer_request(), True, CONSENT_DUE, RULES)
    assert (status.consent, status.answered_on, status.due) == ("given", CONSENT_DUE, FAST_DUE)
    assert status.in_force
    deadline = status.deadline()
    assert (deadline.due, deadline.kind, deadline.name) == (FAST_DUE, "statutory", "fast_track")
    assert latest_first_meeting_day(DEADLINES, status) == FAST_DUE


def test_refusal_keeps_the_ordinary_deadline():
    status = answer_consent(employer_request(), False, date(2026, 5, 14), RULES)
    assert (status.consent, status.due) == ("refused", None)
    assert latest_first_meeting_day(DEADLINES, status) == date(2026, 6, 26)


def test_silence_past_the_window_means_no_fast_track():
    status = employer_request()
    assert lapse_if_silent(status, CONSENT_DUE) == status  # the last day itself is still in time
    lapsed = lapse_if_silent(status, date(2026, 5, 20))
    assert (lapsed.consent, lapsed.due) == ("lapsed", None)
    assert latest_first_meeting_day(DEADLINES, lapsed) == date(2026, 6, 26)


def test_a_late_yes_lapses_unless_the_caseworker_accepts_it():
    late = date(2026, 5, 20)
    assert answer_consent(employer_request(), True, late, RULES).consent == "lapsed"
    lapsed = lapse_if_silent(employer_request(), late)
    accepted = answer_consent(lapsed, True, late, RULES, accept_late=True)
    assert (accepted.consent, accepted.due) == ("given", FAST_DUE)


def test_the_employee_own_request_needs_no_consent():
    status = request_fast_track("employee", date(2026, 6, 10), FIRST, RULES)
    # 10 Jun + 14 = Wed 24 Jun, a working day.
    assert (status.consent, status.consent_due, status.due) == ("not_needed", None, date(2026, 6, 24))
    assert latest_first_meeting_day(DEADLINES, status) == date(2026, 6, 24)
    with pytest.raises(ValueError, match="no consent"):
        answer_consent(status, True, date(2026, 6, 11), RULES)


def test_a_fast_track_due_after_the_ordinary_day_never_moves_it_later():
    # Employee asks Fri 19 Jun: + 14 = Fri 3 Jul, after the ordinary Fri 26 Jun.
    status = request_fast_track("employee", date(2026, 6, 19), FIRST, RULES)
    assert latest_first_meeting_day(DEADLINES, status) == date(2026, 6, 26)


def test_employer_after_week_five_is_refused():
    assert request_fast_track("employer", date(2026, 6, 7), FIRST, RULES).pending  # day 35
    with pytest.raises(ValueError, match="first 5 weeks"):
        request_fast_track("employer", date(2026, 6, 8), FIRST, RULES)


def test_answers_are_checked():
    with pytest.raises(ValueError, match="before the request"):
        answer_consent(employer_request(), True, date(2026, 5, 12), RULES)
    refused = answer_consent(employer_request(), False, REQUEST, RULES)
    with pytest.raises(ValueError, match="refused"):
        answer_consent(refused, True, REQUEST, RULES)


@pytest.mark.parametrize(
    "request_day, consent_due",
    [
        (date(2026, 6, 3), date(2026, 6, 8)),  # Wed: Thu 4 (1), Fri 5 Jun closed for banks, Mon 8 (2)
        (date(2026, 5, 29), date(2026, 6, 2)),  # Fri: Mon 1 Jun (1), Tue 2 (2)
        (date(2026, 5, 23), date(2026, 5, 27)),  # Sat: Mon 25 is Whit Monday; Tue 26 (1), Wed 27 (2)
    ],
)
def test_consent_window_in_bank_days(request_day, consent_due):
    assert request_fast_track("employer", request_day, FIRST, RULES).consent_due == consent_due


def test_status_round_trips_through_temporal_pydantic_converter():
    from temporalio.contrib.pydantic import pydantic_data_converter

    status = answer_consent(employer_request(), True, CONSENT_DUE, RULES)
    converter = pydantic_data_converter.payload_converter
    assert converter.from_payloads(converter.to_payloads([status]), [FastTrackStatus]) == [status]
    assert Consent(status.consent) is Consent.GIVEN
