"""The typed commands an entry point can send about a case.

Each caseworker action is the payload the case workflow takes (from `domain.model`), so the command and what
the workflow validates are the same object. `AnswerOnBehalf` is the one command the service resolves first:
a caseworker names a meeting by number; the workflow needs its UID and current SEQUENCE.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Union

from domain.model import (BenefitPause, CaseEnd, EarlierBenefit, FollowUpDecision, CounterProposal, EmployerAnswer, ExpectedDuration,
                          FastTrackConsent, FastTrackRequest, InfoFormAnswer, InfoFormSent, MeasureStart, MeetingMove, MeetingOutcome,
                          OutcomeReport, PartialRecovery, Reassignment, ReplyReview, RsvpReceived, workflow_id_for)
from workflows.case_workflow import CaseWorkflow


@dataclass(frozen=True)
class CaseRef:
    """A case, as people name it: municipality code and case reference (never a CPR number)."""
    municipality: str
    reference: str

    @property
    def workflow_id(self) -> str:
        return workflow_id_for(self.municipality, self.reference)


@dataclass(frozen=True)
class AnswerOnBehalf:
    """An attendee's answer typed in by a caseworker (by phone, say): meeting by number, answer as PARTSTAT."""
    meeting_number: int
    email: str
    partstat: str
    actor: str = ""


@dataclass(frozen=True)
class EmployerReply:
    """The employer's answer from the reply page: hosts at the workplace, cannot (with a reason), or proposes
    another time for the planned first meeting."""
    hosts: bool | None            # None: neither, a proposed time instead
    reason: str = ""
    proposed_start: datetime | None = None
    comment: str = ""
    actor: str = ""


Action = Union[AnswerOnBehalf, MeetingOutcome, EmployerAnswer, ExpectedDuration, FastTrackRequest, MeasureStart,
               Reassignment, MeetingMove, CaseEnd, OutcomeReport, FastTrackConsent, PartialRecovery, BenefitPause,
               InfoFormAnswer, InfoFormSent, EarlierBenefit, FollowUpDecision]
AttendeeAnswer = Union[RsvpReceived, CounterProposal, ReplyReview]

# Each command, the workflow update that carries it, and the action's name (for confirmations and logs).
UPDATES = {
    RsvpReceived: (CaseWorkflow.record_rsvp, "answer"),
    CounterProposal: (CaseWorkflow.propose_time, "counter_proposal"),
    ReplyReview: (CaseWorkflow.reply_for_review, "reply_for_review"),
    MeetingOutcome: (CaseWorkflow.record_meeting, "record_meeting"),
    EmployerAnswer: (CaseWorkflow.employer_answer, "employer_answer"),
    ExpectedDuration: (CaseWorkflow.new_expected_duration, "new_expected_duration"),
    FastTrackRequest: (CaseWorkflow.request_fast_track, "request_fast_track"),
    MeasureStart: (CaseWorkflow.start_measure, "start_measure"),
    Reassignment: (CaseWorkflow.reassign, "reassign"),
    MeetingMove: (CaseWorkflow.move_meeting_to, "move_meeting"),
    CaseEnd: (CaseWorkflow.report_end, "report_end"),
    OutcomeReport: (CaseWorkflow.record_outcome, "record_outcome"),
    FastTrackConsent: (CaseWorkflow.answer_fast_track_consent, "fast_track_consent"),
    PartialRecovery: (CaseWorkflow.record_partial_recovery, "partial_recovery"),
    BenefitPause: (CaseWorkflow.record_benefit_pause, "benefit_pause"),
    InfoFormAnswer: (CaseWorkflow.record_info_form_answer, "info_form_answer"),
    InfoFormSent: (CaseWorkflow.record_info_form_sent, "info_form_sent"),
    EarlierBenefit: (CaseWorkflow.record_earlier_benefit, "earlier_benefit"),
    FollowUpDecision: (CaseWorkflow.record_follow_up_decision, "follow_up_decision"),
}
