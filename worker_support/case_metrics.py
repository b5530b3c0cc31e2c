"""The case metrics operations act on, for Prometheus (the SDK's own metrics: observability/runtime.py).

Why two endpoints: the SDK's metrics (task slots, poll latencies, workflow task failures; served by the SDK's
core on FASTHOLD_METRICS_PORT) say whether the engine is healthy; the case metrics (FASTHOLD_CASE_METRICS_PORT)
say whether cases are: open cases by phase, deadline breaches (the law), missed targets (the model's own, kept
apart: docs/domain.md) and deadlines at risk, mails sent / failed /
refused, replies received / refused, caseworker tasks open and overdue, steps that alerted operations.
The README's metric table is checked against this registry (tests/unit/test_monitoring.py); the alerts and
the dashboard built on them are in deploy/.

The case metrics are computed from the register, not counted inside the workflow, so the workflow's code
(and its replay) is untouched and every worker replica reports the same numbers (aggregate with `max`, not
`sum`, across replicas). Open tasks live only in the running cases, so they come from the `state_now` query
of each running case. Both are recomputed every FASTHOLD_CASE_METRICS_REFRESH_SECONDS in the background, never
per scrape, so a scrape is cheap and a slow database cannot stall Prometheus.

Mail attempts are also counted as they happen, per worker (`fasthold_mail_attempts_total`), by an activity
interceptor that also marks a refused message as `refused` in the register (the activity leaves it
`sending`, since the workflow, not the activity, decides what a refusal means for the case).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import date, datetime, timedelta, timezone

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server
from sqlalchemy import and_, exists, func, select
from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from domain.calendar_dk import add_working_days
from domain.localtime import LOCAL_TZ
from mailing.reply_policy import REFUSED_REASONS, refused_reason
from register.db import Register
from register.models import AuditEvent, CaseRow, DeadlineBreach, MeetingAttendee, MeetingRow, MessageRow, MissedTarget
from workflows.case_workflow import CaseWorkflow

log = logging.getLogger("fasthold.metrics")
STUCK_AFTER = timedelta(minutes=10)  # a message still 'sending' this long was not delivered: failed
PHASES = ("intake", "employer_contact", "booking", "meeting_booked", "follow_up", "watch")
# Every series exists from the start with 0, so an alert on its increase sees the first one (a series that
# appears at 1 has no increase to see) and a dashboard shows 0 rather than "no data".
BREACH_KINDS = ("first_meeting", "fast_track", "first_conversation")
MISSED_TARGET_KINDS = ("first_meeting",)
MAIL_STATUSES = ("sent", "pending", "failed", "refused")
REPLY_STATUSES = ("received", "refused")
MAIL_OUTCOMES = ("sent", "already_sent", "refused", "failed")


class CaseMetrics:
    """The case metrics in their own registry, refreshed in the background."""

    def __init__(self, register: Register, client=None, *, risk_working_days: int = 5, task_queries: int = 2000):
        self.register, self.client = register, client
        self.risk_working_days, self.task_queries = risk_working_days, task_queries
        self.registry = CollectorRegistry()
        r = self.registry
        self.cases_open = Gauge("fasthold_cases_open", "Open cases by phase (register).", ["phase"], registry=r)
        self.cases_closed = Gauge("fasthold_cases_closed", "Closed cases (register).", registry=r)
        self.breaches = Gauge(
            "fasthold_deadline_breaches", "Recorded deadline breaches by kind (register).", ["kind"], registry=r
        )
        self.missed_targets = Gauge(
            "fasthold_missed_targets",
            "Recorded missed targets of the model by kind (register); not breaches of the law.",
            ["kind"],
            registry=r,
        )
        self.operations_alerts = Gauge(
            "fasthold_operations_alerts", "Steps that kept failing and alerted operations (register).", registry=r
        )
        self.breached_open = Gauge("fasthold_cases_breached_open", "Open cases with a breached deadline.", registry=r)
        self.at_risk = Gauge(
            "fasthold_deadlines_at_risk",
            "Open cases whose first-meeting deadline is within the risk window, not yet met.",
            registry=r,
        )
        self.mails = Gauge(
            "fasthold_mails",
            "Outgoing mails by status (register): sent, pending, failed, refused.",
            ["status"],
            registry=r,
        )
        self.replies = Gauge(
            "fasthold_replies", "Inbound replies by status (register): received, refused.", ["status"], registry=r
        )
        self.replies_refused = Gauge(
            "fasthold_replies_refused",
            "Refused inbound messages by reason (register): unknown_uid (answers no meeting we know), unreadable "
            "(no usable calendar answer), unverified, other.",
            ["reason"],
            registry=r,
        )
        self.tasks_open = Gauge("fasthold_tasks_open", "Open caseworker tasks in running cases.", registry=r)
        self.tasks_overdue = Gauge("fasthold_tasks_overdue", "Open caseworker tasks past their due date.", registry=r)
        self.tasks_cases = Gauge("fasthold_tasks_cases_queried", "Running cases asked for their tasks.", registry=r)
        self.query_errors = Counter(
            "fasthold_case_query_errors", "Running cases that did not answer the query.", registry=r
        )
        self.refresh_seconds = Gauge("fasthold_case_metrics_refresh_seconds", "Time the last refresh took.", registry=r)
        self.refreshed_at = Gauge(
            "fasthold_case_metrics_refreshed_timestamp_seconds",
            "When the case metrics were last refreshed.",
            registry=r,
        )
        self.mail_attempts = Counter(
            "fasthold_mail_attempts", "Mail sending attempts in this worker by outcome.", ["outcome"], registry=r
        )
        for phase in PHASES:
            self.cases_open.labels(phase)
        for kind in BREACH_KINDS:
            self.breaches.labels(kind)
        for kind in MISSED_TARGET_KINDS:
            self.missed_targets.labels(kind)
        for status in MAIL_STATUSES:
            self.mails.labels(status)
        for status in REPLY_STATUSES:
            self.replies.labels(status)
        for reason in REFUSED_REASONS:
            self.replies_refused.labels(reason)
        for outcome in MAIL_OUTCOMES:
            self.mail_attempts.labels(outcome)
        self._server = None
        self._task: asyncio.Task | None = None

    # ------------------------------------------------------------------ from the register
    def refresh_register(self, today: date | None = None, now: datetime | None = None) -> None:
        now = now or datetime.now(timezone.utc)
        today = today or now.astimezone(LOCAL_TZ).date()
        risk_until = add_working_days(today, self.risk_working_days)
        with self.register.session() as s:
            by_phase = dict(
                s.execute(
                    select(CaseRow.phase, func.count()).where(CaseRow.closed_at.is_(None)).group_by(CaseRow.phase)
                ).all()
            )
            closed = s.scalar(select(func.count()).select_from(CaseRow).where(CaseRow.closed_at.is_not(None)))
            breaches = dict(s.execute(select(DeadlineBreach.kind, func.count()).group_by(DeadlineBreach.kind)).all())
            missed = dict(s.execute(select(MissedTarget.kind, func.count()).group_by(MissedTarget.kind)).all())
            alerts = s.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "operations_alert")
            )
            breached_open = s.scalar(
                select(func.count())
                .select_from(CaseRow)
                .where(CaseRow.closed_at.is_(None), CaseRow.deadline_breached.is_(True))
            )
            # As the workflow's own check: safe once the first meeting is held, or booked in time and accepted by
            # both employer and employee; otherwise at risk when the deadline is this close.
            held = exists().where(and_(MeetingRow.case_id == CaseRow.id, MeetingRow.status == "held"))
            not_accepted = exists().where(
                and_(
                    MeetingAttendee.meeting_id == MeetingRow.id,
                    MeetingAttendee.role.in_(("employer", "employee")),
                    MeetingAttendee.partstat != "ACCEPTED",
                )
            )
            accepted_in_time = exists().where(
                and_(
                    MeetingRow.case_id == CaseRow.id,
                    MeetingRow.status == "invited",
                    func.date(MeetingRow.start) <= CaseRow.first_meeting_due,
                    ~not_accepted,
                )
            )
            # A week-8 target already missed (2026 rules) is recorded as such, not a risk any more.
            target_missed = exists().where(
                and_(MissedTarget.case_id == CaseRow.id, MissedTarget.kind == "first_meeting")
            )
            at_risk = s.scalar(
                select(func.count())
                .select_from(CaseRow)
                .where(
                    CaseRow.closed_at.is_(None),
                    CaseRow.deadline_breached.is_(False),
                    ~target_missed,
                    CaseRow.first_meeting_due.is_not(None),
                    CaseRow.first_meeting_due <= risk_until,
                    CaseRow.phase.in_(("employer_contact", "booking", "meeting_booked")),
                    ~held,
                    ~accepted_in_time,
                )
            )
            out = dict(
                s.execute(
                    select(MessageRow.status, func.count())
                    .where(MessageRow.direction == "out")
                    .group_by(MessageRow.status)
                ).all()
            )
            stuck = s.scalar(
                select(func.count())
                .select_from(MessageRow)
                .where(
                    MessageRow.direction == "out",
                    MessageRow.status == "sending",
                    MessageRow.created_at < now - STUCK_AFTER,
                )
            )
            inbound = dict(
                s.execute(
                    select(MessageRow.status, func.count())
                    .where(MessageRow.direction == "in")
                    .group_by(MessageRow.status)
                ).all()
            )
            refused_details = s.execute(
                select(MessageRow.detail, func.count())
                .where(MessageRow.direction == "in", MessageRow.status == "refused")
                .group_by(MessageRow.detail)
            ).all()
        for phase in set(PHASES) | set(by_phase):
            if phase != "closed":
                self.cases_open.labels(phase).set(by_phase.get(phase, 0))
        self.cases_closed.set(closed or 0)
        for kind in set(breaches) | set(BREACH_KINDS):
            self.breaches.labels(kind).set(breaches.get(kind, 0))
        for kind in set(missed) | set(MISSED_TARGET_KINDS):
            self.missed_targets.labels(kind).set(missed.get(kind, 0))
        self.operations_alerts.set(alerts or 0)
        self.breached_open.set(breached_open or 0)
        self.at_risk.set(at_risk or 0)
        self.mails.labels("sent").set(out.get("sent", 0))
        self.mails.labels("failed").set(stuck or 0)
        self.mails.labels("pending").set(out.get("sending", 0) - (stuck or 0))
        self.mails.labels("refused").set(out.get("refused", 0))
        self.replies.labels("received").set(inbound.get("received", 0))
        self.replies.labels("refused").set(inbound.get("refused", 0))
        by_reason = dict.fromkeys(REFUSED_REASONS, 0)
        for detail, count in refused_details:
            by_reason[refused_reason(detail or "")] += count
        for reason, count in by_reason.items():
            self.replies_refused.labels(reason).set(count)

    # ------------------------------------------------------------------ from the running cases
    async def refresh_tasks(self, today: date | None = None) -> None:
        if self.client is None:
            return
        today = today or datetime.now(LOCAL_TZ).date()
        ids = []
        async for execution in self.client.list_workflows(
            "WorkflowType = 'CaseWorkflow' AND ExecutionStatus = 'Running'", limit=self.task_queries
        ):
            ids.append(execution.id)
        gate = asyncio.Semaphore(8)

        async def tasks_of(workflow_id: str):
            async with gate:
                try:
                    state = await asyncio.wait_for(
                        self.client.get_workflow_handle(workflow_id).query(CaseWorkflow.state_now), 15
                    )
                    return state.open_tasks
                except Exception:  # a case being moved between workers answers next time
                    self.query_errors.inc()
                    return None

        answers = await asyncio.gather(*(tasks_of(i) for i in ids))
        tasks = [t for found in answers if found for t in found]
        self.tasks_cases.set(sum(1 for a in answers if a is not None))
        self.tasks_open.set(len(tasks))
        self.tasks_overdue.set(sum(1 for t in tasks if t.due < today))

    async def refresh(self) -> None:
        started = time.monotonic()
        await asyncio.to_thread(self.refresh_register)
        await self.refresh_tasks()
        self.refresh_seconds.set(time.monotonic() - started)
        self.refreshed_at.set(time.time())

    # ------------------------------------------------------------------ serving
    def serve(self, host: str, port: int) -> None:
        self._server, _thread = start_http_server(port, addr=host, registry=self.registry)

    async def run(self, every_seconds: float) -> None:
        while True:
            try:
                await self.refresh()
            except Exception as err:  # the metrics go stale (refreshed_timestamp shows it); the worker goes on
                log.warning("case metrics refresh failed: %s", type(err).__name__)
            await asyncio.sleep(every_seconds)

    def start(self, host: str, port: int, every_seconds: float) -> CaseMetrics:
        self.serve(host, port)
        self._task = asyncio.get_running_loop().create_task(self.run(every_seconds), name="case-metrics")
        return self

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def interceptor(self) -> MailOutcomeInterceptor:
        return MailOutcomeInterceptor(self)


class MailOutcomeInterceptor(Interceptor):
    """Counts send_mail outcomes and records a refusal in the register (see the module docstring)."""

    def __init__(self, metrics: CaseMetrics):
        self.metrics = metrics

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _MailOutcome(next, self.metrics)


class _MailOutcome(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, metrics: CaseMetrics):
        super().__init__(next)
        self.metrics = metrics

    async def execute_activity(self, input: ExecuteActivityInput):
        if activity.info().activity_type != "send_mail":
            return await super().execute_activity(input)
        try:
            result = await super().execute_activity(input)
        except ApplicationError as err:
            if err.type == "RecipientRefused":
                self.metrics.mail_attempts.labels("refused").inc()
                key = getattr(input.args[0], "key", None) if input.args else None
                if key:
                    await asyncio.to_thread(self._mark_refused, key, str(err))
            else:
                self.metrics.mail_attempts.labels("failed").inc()
            raise
        except Exception:
            self.metrics.mail_attempts.labels("failed").inc()
            raise
        self.metrics.mail_attempts.labels("already_sent" if result == "already_sent" else "sent").inc()
        return result

    def _mark_refused(self, key: str, detail: str) -> None:
        try:
            with self.metrics.register.session() as s:
                row = s.scalar(select(MessageRow).where(MessageRow.message_key == key))
                if row is not None and row.status == "sending":
                    row.status, row.detail = "refused", detail[:500]
        except Exception as err:  # the count is a metric; the case goes on regardless
            log.warning("could not mark a refused message: %s", type(err).__name__)
