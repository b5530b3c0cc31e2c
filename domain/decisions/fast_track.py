"""Early follow-up on request (sygedagpengeloven § 7 c, bek. om opfølgning § 4): who may ask, until when, and
the employee's consent to the employer's request. The consent's own arithmetic is `domain.fast_track`."""

from __future__ import annotations

from domain import agenda
from domain.case_setup import case_rules
from domain.deadlines import fast_track_allowed
from domain.decisions import Context, Refused, refuse_if_closed
from domain.fast_track import Consent
from domain.model import CaseState, Role
from domain.payloads import FastTrackConsent, FastTrackRequest
from domain.refusals import Refusal


def validate_request(state: CaseState, context: Context, request: FastTrackRequest) -> Refused | None:
    if refused := refuse_if_closed(context):
        return refused
    if request.requested_by not in (Role.EMPLOYER, Role.EMPLOYEE):
        return Refused(Refusal.BAD_REQUESTER, "anmodningen skal komme fra arbejdsgiver eller medarbejder")
    if state.fast_track is not None:
        return Refused(Refusal.ALREADY_REQUESTED, "der er allerede anmodet om tidlig opfølgning")
    if state.fast_track_request is not None and state.fast_track_request.pending:
        return Refused(
            Refusal.ALREADY_REQUESTED, "der venter allerede svar fra medarbejderen på en anmodning om tidlig opfølgning"
        )
    if agenda.first_meeting_held(state):
        return Refused(Refusal.ALREADY_HELD, "første opfølgningssamtale er allerede holdt")
    if request.requested_on < context.case.first_day:
        return Refused(Refusal.BAD_REQUEST_DATE, "anmodningen kan ikke ligge før første fraværsdag")
    if request.requested_on > context.today:
        return Refused(Refusal.BAD_REQUEST_DATE, "anmodningen kan ikke ligge i fremtiden")
    if not fast_track_allowed(request.requested_by, request.requested_on, context.case.first_day, case_rules(state)):
        return Refused(
            Refusal.TOO_LATE,
            f"arbejdsgiveren kan kun anmode inden for de første "
            f"{case_rules(state).fast_track_employer_window_weeks} ugers fravær",
        )
    return None


def validate_consent(state: CaseState, context: Context, answer: FastTrackConsent) -> Refused | None:
    if refused := refuse_if_closed(context):
        return refused
    status = state.fast_track_request
    if status is None or status.consent not in (Consent.PENDING, Consent.LAPSED):
        return Refused(
            Refusal.NO_CONSENT_AWAITED, "der venter ikke svar på en anmodning om tidlig opfølgning fra arbejdsgiveren"
        )
    if agenda.first_meeting_held(state):
        return Refused(Refusal.ALREADY_HELD, "første opfølgningssamtale er allerede holdt")
    if answer.answered_on < status.requested_on:
        return Refused(Refusal.BAD_ANSWER_DATE, "svaret kan ikke ligge før anmodningen")
    if answer.answered_on > context.today:
        return Refused(Refusal.BAD_ANSWER_DATE, "svaret kan ikke ligge i fremtiden")
    return None
