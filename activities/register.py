"""Activities that write the case register. Each is idempotent: a retry leaves one row, not two."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.register_meetings import MeetingRegister

# The requests are imported for the activities' signatures; the workflows import them from here too.
from activities.register_requests import (  # noqa: F401
    AssignRequest,
    BreachRecord,
    BusyRequest,
    CaseUpdate,
    EarlierBenefitRequest,
    MeasureRecord,
    MeetingRecord,
    ReserveRequest,
)
from activities.register_rows import audit_once, case_row
from domain.model import CaseInput, Caseworker, EarlierBenefit
from register.case_list import PublishedView, publish
from register.db import Register
from register.models import (
    AuditEvent,
    CaseRow,
    CaseworkerAssignment,
    CaseworkerRow,
    CitizenIdentity,
    DeadlineBreach,
    MeasureRow,
    MissedTarget,
    PendingIdentity,
    Team,
)
from register.roster import team_config, working_hours

UPDATABLE_CASE_FIELDS = {
    "track",
    "triage_reason",
    "rule_set",
    "phase",
    "first_meeting_due",
    "deadline_breached",
    "closed_at",
    "end_type",
    "end_date",
    "outcome",
    "expected_weeks",
    "employer_expected_weeks",
    "category",
    "fast_track_requested_by",
    "fast_track_requested_on",
    "outcome_recorded_at",
    "first_meeting_kind",
    "partial_recovery_on",
    "partial_recovery_hours",
}


DATE_FIELDS = {"first_meeting_due", "end_date", "fast_track_requested_on", "partial_recovery_on"}
DATETIME_FIELDS = {"closed_at", "outcome_recorded_at"}


def _from_json(name: str, value):
    # Values inside a dict cross Temporal's JSON converter as strings; the columns want dates.
    if isinstance(value, str) and name in DATE_FIELDS:
        return date.fromisoformat(value)
    if isinstance(value, str) and name in DATETIME_FIELDS:
        return datetime.fromisoformat(value)
    return value


def _jsonable(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


class RegisterActivities(MeetingRegister):
    def __init__(self, register: Register, roster: dict, clock: Callable[[], datetime] = wall_clock):
        # `clock` stamps rows (opened_at, audit times); a simulation passes the simulated clock.
        self.register = register
        self.roster = roster
        self.clock = clock

    @activity.defn
    def register_case(self, case: CaseInput) -> None:
        now = self.clock()
        with self.register.session() as session:
            existing = session.scalar(
                select(CaseRow).where(CaseRow.reference == case.reference, CaseRow.municipality == case.municipality)
            )
            if existing is not None:
                return
            row = CaseRow(
                reference=case.reference,
                municipality=case.municipality,
                workflow_id=case.workflow_id,
                first_day=case.first_day,
                expected_weeks=case.expected_weeks,
                employer_expected_weeks=case.employer_expected_weeks,
                employee_name=case.employee.name,
                employee_email=case.employee.email,
                employer_name=case.employer.name,
                employer_cvr=case.employer.cvr,
                workplace_address=case.employer.workplace_address,
                contact_name=case.employer.contact_name,
                contact_email=case.employer.contact_email,
                contact_phone=case.employer.contact_phone,
                seriously_ill=case.seriously_ill,
                workplace_is_cause=case.workplace_is_cause,
                phase="intake",
                opened_at=now,
            )
            session.add(row)
            session.flush()
            # The service layer kept the CPR number apart (register.identities): it never enters the workflow.
            pending = session.get(PendingIdentity, (case.municipality, case.reference))
            cpr = case.employee.cpr or (pending.cpr if pending is not None else None)  # the first: older cases
            if cpr:
                session.add(CitizenIdentity(case_id=row.id, cpr=cpr))
            if pending is not None:
                session.delete(pending)
            audit_once(
                session,
                row.id,
                f"{case.workflow_id}/registered",
                "case_registered",
                "engine",
                {"first_day": case.first_day.isoformat(), "expected_weeks": case.expected_weeks},
                now,
            )

    @activity.defn
    def publish_view(self, published: PublishedView) -> None:
        """The list pages' read model: the case's view as its workflow sees it now (register/case_list.py)."""
        publish(self.register, published)

    @activity.defn
    def earlier_benefit_periods(self, request: EarlierBenefitRequest) -> list[EarlierBenefit]:
        """Sickness benefit paid to the same person in earlier, ended cases of this register (§ 24 counts it):
        found by the identity the register holds for this case, which never leaves the register. Each earlier
        case gives its days after its employer period up to its end, less the periods without benefit recorded
        on it (split into separate periods). None when the case has no identity (it was never given one)."""
        with self.register.session() as session:
            case = case_row(session, request.reference, request.municipality)
            identity = session.get(CitizenIdentity, case.id)
            if identity is None:
                return []
            earlier = session.scalars(
                select(CaseRow)
                .join(CitizenIdentity, CitizenIdentity.case_id == CaseRow.id)
                .where(
                    CitizenIdentity.cpr == identity.cpr,
                    CaseRow.id != case.id,
                    CaseRow.end_date.is_not(None),
                    CaseRow.first_day < request.first_day,
                )
                .order_by(CaseRow.first_day)
            ).all()
            periods: list[EarlierBenefit] = []
            for row in earlier:
                start = row.first_day + timedelta(days=request.employer_period_days)
                end = min(row.end_date, request.first_day - timedelta(days=1))
                pauses = sorted(
                    (date.fromisoformat(e.detail["start"]), date.fromisoformat(e.detail["end"]))
                    for e in session.scalars(
                        select(AuditEvent).where(AuditEvent.case_id == row.id, AuditEvent.action == "benefit_pause")
                    )
                )
                for pause_start, pause_end in pauses:
                    if start < pause_start <= end:
                        periods.append(
                            EarlierBenefit(start, pause_start - timedelta(days=1), "register", row.reference)
                        )
                    start = max(start, pause_end + timedelta(days=1))
                if start <= end:
                    periods.append(EarlierBenefit(start, end, "register", row.reference))
            return periods

    @activity.defn
    def assign_caseworker(self, request: AssignRequest) -> Caseworker:
        """Give the case ONE caseworker: a named one, or the active one in the municipality with fewest open cases."""
        now = self.clock()
        with self.register.session() as session:
            case = case_row(session, request.reference, request.municipality)
            chosen = self._choose(session, case, request)
            if case.caseworker_id != chosen.id:
                case.caseworker_id = chosen.id
                session.add(
                    CaseworkerAssignment(
                        case_id=case.id, caseworker_id=chosen.id, assigned_at=now, reason=request.reason
                    )
                )
                session.add(
                    AuditEvent(
                        case_id=case.id,
                        at=now,
                        actor="engine",
                        action="caseworker_assigned",
                        detail={"caseworker": chosen.id, "reason": request.reason},
                    )
                )
            return self._profile(session, chosen)

    @activity.defn
    def look_up_caseworker(self, request: AssignRequest) -> Caseworker:
        """The caseworker `assign_caseworker` would give the case, without giving it: a handover first places the
        case's meetings in the new caseworker's calendar and assigns only when they all have a place."""
        with self.register.session() as session:
            return self._profile(
                session, self._choose(session, case_row(session, request.reference, request.municipality), request)
            )

    def _choose(self, session, case: CaseRow, request: AssignRequest) -> CaseworkerRow:
        if request.caseworker_id:
            chosen = session.get(CaseworkerRow, request.caseworker_id)
            if chosen is None or not chosen.active:
                raise ApplicationError(
                    f"sagsbehandleren {request.caseworker_id!r} findes ikke eller er ikke aktiv",
                    type="UnknownCaseworker",
                    non_retryable=True,
                )
            return chosen
        if case.caseworker_id and case.caseworker_id not in request.exclude:
            return session.get(CaseworkerRow, case.caseworker_id)  # already assigned: a retry
        open_cases = (
            select(CaseRow.caseworker_id, func.count().label("n"))
            .where(CaseRow.closed_at.is_(None))
            .group_by(CaseRow.caseworker_id)
            .subquery()
        )
        chosen = session.scalars(
            select(CaseworkerRow)
            .join(Team, Team.id == CaseworkerRow.team_id)
            .outerjoin(open_cases, open_cases.c.caseworker_id == CaseworkerRow.id)
            .where(
                Team.municipality == request.municipality,
                CaseworkerRow.active.is_(True),
                CaseworkerRow.id.not_in(request.exclude),
            )
            .order_by(func.coalesce(open_cases.c.n, 0), CaseworkerRow.id)
        ).first()
        if chosen is None:
            raise LookupError(f"no active caseworker in the roster for municipality {request.municipality}")
        return chosen

    def _profile(self, session, chosen: CaseworkerRow) -> Caseworker:
        team = session.get(Team, chosen.team_id)
        hours = working_hours(self.roster, chosen.id)
        return Caseworker(
            id=chosen.id,
            name=chosen.name,
            email=chosen.email,
            phone=chosen.phone,
            team_id=team.id,
            team_name=team.name,
            lead_name=team.lead_name,
            lead_email=team.lead_email,
            work_days=tuple(hours.get("days", (0, 1, 2, 3, 4))),
            work_start=hours.get("start", "09:00"),
            work_end=hours.get("end", "15:00"),
            office_address=team_config(self.roster, team.id).get("office", ""),
            municipality_name=team_config(self.roster, team.id).get("municipality_name", ""),
        )

    @activity.defn
    def update_case(self, update: CaseUpdate) -> None:
        unknown = set(update.fields) - UPDATABLE_CASE_FIELDS
        if unknown:
            raise ValueError(f"not updatable case fields: {sorted(unknown)}")
        now = self.clock()
        with self.register.session() as session:
            case = case_row(session, update.reference, update.municipality)
            if not audit_once(
                session,
                case.id,
                update.event_key,
                update.action,
                update.actor,
                {**{k: _jsonable(v) for k, v in update.fields.items()}, **update.detail},
                now,
            ):
                return
            for name, value in update.fields.items():
                setattr(case, name, _from_json(name, value))

    @activity.defn
    def record_breach(self, breach: BreachRecord) -> None:
        now = self.clock()
        with self.register.session() as session:
            case = case_row(session, breach.reference, breach.municipality)
            if (
                session.scalar(
                    select(DeadlineBreach.id).where(
                        DeadlineBreach.case_id == case.id, DeadlineBreach.kind == breach.kind
                    )
                )
                is None
            ):
                session.add(DeadlineBreach(case_id=case.id, kind=breach.kind, due=breach.due, recorded_at=now))
                case.deadline_breached = True
                session.add(
                    AuditEvent(
                        case_id=case.id,
                        at=now,
                        actor="engine",
                        action="deadline_breached",
                        detail={"kind": breach.kind, "due": breach.due.isoformat()},
                    )
                )

    @activity.defn
    def record_missed_target(self, missed: BreachRecord) -> None:
        """A missed target of the model: its own table, and the case is NOT flagged as breached."""
        now = datetime.now(timezone.utc)
        with self.register.session() as session:
            case = case_row(session, missed.reference, missed.municipality)
            if (
                session.scalar(
                    select(MissedTarget.id).where(MissedTarget.case_id == case.id, MissedTarget.kind == missed.kind)
                )
                is None
            ):
                session.add(MissedTarget(case_id=case.id, kind=missed.kind, due=missed.due, recorded_at=now))
                session.add(
                    AuditEvent(
                        case_id=case.id,
                        at=now,
                        actor="engine",
                        action="target_missed",
                        detail={"kind": missed.kind, "due": missed.due.isoformat()},
                    )
                )

    @activity.defn
    def save_measure(self, record: MeasureRecord) -> None:
        now = self.clock()
        measure = record.measure
        with self.register.session() as session:
            case = case_row(session, record.reference, record.municipality)
            exists = session.scalar(
                select(MeasureRow.id).where(
                    MeasureRow.case_id == case.id,
                    MeasureRow.kind == measure.kind,
                    MeasureRow.start_date == measure.start_date,
                )
            )
            if exists is None:
                session.add(
                    MeasureRow(
                        case_id=case.id,
                        kind=measure.kind,
                        start_date=measure.start_date,
                        before_week_13=measure.before_week_13,
                        registered_at=now,
                    )
                )
                session.add(
                    AuditEvent(
                        case_id=case.id,
                        at=now,
                        actor="caseworker",
                        action="measure_started",
                        detail={"kind": measure.kind, "start_date": measure.start_date.isoformat()},
                    )
                )
