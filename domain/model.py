"""Plain dataclasses for a case: the workflow's input and state, and what activities exchange.

No I/O and no framework here, so the workflow sandbox imports it safely and Temporal's default converter
serialises it. Datetimes are timezone-aware; dates are calendar dates in Danish local time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain.deadlines import CaseDeadlines
from domain.fast_track import FastTrackStatus

# The payloads of updates and signals live in domain.payloads; CaseState's fields name some of them, and
# older imports name them all from here.
from domain.payloads import (  # noqa: F401
    EARLIER_BENEFIT_SOURCES,
    INFO_FORM_VIA,
    BenefitPause,
    CaseEnd,
    CounterProposal,
    EarlierBenefit,
    EmployerAnswer,
    ExpectedDuration,
    FastTrackConsent,
    FastTrackRequest,
    FollowUpDecision,
    InfoFormAnswer,
    InfoFormSent,
    MeasureStart,
    MeetingMove,
    MeetingOutcome,
    OutcomeReport,
    PartialRecovery,
    Reassignment,
    ReplyReview,
    RiskNote,
    RsvpReceived,
)
from domain.rulesets import RuleSet, RuleSetSwitch
from domain.triage import Track


class Phase(StrEnum):
    INTAKE = "intake"
    EMPLOYER_CONTACT = "employer_contact"
    BOOKING = "booking"
    MEETING_BOOKED = "meeting_booked"
    FOLLOW_UP = "follow_up"
    WATCH = "watch"
    CLOSED = "closed"


class MeetingStatus(StrEnum):
    INVITED = "invited"  # planned: invitations sent, answers may come
    HELD = "held"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"  # planned but not held: a new meeting is booked


class Partstat(StrEnum):
    """An attendee's answer to an invitation (iCalendar PARTSTAT, RFC 5545 3.2.12)."""

    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    TENTATIVE = "TENTATIVE"


PARTSTATS = tuple(p.value for p in Partstat)


class Role(StrEnum):
    """Who a message goes to, or who an answer comes from."""

    EMPLOYER = "employer"
    EMPLOYEE = "employee"
    CASEWORKER = "caseworker"
    TEAM_LEAD = "team_lead"


# Where a freshly triaged case starts: the workplace model contacts the employer, the job-centre tracks book.
# A case waiting for the employer's estimate (2026 reform) is in contact with the employer: it is asked for it.
TRACK_PHASE = {
    Track.WORKPLACE: Phase.EMPLOYER_CONTACT,
    Track.EXEMPT: Phase.BOOKING,
    Track.OUTSIDE: Phase.BOOKING,
    Track.WATCH: Phase.WATCH,
    Track.EMPLOYER_ESTIMATE_NEEDED: Phase.EMPLOYER_CONTACT,
}
# Tracks on which the case has a first follow-up meeting (the watched case has none until it grows).
MEETING_TRACKS = (Track.WORKPLACE, Track.EXEMPT, Track.OUTSIDE)


class EndType(StrEnum):
    FULL_RECOVERY = "full_recovery"
    PARTIAL_RECOVERY = "partial_recovery"
    DISMISSAL = "dismissal"
    MOVED = "moved_municipality"
    BENEFIT_ENDED = "benefit_ended"
    DEATH = "death"


# What ends a case. A partial recovery does NOT: the person gets reduced benefit and is still followed
# up "uanset om der er tale om en hel eller delvis sygemelding" (sygedagpengeloven § 8), and the
# reduced weeks count toward § 24. It stays in EndType only so that saved histories, where it was
# once an end, still load; new cases record it as a PartialRecovery event.
CASE_ENDS = (EndType.FULL_RECOVERY, EndType.DISMISSAL, EndType.MOVED, EndType.BENEFIT_ENDED, EndType.DEATH)


def ends_the_case(end_type: str) -> bool:
    """Whether an end of this type closes the case (partial recovery does not)."""
    return EndType(end_type) in CASE_ENDS


class Location(StrEnum):
    WORKPLACE = "workplace"
    JOBCENTER = "jobcenter"
    PHONE = "phone"
    ELSEWHERE = "elsewhere"


@dataclass(frozen=True)
class Employee:
    name: str
    email: str
    cpr: str | None = None


@dataclass(frozen=True)
class Employer:
    name: str
    cvr: str
    workplace_address: str
    contact_name: str
    contact_email: str
    contact_phone: str = ""


@dataclass(frozen=True)
class CaseInput:
    reference: str
    municipality: str
    first_day: date
    expected_weeks: int
    employee: Employee
    employer: Employer
    employer_expected_weeks: int | None = None
    seriously_ill: bool = False
    workplace_is_cause: bool = False
    # An operations setting, not part of the sick report: history size at which the case continues as new.
    history_event_limit: int | None = None
    # For `fasthold simuler` only: run the activities inside the workflow task (local activities). The same
    # steps in the same order, without a round trip through the server for each; see simulation/run.py.
    local_activities: bool = False

    @property
    def workflow_id(self) -> str:
        return workflow_id_for(self.municipality, self.reference)

    def without_cpr(self) -> CaseInput:
        from dataclasses import replace

        return replace(self, employee=replace(self.employee, cpr=None))


def workflow_id_for(municipality: str, reference: str) -> str:
    return f"case-{municipality}-{reference}"


@dataclass(frozen=True)
class Caseworker:
    id: str
    name: str
    email: str
    phone: str
    team_id: str
    team_name: str
    lead_name: str
    lead_email: str
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    work_start: str = "09:00"
    work_end: str = "15:00"
    office_address: str = ""  # the job centre, where meetings are held when not at the workplace
    municipality_name: str = ""


@dataclass
class Meeting:
    number: int  # 1 = the first follow-up meeting
    uid: str  # iCalendar UID, stable across updates
    start: datetime
    end: datetime
    location: str  # the address shown in the invitation
    expected_location: Location  # where it is expected to be held when invited
    sequence: int = 0
    status: MeetingStatus = MeetingStatus.INVITED
    responses: dict[str, Partstat] = field(default_factory=dict)  # attendee e-mail -> answer
    employer_took_part: bool | None = None
    actual_location: str | None = None
    held_at: datetime | None = None
    invited_at: datetime | None = None  # when this version was sent: a reminder only makes sense later


class MeasureKind(StrEnum):
    GRADUAL_RETURN = "gradual_return"
    WORK_TRIAL = "work_trial"
    WAGE_SUBSIDY = "wage_subsidy"
    MENTOR = "mentor"
    OTHER = "other"


class OutcomeKind(StrEnum):
    WORK = "work"
    EDUCATION = "education"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Measure:
    kind: str
    start_date: date
    before_week_13: bool


@dataclass(frozen=True)
class FastTrack:
    requested_by: str  # employer | employee
    requested_on: date
    due: date


@dataclass(frozen=True)
class OpenTask:
    key: str
    title: str
    what: str
    due: date
    command: str = ""


@dataclass
class TimelineEntry:
    at: datetime
    event: str
    detail: str = ""


@dataclass
class CaseState:
    reference: str
    municipality: str
    phase: Phase = Phase.INTAKE
    track: Track | None = None  # None until triaged
    triage_reason: str = ""
    rule_set: str = ""
    caseworker: Caseworker | None = None
    first_meeting_due: date | None = None
    latest_meeting_day: date | None = None
    next_deadline: date | None = None
    deadline_breached: bool = False
    meetings: list[Meeting] = field(default_factory=list)
    end_type: str | None = None
    end_date: date | None = None
    timeline: list[TimelineEntry] = field(default_factory=list)
    # The whole case process: carried across continue-as-new as part of the state.
    category: int | None = None
    expected_weeks: int = 0
    employer_expected_weeks: int | None = None
    deadlines: CaseDeadlines | None = None
    rules: RuleSet | None = None
    employer_contacted_on: date | None = None
    employer_hosts: bool | None = None  # None: not answered; False: declined to host at the workplace
    fast_track: FastTrack | None = None
    measures: list[Measure] = field(default_factory=list)
    breaches: list[str] = field(default_factory=list)
    outcome: str | None = None
    open_tasks: list[OpenTask] = field(default_factory=list)
    done: list[str] = field(default_factory=list)  # dated steps already taken, by key
    reschedule: list[str] = field(default_factory=list)  # meeting UIDs to move, with the reason in the timeline
    retry_booking_on: date | None = None
    runs: int = 1  # how many workflow runs (continue-as-new) so far
    register_writes: int = 0  # numbers each case update, for its idempotency key
    # The law as written (all defaulted, so a state carried across continue-as-new before them still loads):
    fast_track_request: FastTrackStatus | None = None  # the request and its consent; `fast_track` only when in force
    partial_recoveries: list[PartialRecovery] = field(default_factory=list)  # changes of hours, newest last
    benefit_pauses: list[BenefitPause] = field(default_factory=list)  # periods without benefit (move § 24)
    missed_targets: list[str] = field(
        default_factory=list
    )  # model targets missed; `breaches` holds statutory ones only
    info_form_sent_on: date | None = None  # oplysningsskema (§ 11) sent
    info_form_answered_on: date | None = None
    employer_pays: str | None = None  # EmployerPays value when known (§ 40); None: salary assumed
    employer_estimate_requested_on: date | None = None  # 2026 reform: the employer was asked for its estimate
    # The 2026 reform as lived (defaulted: cases opened before it keep deciding as they did):
    triage_as_lived: bool = False  # triage with the reform's paths (domain.triage flags)
    rule_set_switch: RuleSetSwitch | None = None  # a later set that takes this case over on its date
    info_form_sent_recorded: bool = False  # the form's real sending date is recorded (not intake's)
    info_form_via: str | None = None  # InfoFormSent.via: how it went out
    info_form_answer_due: date | None = None  # an agreed later answer date (§ 11 stk. 3), else None
    earlier_benefit: list[EarlierBenefit] = field(default_factory=list)  # § 24: benefit in earlier cases
    risk: RiskNote | None = None  # decision support's estimate at the latest triage
    follow_up_decisions: list[FollowUpDecision] = field(default_factory=list)  # the caseworker's, on an estimate


@dataclass(frozen=True)
class CaseView:
    """A case as the workbench shows it: the sick report (without the CPR number) and the current state."""

    case: CaseInput
    state: CaseState
