"""What people and the engine's other parts tell a running case: the payloads of its updates and signals
(an answer to an invitation, a meeting recorded, the employer's answer, the law's events, the end), as plain
frozen dataclasses. The case's own input and state are in `domain.model`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class RsvpReceived:
    """An attendee's answer to an invitation: from the mail gateway (iMIP REPLY) or typed in by an operator."""

    uid: str
    sequence: int
    attendee_email: str
    partstat: str  # ACCEPTED | DECLINED | TENTATIVE
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")
    comment: str = ""  # the attendee's note with the answer (COMMENT, X-RESPONSE-COMMENT)


@dataclass(frozen=True)
class CounterProposal:
    """An attendee proposes another time (iTIP COUNTER): a task for the caseworker, never a booking."""

    uid: str
    sequence: int
    attendee_email: str
    start: datetime
    end: datetime
    comment: str = ""
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")


@dataclass(frozen=True)
class MeetingOutcome:
    meeting_number: int
    held: bool
    employer_took_part: bool
    location: str  # Location value
    held_at: datetime | None = None  # when the parties agreed on another time than the invitation's
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")


@dataclass(frozen=True)
class EmployerAnswer:
    hosts_at_workplace: bool
    reason: str = ""
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")


@dataclass(frozen=True)
class ExpectedDuration:
    employee_weeks: int
    employer_weeks: int | None = None
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")


@dataclass(frozen=True)
class FastTrackRequest:
    requested_by: str  # employer | employee
    requested_on: date
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")


@dataclass(frozen=True)
class MeasureStart:
    kind: str
    start_date: date
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")


@dataclass(frozen=True)
class Reassignment:
    reason: str
    caseworker_id: str | None = None  # None: the engine picks the least loaded other caseworker
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")
    # A handover that cannot happen is refused to whoever asked. Nobody is looking when a bulk reassignment
    # reaches its last candidate, so then the team lead is told as well (an escalation e-mail).
    tell_lead_if_refused: bool = False


@dataclass(frozen=True)
class MeetingMove:
    meeting_number: int
    start: datetime
    reason: str = ""
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")
    # A time outside working hours, on a closed day or after the deadline is moved to only when confirmed.
    confirmed: bool = False


@dataclass(frozen=True)
class OutcomeReport:
    outcome: str  # OutcomeKind value
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")


@dataclass(frozen=True)
class PartialRecovery:
    """The employee is partly back at work from `from_date` (delvis raskmelding): a change of the case,
    not its end. STAR 2017 counts it as an exit to work for the success criteria."""

    hours_per_week: float  # hours worked per week from that date
    from_date: date
    note: str = ""
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")


@dataclass(frozen=True)
class BenefitPause:
    """A period without sickness benefit (both days included); it moves the § 24 reassessment date."""

    start: date
    end: date
    reason: str = ""
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")


@dataclass(frozen=True)
class FastTrackConsent:
    """The employee's answer to the employer's fast-track request."""

    agrees: bool
    answered_on: date
    accept_late: bool = False  # the caseworker accepts a yes after the 2-bank-day window (bek. § 4 stk. 2)
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")


@dataclass(frozen=True)
class InfoFormAnswer:
    """The employee's answer to the information form (oplysningsskema, sygedagpengeloven § 11) has come."""

    answered_on: date
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")


@dataclass(frozen=True)
class RiskNote:
    """Decision support's estimate that the absence passes 26 weeks, as the case keeps it: the band, the three
    factors that weigh most (Danish label, contribution on the log-odds scale) and the model that made it."""

    probability: float
    band: str  # lav | middel | høj
    factors: tuple[tuple[str, float], ...]
    model_version: str
    synthetic: bool


@dataclass(frozen=True)
class FollowUpDecision:
    """The caseworker's decision on a watched case with a high estimate: call the person in or not, and why."""

    call_in: bool
    reason: str
    actor: str = ""


EARLIER_BENEFIT_SOURCES = ("register", "caseworker")


@dataclass(frozen=True)
class EarlierBenefit:
    """Sickness benefit paid to the same person in an earlier case (both days included); it counts toward the
    § 24 limit within the 9 months. From this municipality's register (by the identity it holds), or entered by
    the caseworker for a period another municipality paid."""

    start: date
    end: date
    source: str = "caseworker"  # one of EARLIER_BENEFIT_SOURCES
    note: str = ""  # e.g. the other municipality, or the earlier case's reference
    actor: str = ""  # who did it, for the audit trail


INFO_FORM_VIA = ("digital_post", "employer_report")


@dataclass(frozen=True)
class InfoFormSent:
    """The information form (§ 11) went out on `sent_on`: through Digital Post by the caseworker, or automatically
    when the employer's report came in (NemRefusion). `answer_due` is a later answer date agreed with the employee
    ("medmindre andet aftales"); None: the law's 8 days from the sending."""

    sent_on: date
    via: str = "digital_post"  # one of INFO_FORM_VIA
    answer_due: date | None = None
    actor: str = ""  # who did it, for the audit trail


@dataclass(frozen=True)
class CaseEnd:
    end_type: str  # EndType value
    end_date: date
    note: str = ""
    actor: str = ""  # who did it, for the audit trail (a user name, or "arbejdsgiver via e-mail")


@dataclass(frozen=True)
class ReplyReview:
    """An answer the gateway kept but did not apply (sender not verified, an unknown address, conflicting
    answers, an old version): the caseworker is told and decides. Never changes a meeting."""

    key: str  # from the kept message: the same message gives one task
    uid: str
    reason: str  # unverified | sender_mismatch | not_attendee | ambiguous | stale_sequence
    sender: str
    attendee_email: str
    answer: str = ""  # PARTSTAT, or COUNTER
    comment: str = ""
    kept_as: str = ""  # the kept message's file name, for the caseworker or IT to find it
