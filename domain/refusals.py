"""Why the engine says no: one reason code per refusal, and the field of the request it concerns.

The case workflow's validators refuse with these codes (as `ApplicationError.type`, so the values are part of
the wire format and never renamed); the service layer turns them into one typed refusal with the Danish
message, and an entry point shows the message next to the field named here.
"""

from __future__ import annotations

from enum import StrEnum


class Refusal(StrEnum):
    # the case as a whole
    NO_SUCH_CASE = "NoSuchCase"
    CASE_CLOSED = "CaseClosed"
    CASE_OPEN = "CaseOpen"
    CASE_EXISTS_CLOSED = "CaseExistsClosed"
    INVALID_INPUT = "InvalidInput"
    ENGINE_REFUSED = "EngineRefused"
    NOT_ALLOWED = "NotAllowed"
    # meetings and answers
    NO_SUCH_MEETING = "NoSuchMeeting"
    UNKNOWN_MEETING = "UnknownMeeting"
    MEETING_NOT_PLANNED = "MeetingNotPlanned"
    MEETING_IN_FUTURE = "MeetingInFuture"
    ALREADY_RECORDED = "AlreadyRecorded"
    START_IN_PAST = "StartInPast"
    START_TOO_FAR = "StartTooFar"
    NO_FREE_TIME = "NoFreeTime"
    NOT_AN_ATTENDEE = "NotAnAttendee"
    STALE_SEQUENCE = "StaleSequence"
    BAD_PARTSTAT = "BadPartstat"
    BAD_PROPOSAL = "BadProposal"
    BAD_HELD_AT = "BadHeldAt"
    BAD_LOCATION = "BadLocation"
    # the employer, durations, fast track
    NOT_WORKPLACE_TRACK = "NotWorkplaceTrack"
    REASON_REQUIRED = "ReasonRequired"
    BAD_DURATION = "BadDuration"
    BAD_REQUESTER = "BadRequester"
    ALREADY_REQUESTED = "AlreadyRequested"
    ALREADY_HELD = "AlreadyHeld"
    BAD_REQUEST_DATE = "BadRequestDate"
    TOO_LATE = "TooLate"
    # measures, ends, outcomes, caseworkers
    BAD_MEASURE = "BadMeasure"
    BAD_MEASURE_DATE = "BadMeasureDate"
    BAD_END_TYPE = "BadEndType"
    BAD_END_DATE = "BadEndDate"
    BAD_OUTCOME = "BadOutcome"
    SAME_CASEWORKER = "SameCaseworker"
    UNKNOWN_CASEWORKER = "UnknownCaseworker"
    NO_TIME_FOR_HANDOVER = "NoTimeForHandover"
    NEEDS_CONFIRMATION = "NeedsConfirmation"
    # the law's events (docs/domain.md): partial recovery, benefit pauses, fast-track consent, the information form
    NOT_AN_END = "NotAnEnd"
    BAD_HOURS = "BadHours"
    BAD_FROM_DATE = "BadFromDate"
    BAD_PERIOD = "BadPeriod"
    PERIOD_OVERLAPS = "PeriodOverlaps"
    NO_CONSENT_AWAITED = "NoConsentAwaited"
    BAD_ANSWER_DATE = "BadAnswerDate"
    NO_INFO_FORM = "NoInfoForm"
    # the information form on its real dates (§ 11)
    BAD_SENT_DATE = "BadSentDate"
    BAD_AGREED_DUE = "BadAgreedDue"
    NOT_WATCHED = "NotWatched"


# The request field each refusal concerns ("" for the request as a whole), by the field names of the
# update payloads in domain.model.
REFUSAL_FIELD: dict[Refusal, str] = {
    Refusal.NO_SUCH_MEETING: "meeting_number",
    Refusal.UNKNOWN_MEETING: "uid",
    Refusal.MEETING_NOT_PLANNED: "meeting_number",
    Refusal.MEETING_IN_FUTURE: "held_at",
    Refusal.ALREADY_RECORDED: "meeting_number",
    Refusal.START_IN_PAST: "start",
    Refusal.START_TOO_FAR: "start",
    Refusal.NO_FREE_TIME: "start",
    Refusal.NOT_AN_ATTENDEE: "attendee_email",
    Refusal.STALE_SEQUENCE: "sequence",
    Refusal.BAD_PARTSTAT: "partstat",
    Refusal.BAD_PROPOSAL: "start",
    Refusal.BAD_HELD_AT: "held_at",
    Refusal.BAD_LOCATION: "location",
    Refusal.REASON_REQUIRED: "reason",
    Refusal.BAD_DURATION: "employee_weeks",
    Refusal.BAD_REQUESTER: "requested_by",
    Refusal.BAD_REQUEST_DATE: "requested_on",
    Refusal.TOO_LATE: "requested_on",
    Refusal.BAD_MEASURE: "kind",
    Refusal.BAD_MEASURE_DATE: "start_date",
    Refusal.BAD_END_TYPE: "end_type",
    Refusal.BAD_END_DATE: "end_date",
    Refusal.BAD_OUTCOME: "outcome",
    Refusal.SAME_CASEWORKER: "caseworker_id",
    Refusal.UNKNOWN_CASEWORKER: "caseworker_id",
    Refusal.NO_TIME_FOR_HANDOVER: "caseworker_id",
    Refusal.NEEDS_CONFIRMATION: "confirmed",
    Refusal.NOT_AN_END: "end_type",
    Refusal.BAD_HOURS: "hours_per_week",
    Refusal.BAD_FROM_DATE: "from_date",
    Refusal.BAD_PERIOD: "end",
    Refusal.PERIOD_OVERLAPS: "start",
    Refusal.NO_CONSENT_AWAITED: "agrees",
    Refusal.BAD_ANSWER_DATE: "answered_on",
    Refusal.NO_INFO_FORM: "answered_on",
    Refusal.BAD_SENT_DATE: "sent_on",
    Refusal.BAD_AGREED_DUE: "answer_due",
    Refusal.NOT_WATCHED: "call_in",
}


def refusal_field(reason: Refusal) -> str:
    return REFUSAL_FIELD.get(reason, "")
