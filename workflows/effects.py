"""What a case does to the world, as thin calls of activities: write the register, send a mail, send an
invitation, give the caseworker a task, tell the team lead. No decision is made here; the process decides.

A mixin of `CaseWorkflow`: it uses the case (`self.case`) and its state (`self.state`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, RetryState

with workflow.unsafe.imports_passed_through():
    from activities.mail import CaseSummary, MailActivities, OutgoingMail, Recipient, Task
    from activities.planning import PlanningActivities, SlotRequest
    from activities.register import CaseUpdate, MeetingRecord, RegisterActivities, ReserveRequest
    from domain import labels
    from domain.agenda import next_deadline
    from domain.calendar_dk import add_working_days
    from domain.decisions import Context, task_command
    from domain.localtime import local_date, local_end_of_day, local_midnight
    from domain.model import Meeting, OpenTask, OutcomeKind, Phase, Role, TimelineEntry
    from domain.practice import (
        ATTEMPTS_BEFORE_ALERT,
        HOURS_BETWEEN_ALERTED_RETRIES,
        MEETING_MINUTES,
        MEETING_NOTICE_WORKING_DAYS,
    )
    from engine import search_attributes as sa

ACTIVITY_TIMEOUT = timedelta(minutes=2)
# Mail and database outages are waited out, not given up on: a case must never silently lose a step.
RETRY = RetryPolicy(initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=10))
BOUNDED_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    maximum_interval=timedelta(minutes=10),
    maximum_attempts=ATTEMPTS_BEFORE_ALERT,
)
# Changes to a running case's code path are guarded, so cases started before them replay unchanged.
PATCH_BOUNDED_RETRY = "bounded-retry-then-alert"
PATCH_ESCALATION_COPY = "escalation-copy-to-caseworker"
PATCH_AUDIT_ACTIONS = "audit-human-actions"
# Booking chooses and reserves the time in one register transaction (`reserve_slot`) instead of a look-up and
# a save that a burst of cases for the same caseworker raced each other on.
PATCH_ATOMIC_BOOKING = "atomic-booking"


class CaseEffects:
    # ------------------------------------------------------------------ who takes part
    @property
    def employer(self) -> Recipient:
        return Recipient(self.case.employer.contact_name, self.case.employer.contact_email, Role.EMPLOYER.value)

    @property
    def employee(self) -> Recipient:
        return Recipient(self.case.employee.name, self.case.employee.email, Role.EMPLOYEE.value)

    @property
    def caseworker_recipient(self) -> Recipient:
        worker = self.state.caseworker
        return Recipient(worker.name, worker.email, Role.CASEWORKER.value)

    def attendee_roles(self) -> dict[str, str]:
        return {r.email.lower(): r.role for r in (self.employer, self.employee, self.caseworker_recipient)}

    def role_of(self, email: str) -> str:
        return self.attendee_roles().get(email.lower(), "ukendt")

    # ------------------------------------------------------------------ the activities
    async def activity(self, fn, arg):
        """Run an activity until it succeeds. Outages are waited out, but never silently: after a bounded number
        of attempts operations are alerted (the team lead is told, the register counts it) and the step is tried
        again every hour. Refusals the activity marks non-retryable come straight back to the caller."""
        if not workflow.patched(PATCH_BOUNDED_RETRY):
            return await self._execute(fn, arg, RETRY)
        alerted = False
        while True:
            try:
                return await self._execute(fn, arg, BOUNDED_RETRY)
            except ActivityError as err:
                if err.retry_state != RetryState.MAXIMUM_ATTEMPTS_REACHED or self._alerting:
                    raise
            if not alerted:
                alerted = True
                await self.alert_operations(getattr(fn, "__name__", str(fn)))
            await workflow.sleep(timedelta(hours=HOURS_BETWEEN_ALERTED_RETRIES))

    async def _execute(self, fn, arg, retry: RetryPolicy):
        if self.case.local_activities:  # a simulation: see CaseInput.local_activities
            return await workflow.execute_local_activity_method(
                fn, arg, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=retry
            )
        return await workflow.execute_activity_method(
            fn, arg, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=retry
        )

    _alerting = False

    async def alert_operations(self, step: str) -> None:
        """Tell the team lead (and the register, for the metrics) that a step keeps failing. Best effort: the
        alert's own mail or write may fail for the same reason, and must not stop the retrying."""
        self.note("operations_alert", step)
        self._alerting = True
        try:
            for effect in (
                lambda: self.escalate(
                    labels.operations_alert(step, ATTEMPTS_BEFORE_ALERT),
                    key=f"operations/{step}/{len(self.state.timeline)}",
                ),
                lambda: self._execute(
                    RegisterActivities.update_case,
                    self.case_update("operations_alert", {}, detail={"step": step}),
                    BOUNDED_RETRY,
                ),
            ):
                try:
                    await effect()
                except ActivityError:
                    pass
        finally:
            self._alerting = False

    def summary(self) -> CaseSummary:
        worker = self.state.caseworker
        return CaseSummary(
            reference=self.case.reference,
            municipality=self.case.municipality,
            employee_name=self.case.employee.name,
            employer_name=self.case.employer.name,
            workplace_address=self.case.employer.workplace_address,
            contact_name=self.case.employer.contact_name,
            caseworker_name=worker.name,
            caseworker_email=worker.email,
            caseworker_phone=worker.phone,
            first_day=self.case.first_day,
            first_meeting_due=self.deadlines.first_meeting_due,
            municipality_name=worker.municipality_name or f"kommune {self.case.municipality}",
        )

    def command(self, verb: str, options: str) -> str:
        """The command line that does a task, for the task e-mail."""
        return task_command(self.case, verb, options)

    def context(self) -> Context:
        """What the pure decisions (domain.decisions) know besides the state."""
        return Context(self.case, workflow.now(), self.attendee_roles(), ended=self.end is not None)

    def case_update(self, action: str, fields: dict, actor: str = "engine", detail: dict | None = None) -> CaseUpdate:
        self.state.register_writes += 1
        return CaseUpdate(
            self.case.reference,
            self.case.municipality,
            event_key=f"{workflow.info().workflow_id}/{self.state.register_writes}/{action}",
            action=action,
            actor=actor,
            fields=fields,
            detail=detail or {},
        )

    async def audit(self, action: str, actor: str, **detail: str) -> None:
        """Who did what to the case, in the register's audit trail (cases started before this was added don't)."""
        if workflow.patched(PATCH_AUDIT_ACTIONS):
            await self.activity(
                RegisterActivities.update_case, self.case_update(action, {}, actor=actor or "ukendt", detail=detail)
            )

    async def send(self, kind: str, recipient: Recipient, *, key_suffix: str = "", **fields) -> None:
        """One e-mail, once per (case, kind, occasion, recipient) however often it is retried."""
        key = f"{workflow.info().workflow_id}/{kind}{key_suffix}/{recipient.email}"
        try:
            await self.activity(
                MailActivities.send_mail,
                OutgoingMail(
                    key=key,
                    kind=kind,
                    case=self.summary(),
                    recipient=recipient,
                    deadline=fields.pop("deadline", self.deadlines.first_meeting_due),
                    **fields,
                ),
            )
        except ActivityError as err:
            refused = isinstance(err.cause, ApplicationError) and err.cause.type == "RecipientRefused"
            if not refused or recipient.role == Role.TEAM_LEAD.value:
                raise
            # A refused address must not stop the case: the team lead is told, and the process goes on.
            self.note("mail_refused", f"{kind} til {recipient.role}")
            await self.escalate(labels.address_refused(recipient.role, kind), key=f"refused/{recipient.role}/{kind}")

    async def invite(self, meeting: Meeting, *, cancel: bool = False, reason: str = "") -> None:
        """Send the meeting (REQUEST) or its cancellation (CANCEL) to every attendee, once per sequence."""
        attendees = (self.employer, self.employee, self.caseworker_recipient)
        for recipient in attendees:
            await self.send(
                "cancellation" if cancel else "invitation",
                recipient,
                key_suffix=f"/{meeting.uid}/{meeting.sequence}",
                meeting=meeting,
                calendar_method="CANCEL" if cancel else "REQUEST",
                attendees=attendees,
                reason=reason,
            )

    async def task(self, key: str, text: labels.TaskText, due: date, command: str = "") -> None:
        """A task e-mail to the caseworker; it stays open (and moves with a reassignment) until done."""
        task = Task(title=text.title, what=text.what, due=due, command=command)
        self.state.open_tasks.append(OpenTask(key, task.title, task.what, task.due, task.command))
        await self.send("caseworker_task", self.caseworker_recipient, key_suffix=f"/{key}", task=task)
        self.note("caseworker_task", task.title)

    def close_task(self, key: str) -> None:
        self.state.open_tasks = [t for t in self.state.open_tasks if t.key != key]

    async def escalate(self, reason: str, *, key: str, deadline: date | None = None) -> None:
        """Tell the team lead that a deadline is at risk or missed; `key` makes it one e-mail per occasion. The
        subject names `deadline` (by default the first meeting's)."""
        worker = self.state.caseworker
        lead = Recipient(worker.lead_name, worker.lead_email, Role.TEAM_LEAD.value)
        dated = {"deadline": deadline} if deadline else {}
        await self.send(
            "escalation", lead, key_suffix=f"/{key}", reason=reason, extra={"team_lead_name": worker.lead_name}, **dated
        )
        if workflow.patched(PATCH_ESCALATION_COPY):
            # The caseworker sees what the team lead was told, so an escalation never surprises them.
            await self.send(
                "escalation",
                self.caseworker_recipient,
                key_suffix=f"/{key}",
                reason=reason,
                extra={"team_lead_name": worker.lead_name},
                **dated,
            )
        self.note("escalated", reason)

    async def record_outcome_value(self, outcome: OutcomeKind | str) -> None:
        outcome = OutcomeKind(outcome).value
        self.state.outcome = outcome
        self.close_task("outcome")
        await self.activity(
            RegisterActivities.update_case,
            self.case_update("outcome", {"outcome": outcome, "outcome_recorded_at": workflow.now()}),
        )
        self.note("outcome_recorded", outcome)

    # ------------------------------------------------------------------ meetings in the register
    async def claim(self, meeting: Meeting) -> bool:
        """Save a new time for a meeting; False when another case booked the caseworker at that time first."""
        try:
            await self.save(meeting)
            return True
        except ActivityError as err:
            if isinstance(err.cause, ApplicationError) and err.cause.type == "SlotTaken":
                self.note("slot_taken", meeting.start.isoformat())
                return False
            raise

    async def save(self, meeting: Meeting) -> None:
        await self.activity(
            RegisterActivities.save_meeting,
            MeetingRecord(
                self.case.reference, self.case.municipality, self.state.caseworker.id, meeting, self.attendee_roles()
            ),
        )

    async def reserve(self, meeting: Meeting, latest_day: date, avoid: tuple[datetime, ...] = ()) -> Meeting | None:
        """Book `meeting` at the caseworker's first free time by `latest_day`, in one step; None if none is free."""
        start = await self.activity(
            RegisterActivities.reserve_slot,
            ReserveRequest(
                MeetingRecord(
                    self.case.reference,
                    self.case.municipality,
                    self.state.caseworker.id,
                    meeting,
                    self.attendee_roles(),
                ),
                caseworker=self.state.caseworker,
                earliest=self.earliest_meeting_time(),
                latest_day=latest_day,
                duration_minutes=MEETING_MINUTES,
                avoid=avoid,
            ),
        )
        if start is None:
            return None
        return replace(meeting, start=start, end=start + timedelta(minutes=MEETING_MINUTES))

    def earliest_meeting_time(self) -> datetime:
        earliest_day = add_working_days(self.today(), MEETING_NOTICE_WORKING_DAYS, self.closed)
        return max(local_midnight(earliest_day), workflow.now())

    async def free_slots(
        self, latest_day: date, count: int, exclude_uid: str = "", avoid: tuple[datetime, ...] = ()
    ) -> list[datetime]:
        return await self.activity(
            PlanningActivities.free_slots,
            SlotRequest(
                caseworker=self.state.caseworker,
                earliest=self.earliest_meeting_time(),
                latest_day=latest_day,
                count=count,
                duration_minutes=MEETING_MINUTES,
                exclude_uid=exclude_uid,
                avoid=avoid,
            ),
        )

    # ------------------------------------------------------------------ the phase, for the register and ops
    async def set_phase(self, phase: Phase, fields: dict | None = None) -> None:
        """Record the phase on the case, in its search attributes and in the register."""
        self.state.phase = Phase(phase)
        self.state.next_deadline = next_deadline(self.state)
        updates = [
            sa.CASE_PHASE.value_set(self.state.phase.value),
            sa.DEADLINE_BREACHED.value_set(self.state.deadline_breached),
            sa.CASEWORKER.value_set(self.state.caseworker.id),
        ]
        if self.state.next_deadline:
            updates.append(sa.NEXT_DEADLINE.value_set(local_end_of_day(self.state.next_deadline)))
        else:
            updates.append(sa.NEXT_DEADLINE.value_unset())
        workflow.upsert_search_attributes(updates)
        await self.activity(
            RegisterActivities.update_case,
            self.case_update(
                "phase_changed",
                {"phase": self.state.phase.value, "deadline_breached": self.state.deadline_breached, **(fields or {})},
            ),
        )

    # ------------------------------------------------------------------ small helpers
    @property
    def rules(self):
        return self.state.rules

    @property
    def deadlines(self):
        return self.state.deadlines

    @property
    def closed(self):
        return self.rules.closed_days

    def today(self) -> date:
        return local_date(workflow.now())

    def note(self, event: str, detail: str = "") -> None:
        self.state.timeline.append(TimelineEntry(at=workflow.now(), event=event, detail=detail))
