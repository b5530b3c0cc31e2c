"""What people tell a case: answers to invitations, meetings recorded, the employer's answer, a new expected
duration, measures, reassignment, moves, the end and the outcome (fast track and the law's other events are in
`workflows.law_events`).

Each is a workflow update with a validator, so the caller is told "no" in Danish before anything changes;
the refusal's type is a `domain.refusals.Refusal` code, which the service layer maps to the field concerned.
A mixin of `CaseWorkflow`.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.mail import Recipient, Task
    from activities.register import AssignRequest, RegisterActivities
    from domain import agenda, labels
    from domain.decisions import (
        Refused,
        case_end,
        employer_reply,
        expected_duration,
        measures,
        meeting_answers,
        meeting_held,
        reassignment,
    )
    from domain.model import Meeting, MeetingStatus
    from domain.move_rules import rules_broken
    from domain.payloads import (
        CaseEnd,
        CounterProposal,
        EmployerAnswer,
        ExpectedDuration,
        MeasureStart,
        MeetingMove,
        MeetingOutcome,
        OutcomeReport,
        Reassignment,
        RsvpReceived,
    )
    from domain.practice import PLAUSIBLE_DAYS_AHEAD
    from domain.refusals import Refusal
    from domain.results import UpdateResult, done

from workflows.effect_runner import run_effects
from workflows.handover import PATCH_HANDOVER_PLACES_FIRST

# Reassigning a case whose meeting clashes with the new caseworker's calendar used to fail the update.
PATCH_HANDOVER_CLASH = "handover-moves-a-clashing-meeting"
# A meeting recorded as held before its planned time left the planned time in the attendees' calendars.
PATCH_HELD_EARLIER_CANCELS = "meeting-held-earlier-cancels-the-planned-time"


def refuse(reason: Refusal, message: str) -> ApplicationError:
    """A refusal for the caller: the Danish message, and the reason code as the error's type."""
    return ApplicationError(message, type=reason.value)


def check(refused: Refused | None) -> None:
    """A pure decision's refusal, raised to the caller (who is told in Danish; nothing has changed)."""
    if refused is not None:
        raise refuse(refused.reason, refused.message)


class HumanInput:
    # ------------------------------------------------------------------ answers to invitations
    @workflow.update
    async def record_rsvp(self, rsvp: RsvpReceived) -> UpdateResult:
        async with self.meetings_lock:
            # Again: a move may have come first (domain.decisions.meeting_answers).
            check(meeting_answers.validate(self.state, self.context(), rsvp))
            self.state, effects = meeting_answers.decide(self.state, self.context(), rsvp)
            await run_effects(self, effects)
            return done(rsvp.partstat)

    @record_rsvp.validator
    def _validate_rsvp(self, rsvp: RsvpReceived) -> None:
        check(meeting_answers.validate(self.state, self.context(), rsvp))

    @workflow.update
    async def propose_time(self, proposal: CounterProposal) -> UpdateResult:
        self.state, effects = meeting_answers.decide_proposal(self.state, self.context(), proposal)
        await run_effects(self, effects)
        return UpdateResult("task_created")

    @propose_time.validator
    def _validate_counter(self, proposal: CounterProposal) -> None:
        check(meeting_answers.validate_proposal(self.state, self.context(), proposal))

    def meeting_by_uid(self, uid: str) -> Meeting:
        for meeting in self.state.meetings:
            if meeting.uid == uid:
                return meeting
        raise refuse(Refusal.UNKNOWN_MEETING, "ukendt møde (UID)")

    # ------------------------------------------------------------------ meetings held or not, and moved
    @workflow.update
    async def record_meeting(self, outcome: MeetingOutcome) -> UpdateResult:
        async with self.meetings_lock:
            return await self._record_meeting(outcome)

    async def _record_meeting(self, outcome: MeetingOutcome) -> UpdateResult:
        self._validate_meeting(outcome)  # again: a move may have come first
        context = self.context()
        cancel = meeting_held.held_before_planned(self.state, context, outcome) and workflow.patched(
            PATCH_HELD_EARLIER_CANCELS
        )
        self.state, effects = meeting_held.decide(self.state, context, outcome, cancel_planned_time=cancel)
        await run_effects(self, effects)
        return done(self.state.meetings[outcome.meeting_number - 1].status)

    @record_meeting.validator
    def _validate_meeting(self, outcome: MeetingOutcome) -> None:
        check(meeting_held.validate(self.state, self.context(), outcome))

    @workflow.update
    async def move_meeting_to(self, move: MeetingMove) -> UpdateResult:
        broken = self.rules_a_move_breaks(move)  # before the move: its deadline is the meeting's as it stands
        moved = await self.move_meeting(self.state.meetings[move.meeting_number - 1].uid, move.start)
        await self.audit(
            "meeting_moved",
            move.actor,
            meeting=str(move.meeting_number),
            start=move.start.isoformat(),
            **({"confirmed_despite": ",".join(broken)} if broken else {}),
        )
        self.changed = True
        return done(self.state.meetings[move.meeting_number - 1].start.isoformat() if moved else "")

    @move_meeting_to.validator
    def _validate_move(self, move: MeetingMove) -> None:
        self.require_open()
        if not 1 <= move.meeting_number <= len(self.state.meetings):
            raise refuse(Refusal.NO_SUCH_MEETING, f"sagen har intet møde nummer {move.meeting_number}")
        if self.state.meetings[move.meeting_number - 1].status != MeetingStatus.INVITED:
            raise refuse(Refusal.MEETING_NOT_PLANNED, "kun planlagte møder kan flyttes")
        if move.start <= workflow.now():
            raise refuse(Refusal.START_IN_PAST, "det nye tidspunkt ligger i fortiden")
        if not self.plausible(move.start):
            raise refuse(Refusal.START_TOO_FAR, "det nye tidspunkt ligger mere end et år ude i fremtiden")
        broken = self.rules_a_move_breaks(move)
        if broken and not move.confirmed:
            d = self.state.caseworker
            raise refuse(
                Refusal.NEEDS_CONFIRMATION,
                labels.move_breaks(broken, d.work_start, d.work_end, self._move_deadline(move)),
            )
        if move.start == self.state.meetings[move.meeting_number - 1].start:
            # The same move sent again (Back and send, a second tab) would send everyone the meeting again.
            raise refuse(Refusal.ALREADY_RECORDED, f"møde {move.meeting_number} ligger allerede på det tidspunkt")

    def rules_a_move_breaks(self, move: MeetingMove) -> tuple[str, ...]:
        end = move.start + (
            self.state.meetings[move.meeting_number - 1].end - self.state.meetings[move.meeting_number - 1].start
        )
        return rules_broken(move.start, end, self.state.caseworker, self.closed, self._move_deadline(move))

    def _move_deadline(self, move: MeetingMove):
        return agenda.meeting_deadline(self.state, self.today(), self.state.meetings[move.meeting_number - 1])

    # ------------------------------------------------------------------ the employer, the duration, fast track
    @workflow.update
    async def employer_answer(self, answer: EmployerAnswer) -> UpdateResult:
        """The employer hosts the meeting at the workplace, or declines: then it moves to the job centre."""
        self.state, effects = employer_reply.decide(self.state, self.context(), answer)
        await run_effects(self, effects)
        return done(employer_reply.where(answer))

    @employer_answer.validator
    def _validate_employer_answer(self, answer: EmployerAnswer) -> None:
        check(employer_reply.validate(self.state, self.context(), answer))

    @workflow.update
    async def new_expected_duration(self, duration: ExpectedDuration) -> UpdateResult:
        self.state.expected_weeks = duration.employee_weeks
        if duration.employer_weeks is not None:
            self.state.employer_expected_weeks = duration.employer_weeks
        self.note(
            "expected_duration",
            f"medarbejder {duration.employee_weeks} uger, arbejdsgiver "
            f"{self.state.employer_expected_weeks or '-'} uger",
        )
        await self.audit(
            "expected_duration",
            duration.actor,
            employee_weeks=str(duration.employee_weeks),
            employer_weeks=str(duration.employer_weeks),
        )
        await self.apply_triage()
        if not agenda.awaiting_estimate(self.state):
            self.close_task("employer_estimate")  # asked for under the 2026 reform: no longer needed
        self.changed = True
        return done(self.state.track)

    @new_expected_duration.validator
    def _validate_duration(self, duration: ExpectedDuration) -> None:
        check(expected_duration.validate(self.state, self.context(), duration))

    # ------------------------------------------------------------------ measures
    @workflow.update
    async def start_measure(self, start: MeasureStart) -> UpdateResult:
        self.state, effects = measures.decide(self.state, self.context(), start)
        measure = self.state.measures[-1]
        await run_effects(self, effects)
        return done(measures.counted_as(measure))

    @start_measure.validator
    def _validate_measure(self, start: MeasureStart) -> None:
        check(measures.validate(self.state, self.context(), start))

    # ------------------------------------------------------------------ another caseworker
    @workflow.update
    async def reassign(self, change: Reassignment) -> UpdateResult:
        """Another caseworker takes the case: the reason is recorded and the new one gets the open tasks."""
        if workflow.patched(PATCH_HANDOVER_PLACES_FIRST):
            return await self.reassign_placing_meetings(change)  # workflows.handover
        old = self.state.caseworker
        try:
            new = await self.activity(
                RegisterActivities.assign_caseworker,
                AssignRequest(
                    self.case.reference,
                    self.case.municipality,
                    reason=change.reason,
                    exclude=(old.id,),
                    caseworker_id=change.caseworker_id,
                ),
            )
        except ActivityError as err:
            if isinstance(err.cause, ApplicationError) and err.cause.type == Refusal.UNKNOWN_CASEWORKER:
                raise refuse(Refusal.UNKNOWN_CASEWORKER, err.cause.message) from None
            raise
        old_recipient = self.caseworker_recipient
        handover = sum(e.event == "caseworker_reassigned" for e in self.state.timeline) + 1
        self.state.caseworker = new
        self.note("caseworker_reassigned", f"{old.id} -> {new.id}: {change.reason}")
        await self.audit("caseworker_reassigned", change.actor, old=old.id, new=new.id, reason=change.reason)
        extra = {"old_caseworker_name": old.name, "new_caseworker_name": new.name}
        for recipient in (old_recipient, self.caseworker_recipient, self.employer):
            await self.send("case_reassigned", recipient, key_suffix=f"/{handover}", reason=change.reason, extra=extra)
        async with self.meetings_lock:
            await self.hand_over_meetings(old_recipient)
        for task in self.state.open_tasks:
            await self.send(
                "caseworker_task",
                self.caseworker_recipient,
                key_suffix=f"/{task.key}/{handover}",
                task=Task(task.title, task.what, task.due, task.command),
            )
        await self.set_phase(self.state.phase)
        self.changed = True
        return done(new.id)

    async def hand_over_meetings(self, old_recipient: Recipient) -> None:
        old_email = old_recipient.email
        for meeting in agenda.planned_meetings(self.state):
            # The old caseworker's calendar loses the meeting; everyone gets the new attendee list.
            meeting.sequence += 1
            meeting.invited_at = workflow.now()
            await self.send(
                "cancellation",
                old_recipient,
                key_suffix=f"/{meeting.uid}/{meeting.sequence}",
                meeting=meeting,
                calendar_method="CANCEL",
                attendees=(old_recipient,),
                reason=labels.MEETING_TAKEN_OVER,
            )
            meeting.responses = {k: v for k, v in meeting.responses.items() if k != old_email}
            if await self.claim(meeting):
                await self.invite(meeting)
            elif workflow.patched(PATCH_HANDOVER_CLASH):
                # The new caseworker is booked at that hour: the meeting moves to a free time of theirs.
                await self._move_meeting(meeting.uid, None)
            else:
                raise ApplicationError("den nye sagsbehandler er optaget på mødetidspunktet", type="SlotTaken")

    @reassign.validator
    def _validate_reassign(self, change: Reassignment) -> None:
        check(reassignment.validate(self.state, self.context(), change))

    # ------------------------------------------------------------------ the end, and the outcome after it
    @workflow.update
    async def report_end(self, end: CaseEnd) -> UpdateResult:
        self.end = end
        await self.audit("end_reported", end.actor, end_type=end.end_type, end_date=end.end_date.isoformat())
        return done(end.end_type)

    @report_end.validator
    def _validate_end(self, end: CaseEnd) -> None:
        check(case_end.validate(self.state, self.context(), end))

    @workflow.update
    async def record_outcome(self, report: OutcomeReport) -> UpdateResult:
        await self.audit("outcome_reported", report.actor, outcome=report.outcome)
        await self.record_outcome_value(report.outcome)
        return done(report.outcome)

    @record_outcome.validator
    def _validate_outcome(self, report: OutcomeReport) -> None:
        check(case_end.validate_outcome(self.state, self.context(), report))

    def plausible_day(self, day) -> bool:
        return day <= self.today() + timedelta(days=PLAUSIBLE_DAYS_AHEAD)

    def plausible(self, instant) -> bool:
        return instant <= workflow.now() + timedelta(days=PLAUSIBLE_DAYS_AHEAD)

    def require_open(self) -> None:
        if self.end is not None:
            raise refuse(Refusal.CASE_CLOSED, "sagen er afsluttet")
