"""The case register: SQLAlchemy 2.0 tables for cases, people, meetings, messages and the audit trail."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from domain.model import MeetingStatus


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    municipality: Mapped[str] = mapped_column(String(3), index=True)
    lead_name: Mapped[str] = mapped_column(String(200))
    lead_email: Mapped[str] = mapped_column(String(254))


class CaseworkerRow(Base):
    __tablename__ = "caseworkers"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CaseRow(Base):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("municipality", "reference", name="uq_case_reference"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40))
    municipality: Mapped[str] = mapped_column(String(3), index=True)
    workflow_id: Mapped[str] = mapped_column(String(80), unique=True)
    first_day: Mapped[date] = mapped_column(Date)
    expected_weeks: Mapped[int] = mapped_column(Integer)
    employer_expected_weeks: Mapped[int | None] = mapped_column(Integer, nullable=True)
    employee_name: Mapped[str] = mapped_column(String(200))
    employee_email: Mapped[str] = mapped_column(String(254))
    employer_name: Mapped[str] = mapped_column(String(200))
    employer_cvr: Mapped[str] = mapped_column(String(8))
    workplace_address: Mapped[str] = mapped_column(String(300))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    seriously_ill: Mapped[bool] = mapped_column(Boolean, default=False)
    workplace_is_cause: Mapped[bool] = mapped_column(Boolean, default=False)
    track: Mapped[str | None] = mapped_column(String(20), nullable=True)
    triage_reason: Mapped[str | None] = mapped_column(String(60), nullable=True)
    rule_set: Mapped[str | None] = mapped_column(String(80), nullable=True)
    caseworker_id: Mapped[str | None] = mapped_column(ForeignKey("caseworkers.id"), nullable=True, index=True)
    phase: Mapped[str] = mapped_column(String(30), default="intake")
    first_meeting_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    deadline_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    end_type: Mapped[str | None] = mapped_column(String(30), nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # Added in revision 0002 (the whole case process).
    category: Mapped[int | None] = mapped_column(Integer, nullable=True)  # triage category 1 or 2
    fast_track_requested_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    fast_track_requested_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    outcome_recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Added in revision 0003 (the law as written).
    first_meeting_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)  # statutory | model_target
    partial_recovery_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # first partial recovery
    partial_recovery_hours: Mapped[float | None] = mapped_column(Float, nullable=True)  # hours per week, latest

    meetings: Mapped[list[MeetingRow]] = relationship(back_populates="case", order_by="MeetingRow.number")


class CitizenIdentity(Base):
    """CPR kept apart from the case row: only the register holds it, and nothing reads it for reports or logs."""

    __tablename__ = "citizen_identities"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    cpr: Mapped[str] = mapped_column(String(10))


class PendingIdentity(Base):
    """A CPR number on its way to citizen_identities: written by the service layer before the case's workflow
    starts (so the number is never in the workflow's input or history), moved when the case row is made."""

    __tablename__ = "pending_identities"
    municipality: Mapped[str] = mapped_column(String(3), primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), primary_key=True)
    cpr: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseworkerAssignment(Base):
    __tablename__ = "caseworker_assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    caseworker_id: Mapped[str] = mapped_column(ForeignKey("caseworkers.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(300), default="")


class MeetingRow(Base):
    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("case_id", "number", name="uq_meeting_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    caseworker_id: Mapped[str] = mapped_column(ForeignKey("caseworkers.id"), index=True)
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    location: Mapped[str] = mapped_column(String(300))
    expected_location: Mapped[str] = mapped_column(String(20))
    actual_location: Mapped[str | None] = mapped_column(String(20), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.INVITED.value)
    employer_took_part: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    held_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    case: Mapped[CaseRow] = relationship(back_populates="meetings")
    attendees: Mapped[list[MeetingAttendee]] = relationship(back_populates="meeting")


class MeetingAttendee(Base):
    __tablename__ = "meeting_attendees"
    __table_args__ = (UniqueConstraint("meeting_id", "email", name="uq_meeting_attendee"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))  # employer | employee | caseworker
    partstat: Mapped[str] = mapped_column(String(20), default="NEEDS-ACTION")
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    meeting: Mapped[MeetingRow] = relationship(back_populates="attendees")


class MessageRow(Base):
    """Every message in or out. `message_key` (case, purpose, sequence, recipient) makes a send happen once."""

    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_key: Mapped[str] = mapped_column(String(300), unique=True)
    message_id: Mapped[str] = mapped_column(String(300))
    direction: Mapped[str] = mapped_column(String(3))  # out | in
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True, index=True)
    purpose: Mapped[str] = mapped_column(String(60))
    recipients: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))  # sending | sent | received | refused
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEvent(Base):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True, index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    # Idempotency: a retried activity writes its audit event once.
    event_key: Mapped[str | None] = mapped_column(String(300), unique=True, nullable=True)


class MeasureRow(Base):
    """A workplace-based measure (virksomhedsrettet indsats): the model counts those started before week 13."""

    __tablename__ = "measures"
    __table_args__ = (UniqueConstraint("case_id", "kind", "start_date", name="uq_measure"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # gradual_return | work_trial | wage_subsidy | mentor | other
    start_date: Mapped[date] = mapped_column(Date)
    before_week_13: Mapped[bool] = mapped_column(Boolean)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DeadlineBreach(Base):
    """A statutory deadline that passed unmet: recorded, never silent. A missed target of the model is not a
    breach of the law and is kept apart (`MissedTarget`)."""

    __tablename__ = "deadline_breaches"
    __table_args__ = (UniqueConstraint("case_id", "kind", name="uq_breach"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # first_meeting | fast_track | first_conversation
    due: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MissedTarget(Base):
    """A target of the municipality's own model (\"Sammen om fastholdelse\") that passed unmet, such as the week-8
    workplace meeting under the 2026 rules: recorded and escalated, reported apart from breaches of the law."""

    __tablename__ = "missed_targets"
    __table_args__ = (UniqueConstraint("case_id", "kind", name="uq_missed_target"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # first_meeting
    due: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LearningLogEntry(Base):
    """A short note of what worked, what did not, a challenge or an idea (STAR 2025: a pilot succeeds "hvis det
    giver viden og læring"), written by a caseworker or team lead, tagged, optionally linked to a case. Free
    text: the author is warned not to write about citizens, and the evaluation export leaves a case-linked text
    out unless the author marked it clear of personal data (`clear_of_personal_data`)."""

    __tablename__ = "learning_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(3), index=True)
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    author: Mapped[str] = mapped_column(String(100))  # the roster id or e-mail, as in the audit trail
    author_role: Mapped[str] = mapped_column(String(20))  # caseworker | team_lead
    kind: Mapped[str] = mapped_column(String(20))  # worked | did_not_work | challenge | idea
    tags: Mapped[str] = mapped_column(String(200))  # '|'-separated tag keys
    text: Mapped[str] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True, index=True)
    clear_of_personal_data: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSession(Base):
    """A signed-in session of the workbench, so that signing out and an idle timeout end it on the server: the
    cookie alone (signed, but a copy works as well as the original) no longer opens pages once it has ended.
    Only a hash of the session's random id is kept."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's session id
    user_email: Mapped[str] = mapped_column(String(254), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CaseListEntry(Base):
    """The list pages' read model: each case's view as its workflow last published it, so Mine opgaver, Mine
    sager and Team read one table instead of asking every workflow. Written only by the case's own workflow
    (RegisterActivities.publish_view); `version` grows with the workflow's history, so a late retry of an older
    view never overwrites a newer one."""

    __tablename__ = "case_list"
    workflow_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    municipality: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(40))
    caseworker_id: Mapped[str] = mapped_column(String(40), default="")
    running: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    view: Mapped[str] = mapped_column(Text)  # the CaseView as JSON (never with the CPR number)

    __table_args__ = (Index("ix_case_list_caseworker", "municipality", "caseworker_id", "running"),)


class LeadTask(Base):
    """A task for the team lead that no case's workflow holds: today, a case a bulk reassignment could not hand
    over (the job's own result says why). It is open until someone handles it: the lead gives the case to a
    colleague from the task, or the case changes hands or closes by other means (then it is closed as handled
    elsewhere). `handling` is the update id of the one attempt in flight, so a form sent twice acts once."""

    __tablename__ = "lead_tasks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(3))
    team_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))  # "handover_refused"
    source: Mapped[str] = mapped_column(String(120))  # the bulk job's workflow id
    reference: Mapped[str] = mapped_column(String(40))
    caseworker_id: Mapped[str] = mapped_column(String(40))  # who held the case when the task was made
    detail: Mapped[str] = mapped_column(Text, default="")  # Danish: why it was not handed over
    request_reason: Mapped[str] = mapped_column(Text, default="")  # the lead's reason for the bulk job
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    handling: Mapped[str | None] = mapped_column(String(160), nullable=True)
    handling_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(100), default="")
    resolution: Mapped[str] = mapped_column(Text, default="")  # Danish: what was done

    __table_args__ = (
        UniqueConstraint("source", "reference", "kind", name="uq_lead_task_source"),
        Index("ix_lead_tasks_open", "municipality", "team_id", "resolved_at"),
    )
