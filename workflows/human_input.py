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
    from activities.register import AssignRequest, MeasureRecord, RegisterActivities
    from domain import agenda, labels
    from domain.calendar_dk import add_working_days
    from domain.deadlines import week_of_absence
    from domain.localtime import LOCAL_TZ
    from domain.move_rules import rules_broken
    from domain.model import (PARTSTATS, CaseEnd, CaseState, CounterProposal, EmployerAnswer, EndType,
                              ExpectedDuration, Location, Measure, MeasureKind, MeasureStart, Meeting, MeetingMove,
                              MeetingOutcome, MeetingStatus, OutcomeKind, OutcomeReport, Partstat, Phase,
                              Reassignment, Role, RsvpReceived, ends_the_case)
    from domain.practice import COUNTER_TASK_DUE_WORKING_DAYS, MAX_EXPECTED_WEEKS, PLAUSIBLE_DAYS_AHEAD
    from domain.refusals import Refusal
    from domain.triage import Track

from workflows.handover import PATCH_HANDOVER_PLACES_FIRST


# Reassigning a case whose meeting clashes with the new caseworker's calendar used to fail the update.
PATCH_HANDOVER_CLASH = "handover-moves-a-clashing-meeting"
# A meeting recorded as held before its planned time left the planned time in the attendees' calendars.
PATCH_HELD_EARLIER_CANCELS = "meeting-held-earlier-cancels-the-planned-time"


def refuse(reason: Refusal, message: str) -> ApplicationError:
    """A refusal for the caller: the Danish message, and the reason code as the error's type."""
    return ApplicationError(message, type=reason.value)


class HumanInput:
    # ------------------------------------------------------------------ answers to invitations
    @workflow.update
    async def record_rsvp(self, rsvp: RsvpReceived) -> str:
        async with self.meetings_lock:
            return await self._record_rsvp(rsvp)

    async def _record_rsvp(self, rsvp: RsvpReceived) -> str:
        self.validate_answer(rsvp.uid, rsvp.sequence, rsvp.attendee_email)  # again: a move may have come first
        meeting = self.meeting_by_uid(rsvp.uid)
        email = rsvp.attendee_email.lower()
        meeting.responses[email] = Partstat(rsvp.partstat)
        role = self.role_of(email)
        if (role == Role.EMPLOYER and rsvp.partstat == Partstat.ACCEPTED
                and meeting.expected_location == Location.WORKPLACE):
            self.state.employer_hosts = True  # accepting the workplace meeting is agreeing to host it
        await self.save(meeting)
        await self.audit("rsvp_recorded", rsvp.actor or f"{role} (svar på invitation)", meeting=str(meeting.number),
                         answer=rsvp.partstat)
        self.note("rsvp", f"møde {meeting.number}: {role} {rsvp.partstat}"
                  + (f" ({rsvp.comment[:500]})" if rsvp.comment else ""))
        if rsvp.comment:
            # The attendee's note (a reason to decline, say) reaches the caseworker, not only the timeline.
            await self.task(f"comment/{meeting.uid}/{meeting.sequence}/{email}",
                            labels.answer_with_comment(role, meeting.number, rsvp.partstat, rsvp.comment[:1000]),
                            due=add_working_days(self.today(), COUNTER_TASK_DUE_WORKING_DAYS, self.closed))
        if rsvp.partstat == Partstat.DECLINED and meeting.uid not in self.state.reschedule:
            self.state.reschedule.append(meeting.uid)
        self.changed = True
        return rsvp.partstat

    @record_rsvp.validator
    def _validate_rsvp(self, rsvp: RsvpReceived) -> None:
        self.validate_answer(rsvp.uid, rsvp.sequence, rsvp.attendee_email)
        if rsvp.partstat not in PARTSTATS:
            raise refuse(Refusal.BAD_PARTSTAT, f"ukendt svar {rsvp.partstat!r}")

    @workflow.update
    async def propose_time(self, proposal: CounterProposal) -> str:
        meeting = self.meeting_by_uid(proposal.uid)
        role = self.role_of(proposal.attendee_email)
        self.note("counter_proposal", f"møde {meeting.number}: {role} foreslår {proposal.start.isoformat()}")
        await self.audit("time_proposed", proposal.actor or f"{role} (svar på invitation)",
                         meeting=str(meeting.number), start=proposal.start.isoformat())
        local = proposal.start.astimezone(LOCAL_TZ)
        await self.task(f"counter/{meeting.uid}/{len(self.state.timeline)}",
                        labels.counter_proposal(role, meeting.number, proposal.start, proposal.comment),
                        due=add_working_days(self.today(), COUNTER_TASK_DUE_WORKING_DAYS, self.closed),
                        command=self.command("flyt", f"--moede {meeting.number} "
                                                     f"--tidspunkt {local.strftime('%Y-%m-%dT%H:%M')}"))
        return "task_created"

    @propose_time.validator
    def _validate_counter(self, proposal: CounterProposal) -> None:
        self.validate_answer(proposal.uid, proposal.sequence, proposal.attendee_email)
        if proposal.end <= proposal.start:
            raise refuse(Refusal.BAD_PROPOSAL, "det foreslåede møde slutter før det begynder")
        if not self.plausible(proposal.start) or not self.plausible(proposal.end):
            raise refuse(Refusal.BAD_PROPOSAL, "det foreslåede tidspunkt ligger mere end et år ude i fremtiden")

    def validate_answer(self, uid: str, sequence: int, attendee_email: str) -> None:
        """An answer counts only from an attendee of that meeting, for its current version, while planned."""
        meeting = self.meeting_by_uid(uid)
        if attendee_email.lower() not in self.attendee_roles():
            raise refuse(Refusal.NOT_AN_ATTENDEE, "afsenderen er ikke deltager i mødet")
        if sequence != meeting.sequence:
            raise refuse(Refusal.STALE_SEQUENCE,
                         f"svaret gælder version {sequence}, mødet er nu version {meeting.sequence}")
        if meeting.status != MeetingStatus.INVITED:
            raise refuse(Refusal.MEETING_NOT_PLANNED, "mødet er ikke længere planlagt")

    def meeting_by_uid(self, uid: str) -> Meeting:
        for meeting in self.state.meetings:
            if meeting.uid == uid:
                return meeting
        raise refuse(Refusal.UNKNOWN_MEETING, "ukendt møde (UID)")

    # ------------------------------------------------------------------ meetings held or not, and moved
    @workflow.update
    async def record_meeting(self, outcome: MeetingOutcome) -> str:
        async with self.meetings_lock:
            return await self._record_meeting(outcome)

    async def _record_meeting(self, outcome: MeetingOutcome) -> str:
        self._validate_meeting(outcome)  # again: a move may have come first
        meeting = self.state.meetings[outcome.meeting_number - 1]
        if (outcome.held and outcome.held_at and meeting.start > workflow.now()
                and workflow.patched(PATCH_HELD_EARLIER_CANCELS)):
            # Held before its planned time: the planned time is still in everyone's calendar; take it out.
            meeting.sequence += 1
            await self.invite(meeting, cancel=True, reason=labels.MEETING_HELD_EARLIER)
        meeting.status = MeetingStatus.HELD if outcome.held else MeetingStatus.NO_SHOW
        meeting.employer_took_part = outcome.employer_took_part if outcome.held else None
        meeting.actual_location = outcome.location if outcome.held else None
        meeting.held_at = (outcome.held_at or meeting.start) if outcome.held else None
        await self.save(meeting)
        await self.audit("meeting_recorded", outcome.actor, meeting=str(meeting.number), status=meeting.status,
                         location=meeting.actual_location or "", employer_took_part=str(meeting.employer_took_part))
        self.state.open_tasks = [t for t in self.state.open_tasks
                                 if not t.key.startswith(f"record_meeting/{meeting.number}/")]
        self.note("meeting_recorded", f"møde {meeting.number}: {meeting.status}, sted {meeting.actual_location}")
        if outcome.held:
            await self.set_phase(Phase.FOLLOW_UP)
        self.changed = True  # a no-show leaves no planned meeting: the process books a new one
        return meeting.status

    @record_meeting.validator
    def _validate_meeting(self, outcome: MeetingOutcome) -> None:
        if not 1 <= outcome.meeting_number <= len(self.state.meetings):
            raise refuse(Refusal.NO_SUCH_MEETING, f"sagen har intet møde nummer {outcome.meeting_number}")
        meeting = self.state.meetings[outcome.meeting_number - 1]
        if meeting.status != MeetingStatus.INVITED:
            raise refuse(Refusal.ALREADY_RECORDED,
                         f"møde {meeting.number} er allerede registreret som {meeting.status}")
        if workflow.now() < (outcome.held_at or meeting.start):
            raise refuse(Refusal.MEETING_IN_FUTURE, f"møde {meeting.number} er ikke begyndt endnu")
        if outcome.held_at and outcome.held_at.date() < self.case.first_day:
            raise refuse(Refusal.BAD_HELD_AT, "mødetidspunktet ligger før første fraværsdag")
        if outcome.location not in {loc.value for loc in Location}:
            raise refuse(Refusal.BAD_LOCATION, f"ukendt sted {outcome.location!r}")

    @workflow.update
    async def move_meeting_to(self, move: MeetingMove) -> str:
        broken = self.rules_a_move_breaks(move)  # before the move: its deadline is the meeting's as it stands
        moved = await self.move_meeting(self.state.meetings[move.meeting_number - 1].uid, move.start)
        await self.audit("meeting_moved", move.actor, meeting=str(move.meeting_number), start=move.start.isoformat(),
                         **({"confirmed_despite": ",".join(broken)} if broken else {}))
        self.changed = True
        return self.state.meetings[move.meeting_number - 1].start.isoformat() if moved else ""

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
            raise refuse(Refusal.NEEDS_CONFIRMATION, labels.move_breaks(broken, d.work_start, d.work_end,
                                                                        self._move_deadline(move)))
        if move.start == self.state.meetings[move.meeting_number - 1].start:
            # The same move sent again (Back and send, a second tab) would send everyone the meeting again.
            raise refuse(Refusal.ALREADY_RECORDED, f"møde {move.meeting_number} ligger allerede på det tidspunkt")

    def rules_a_move_breaks(self, move: MeetingMove) -> tuple[str, ...]:
        end = move.start + (self.state.meetings[move.meeting_number - 1].end
                            - self.state.meetings[move.meeting_number - 1].start)
        return rules_broken(move.start, end, self.state.caseworker, self.closed, self._move_deadline(move))

    def _move_deadline(self, move: MeetingMove):
        return agenda.meeting_deadline(self.state, self.today(), self.state.meetings[move.meeting_number - 1])

    # ------------------------------------------------------------------ the employer, the duration, fast track
    @workflow.update
    async def employer_answer(self, answer: EmployerAnswer) -> str:
        """The employer hosts the meeting at the workplace, or declines: then it moves to the job centre."""
        self.state.employer_hosts = answer.hosts_at_workplace
        await self.audit("employer_answered", answer.actor, hosts=str(answer.hosts_at_workplace), reason=answer.reason)
        self.close_task("call_employer")
        if answer.hosts_at_workplace:
            self.note("employer_hosts")
        else:
            self.note("employer_declined_hosting", answer.reason)
            for meeting in agenda.planned_meetings(self.state):
                if meeting.expected_location == Location.WORKPLACE and meeting.uid not in self.state.reschedule:
                    self.state.reschedule.append(meeting.uid)
        self.changed = True
        return Location.WORKPLACE if answer.hosts_at_workplace else Location.JOBCENTER

    @employer_answer.validator
    def _validate_employer_answer(self, answer: EmployerAnswer) -> None:
        self.require_open()
        if self.state.track != Track.WORKPLACE:
            raise refuse(Refusal.NOT_WORKPLACE_TRACK, "sagen følger ikke arbejdspladsmodellen")
        if not answer.hosts_at_workplace and not answer.reason.strip():
            raise refuse(Refusal.REASON_REQUIRED, "angiv en begrundelse, når samtalen ikke kan holdes på "
                                                  "arbejdspladsen")

    @workflow.update
    async def new_expected_duration(self, duration: ExpectedDuration) -> str:
        self.state.expected_weeks = duration.employee_weeks
        if duration.employer_weeks is not None:
            self.state.employer_expected_weeks = duration.employer_weeks
        self.note("expected_duration", f"medarbejder {duration.employee_weeks} uger, arbejdsgiver "
                                       f"{self.state.employer_expected_weeks or '-'} uger")
        await self.audit("expected_duration", duration.actor, employee_weeks=str(duration.employee_weeks),
                         employer_weeks=str(duration.employer_weeks))
        await self.apply_triage()
        if not agenda.awaiting_estimate(self.state):
            self.close_task("employer_estimate")  # asked for under the 2026 reform: no longer needed
        self.changed = True
        return self.state.track

    @new_expected_duration.validator
    def _validate_duration(self, duration: ExpectedDuration) -> None:
        self.require_open()
        for weeks in (duration.employee_weeks, duration.employer_weeks):
            if weeks is not None and not 1 <= weeks <= MAX_EXPECTED_WEEKS:
                raise refuse(Refusal.BAD_DURATION, f"forventet varighed skal være 1-{MAX_EXPECTED_WEEKS} uger")
        if duration.employee_weeks == self.state.expected_weeks and duration.employer_weeks in (
                None, self.state.employer_expected_weeks):
            raise refuse(Refusal.ALREADY_RECORDED, f"den forventede varighed er allerede {duration.employee_weeks} uger")

    # ------------------------------------------------------------------ measures
    @workflow.update
    async def start_measure(self, start: MeasureStart) -> str:
        week = week_of_absence(self.case.first_day, start.start_date)
        measure = Measure(start.kind, start.start_date, before_week_13=start.start_date <= self.deadlines.measure_due)
        self.state.measures.append(measure)
        await self.activity(RegisterActivities.save_measure,
                            MeasureRecord(self.case.reference, self.case.municipality, measure))
        await self.audit("measure_started", start.actor, kind=start.kind, start_date=start.start_date.isoformat())
        self.close_task("measure")
        self.note("measure_started", f"{start.kind} fra {start.start_date.isoformat()} (uge {week})")
        return "before_week_13" if measure.before_week_13 else "after_week_13"

    @start_measure.validator
    def _validate_measure(self, start: MeasureStart) -> None:
        self.require_open()
        if start.kind not in {k.value for k in MeasureKind}:
            raise refuse(Refusal.BAD_MEASURE, f"ukendt indsats {start.kind!r}")
        if start.start_date < self.case.first_day:
            raise refuse(Refusal.BAD_MEASURE_DATE, "indsatsen kan ikke begynde før første fraværsdag")
        if not self.plausible_day(start.start_date):
            raise refuse(Refusal.BAD_MEASURE_DATE, "startdatoen ligger mere end et år ude i fremtiden")
        if any((m.kind, m.start_date) == (start.kind, start.start_date) for m in self.state.measures):
            raise refuse(Refusal.ALREADY_RECORDED, "indsatsen med den startdato er allerede registreret")

    # ------------------------------------------------------------------ another caseworker
    @workflow.update
    async def reassign(self, change: Reassignment) -> str:
        """Another caseworker takes the case: the reason is recorded and the new one gets the open tasks."""
        if workflow.patched(PATCH_HANDOVER_PLACES_FIRST):
            return await self.reassign_placing_meetings(change)  # workflows.handover
        old = self.state.caseworker
        try:
            new = await self.activity(RegisterActivities.assign_caseworker, AssignRequest(
                self.case.reference, self.case.municipality, reason=change.reason, exclude=(old.id,),
                caseworker_id=change.caseworker_id))
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
            await self.send("case_reassigned", recipient, key_suffix=f"/{handover}", reason=change.reason,
                            extra=extra)
        async with self.meetings_lock:
            await self.hand_over_meetings(old_recipient)
        for task in self.state.open_tasks:
            await self.send("caseworker_task", self.caseworker_recipient, key_suffix=f"/{task.key}/{handover}",
                            task=Task(task.title, task.what, task.due, task.command))
        await self.set_phase(self.state.phase)
        self.changed = True
        return new.id

    async def hand_over_meetings(self, old_recipient: Recipient) -> None:
        old_email = old_recipient.email
        for meeting in agenda.planned_meetings(self.state):
            # The old caseworker's calendar loses the meeting; everyone gets the new attendee list.
            meeting.sequence += 1
            meeting.invited_at = workflow.now()
            await self.send("cancellation", old_recipient, key_suffix=f"/{meeting.uid}/{meeting.sequence}",
                            meeting=meeting, calendar_method="CANCEL", attendees=(old_recipient,),
                            reason=labels.MEETING_TAKEN_OVER)
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
        self.require_open()
        if not change.reason.strip():
            raise refuse(Refusal.REASON_REQUIRED, "angiv en begrundelse for omfordelingen")
        if change.caseworker_id == self.state.caseworker.id:
            raise refuse(Refusal.SAME_CASEWORKER, "sagen har allerede denne sagsbehandler")

    # ------------------------------------------------------------------ the end, and the outcome after it
    @workflow.update
    async def report_end(self, end: CaseEnd) -> str:
        self.end = end
        await self.audit("end_reported", end.actor, end_type=end.end_type, end_date=end.end_date.isoformat())
        return end.end_type

    @report_end.validator
    def _validate_end(self, end: CaseEnd) -> None:
        self.require_open()
        if end.end_type not in {e.value for e in EndType}:
            raise refuse(Refusal.BAD_END_TYPE, f"ukendt afslutning {end.end_type!r}")
        if not ends_the_case(end.end_type):
            raise refuse(Refusal.NOT_AN_END, "en delvis raskmelding afslutter ikke sagen: opfølgningen fortsætter. "
                                             "Registrér den som delvis raskmelding (fasthold delvis) i stedet")
        if end.end_date < self.case.first_day:
            raise refuse(Refusal.BAD_END_DATE, "slutdatoen ligger før første fraværsdag")
        if end.end_date > self.today():
            # The case would close now while the person is still off sick, and the outcome be asked for too
            # soon: an end is recorded on or after the day it happens.
            raise refuse(Refusal.BAD_END_DATE, f"slutdatoen ligger i fremtiden; afslut sagen den "
                                               f"{end.end_date:%d.%m.%Y} eller senere")

    @workflow.update
    async def record_outcome(self, report: OutcomeReport) -> str:
        await self.audit("outcome_reported", report.actor, outcome=report.outcome)
        await self.record_outcome_value(report.outcome)
        return report.outcome

    @record_outcome.validator
    def _validate_outcome(self, report: OutcomeReport) -> None:
        if self.end is None:
            raise refuse(Refusal.CASE_OPEN, "afgang kan først registreres, når sagen er afsluttet")
        if self.state.outcome is not None:
            raise refuse(Refusal.ALREADY_RECORDED, "afgangen er allerede registreret")
        if report.outcome not in {OutcomeKind.WORK, OutcomeKind.EDUCATION, OutcomeKind.OTHER}:
            raise refuse(Refusal.BAD_OUTCOME, f"ukendt afgang {report.outcome!r}")

    @workflow.query
    def state_now(self) -> CaseState:
        return self.state

    def plausible_day(self, day) -> bool:
        return day <= self.today() + timedelta(days=PLAUSIBLE_DAYS_AHEAD)

    def plausible(self, instant) -> bool:
        return instant <= workflow.now() + timedelta(days=PLAUSIBLE_DAYS_AHEAD)

    def require_open(self) -> None:
        if self.end is not None:
            raise refuse(Refusal.CASE_CLOSED, "sagen er afsluttet")
