"""The information form (oplysningsskema, sygedagpengeloven § 11): its real sending date and an agreed later
answer date, and the employee's answer. The form's dates themselves are `domain.deadlines.info_form_dates`."""

from __future__ import annotations

from domain.case_setup import case_rules
from domain.deadlines import info_form_dates
from domain.decisions import Context, Refused, refuse_if_closed
from domain.model import CaseState
from domain.payloads import INFO_FORM_VIA, InfoFormAnswer, InfoFormSent
from domain.refusals import Refusal


def validate_sent(state: CaseState, context: Context, sent: InfoFormSent) -> Refused | None:
    if refused := refuse_if_closed(context):
        return refused
    if state.info_form_sent_on is None:
        return Refused(
            Refusal.NO_INFO_FORM, "sagen er oprettet, før oplysningsskemaet blev fulgt; registrér blot svaret"
        )
    if state.info_form_answered_on is not None:
        return Refused(Refusal.ALREADY_RECORDED, "svaret på oplysningsskemaet er allerede registreret")
    if state.info_form_sent_recorded and (state.info_form_sent_on, state.info_form_via, state.info_form_answer_due) == (
        sent.sent_on,
        sent.via,
        sent.answer_due,
    ):
        # The same fact sent again (Back and send, a second tab): recorded once.
        return Refused(
            Refusal.ALREADY_RECORDED, "afsendelsen af oplysningsskemaet er allerede registreret med de datoer"
        )
    if sent.via not in INFO_FORM_VIA:
        return Refused(Refusal.BAD_SENT_DATE, f"ukendt afsendelsesvej {sent.via!r}")
    if sent.sent_on < context.case.first_day:
        return Refused(Refusal.BAD_SENT_DATE, "skemaet kan ikke være sendt før første fraværsdag")
    if sent.sent_on > context.today:
        return Refused(Refusal.BAD_SENT_DATE, "afsendelsesdatoen ligger i fremtiden")
    legal = info_form_dates(sent.sent_on, case_rules(state)).answer_due
    if sent.answer_due is not None and sent.answer_due <= legal:
        return Refused(
            Refusal.BAD_AGREED_DUE,
            f"en aftalt svarfrist skal ligge efter lovens frist ({legal.isoformat()}, 8 dage efter afsendelsen)",
        )
    if sent.answer_due is not None and not context.plausible_day(sent.answer_due):
        return Refused(Refusal.BAD_AGREED_DUE, "svarfristen ligger mere end et år ude i fremtiden")
    return None


def validate_answer(state: CaseState, context: Context, answer: InfoFormAnswer) -> Refused | None:
    if refused := refuse_if_closed(context):
        return refused
    if state.info_form_sent_on is None:
        return Refused(Refusal.NO_INFO_FORM, "der er ikke sendt et oplysningsskema i denne sag")
    if state.info_form_answered_on is not None:
        return Refused(Refusal.ALREADY_RECORDED, "svaret på oplysningsskemaet er allerede registreret")
    if answer.answered_on < state.info_form_sent_on:
        return Refused(Refusal.BAD_ANSWER_DATE, "svaret kan ikke ligge før skemaet blev sendt")
    if answer.answered_on > context.today:
        return Refused(Refusal.BAD_ANSWER_DATE, "svaret kan ikke ligge i fremtiden")
    return None
