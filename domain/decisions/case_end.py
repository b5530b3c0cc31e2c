"""The end of a case: reported (full recovery, dismissal, a move, benefit ended, death), then closed (planned
meetings cancelled for everyone, open tasks closed, the employer and the employee told), and one month later the
outcome recorded (work, education or other). A partial recovery is not an end: the follow-up goes on.
"""

from __future__ import annotations

from dataclasses import replace

from domain import agenda, labels
from domain.decisions import Context, Refused, refuse_if_closed
from domain.decisions.effects import (
    CloseTasks,
    Effect,
    Note,
    PublishPhase,
    PutMeeting,
    RecordEnd,
    SaveMeeting,
    SendCancellation,
    SendMail,
)
from domain.model import CaseState, EndType, MeetingStatus, OutcomeKind, Phase, Role, ends_the_case
from domain.payloads import CaseEnd, OutcomeReport
from domain.refusals import Refusal


def validate(state: CaseState, context: Context, end: CaseEnd) -> Refused | None:
    if refused := refuse_if_closed(context):
        return refused
    if end.end_type not in {e.value for e in EndType}:
        return Refused(Refusal.BAD_END_TYPE, f"ukendt afslutning {end.end_type!r}")
    if not ends_the_case(end.end_type):
        return Refused(
            Refusal.NOT_AN_END,
            "en delvis raskmelding afslutter ikke sagen: opfølgningen fortsætter. "
            "Registrér den som delvis raskmelding (fasthold delvis) i stedet",
        )
    if end.end_date < context.case.first_day:
        return Refused(Refusal.BAD_END_DATE, "slutdatoen ligger før første fraværsdag")
    if end.end_date > context.today:
        # The case would close now while the person is still off sick, and the outcome be asked for too soon:
        # an end is recorded on or after the day it happens.
        return Refused(
            Refusal.BAD_END_DATE,
            f"slutdatoen ligger i fremtiden; afslut sagen den {end.end_date:%d.%m.%Y} eller senere",
        )
    return None


def close(state: CaseState, context: Context, end: CaseEnd) -> tuple[CaseState, list[Effect]]:
    """Cancel what is pending, close open tasks, and tell those who need to know. After a death nobody is
    written to at the employee's address; the caseworker handles the contact."""
    death = end.end_type == EndType.DEATH
    reason = "" if death else labels.case_closed(end.end_type)
    effects: list[Effect] = []
    for meeting in agenda.planned_meetings(state):
        cancelled = replace(meeting, status=MeetingStatus.CANCELLED, sequence=meeting.sequence + 1)
        effects += [PutMeeting(cancelled), SaveMeeting(cancelled), SendCancellation(cancelled, reason)]
    effects += [CloseTasks("", prefix=True), RecordEnd(end.end_type, end.end_date)]
    effects += [
        SendMail("case_closed", to, "", {"extra": {"end_type": labels.end_type(end.end_type)}})
        for to in ((Role.EMPLOYER,) if death else (Role.EMPLOYER, Role.EMPLOYEE))
    ]
    effects += [
        PublishPhase(Phase.CLOSED, {"end_type": end.end_type, "end_date": end.end_date}, now_field="closed_at"),
        Note("case_closed", end.end_type),
    ]
    return state, effects


def validate_outcome(state: CaseState, context: Context, report: OutcomeReport) -> Refused | None:
    if not context.ended:
        return Refused(Refusal.CASE_OPEN, "afgang kan først registreres, når sagen er afsluttet")
    if state.outcome is not None:
        return Refused(Refusal.ALREADY_RECORDED, "afgangen er allerede registreret")
    if report.outcome not in {OutcomeKind.WORK, OutcomeKind.EDUCATION, OutcomeKind.OTHER}:
        return Refused(Refusal.BAD_OUTCOME, f"ukendt afgang {report.outcome!r}")
    return None
