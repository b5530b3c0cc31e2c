"""The information form's sending and answer, checked without a server (domain.decisions.info_form)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain.decisions import info_form
from domain.payloads import InfoFormAnswer, InfoFormSent
from domain.refusals import Refusal
from tests.unit.decision_cases import FIRST_DAY, at, context, state

TODAY = FIRST_DAY + timedelta(weeks=2)
NOW = at(TODAY, 9)
SENT_ON = FIRST_DAY + timedelta(days=3)


def test_the_sending_date_and_an_agreed_answer_date_must_be_real_and_later_than_the_law():
    s, ctx = state(info_form_sent_on=FIRST_DAY), context(NOW)
    assert info_form.validate_sent(s, ctx, InfoFormSent(SENT_ON)) is None
    assert info_form.validate_sent(state(), ctx, InfoFormSent(SENT_ON)).reason == Refusal.NO_INFO_FORM
    assert info_form.validate_sent(s, ctx, InfoFormSent(SENT_ON, via="brevdue")).reason == Refusal.BAD_SENT_DATE
    assert info_form.validate_sent(s, ctx, InfoFormSent(FIRST_DAY - timedelta(days=1))).reason == Refusal.BAD_SENT_DATE
    assert info_form.validate_sent(s, ctx, InfoFormSent(TODAY + timedelta(days=1))).reason == Refusal.BAD_SENT_DATE
    too_soon = info_form.validate_sent(s, ctx, InfoFormSent(SENT_ON, answer_due=SENT_ON + timedelta(days=8)))
    assert too_soon.reason == Refusal.BAD_AGREED_DUE and "lovens frist" in too_soon.message
    assert info_form.validate_sent(s, ctx, InfoFormSent(SENT_ON, answer_due=SENT_ON + timedelta(days=20))) is None
    answered = replace(s, info_form_answered_on=TODAY)
    assert info_form.validate_sent(answered, ctx, InfoFormSent(SENT_ON)).reason == Refusal.ALREADY_RECORDED


def test_the_same_sending_sent_again_is_recorded_once_and_a_correction_is_taken():
    # Back and send, or a second tab, arrives with a new submission id: the case sees the same fact.
    recorded = state(info_form_sent_on=SENT_ON, info_form_via="digital_post", info_form_sent_recorded=True)
    ctx = context(NOW)
    again = info_form.validate_sent(recorded, ctx, InfoFormSent(SENT_ON))
    assert again.reason == Refusal.ALREADY_RECORDED and "allerede registreret" in again.message
    assert info_form.validate_sent(recorded, ctx, InfoFormSent(SENT_ON + timedelta(days=1))) is None
    assert info_form.validate_sent(recorded, ctx, InfoFormSent(SENT_ON, via="employer_report")) is None
    intake_only = replace(recorded, info_form_sent_recorded=False)  # the date intake assumed, not yet recorded
    assert info_form.validate_sent(intake_only, ctx, InfoFormSent(SENT_ON)) is None


def test_the_answer_comes_after_the_sending_by_today_and_once():
    s, ctx = state(info_form_sent_on=SENT_ON), context(NOW)
    assert info_form.validate_answer(s, ctx, InfoFormAnswer(TODAY)) is None
    assert info_form.validate_answer(state(), ctx, InfoFormAnswer(TODAY)).reason == Refusal.NO_INFO_FORM
    assert (
        info_form.validate_answer(s, ctx, InfoFormAnswer(SENT_ON - timedelta(days=1))).reason == Refusal.BAD_ANSWER_DATE
    )
    assert (
        info_form.validate_answer(s, ctx, InfoFormAnswer(TODAY + timedelta(days=1))).reason == Refusal.BAD_ANSWER_DATE
    )
    assert info_form.validate_answer(s, replace(ctx, ended=True), InfoFormAnswer(TODAY)).reason == Refusal.CASE_CLOSED
