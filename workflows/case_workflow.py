"""CaseWorkflow: one sick-leave case through "Sammen om fastholdelse", from sick report to closed case.

The run method reads as the model in domain.md: register the case, choose the rule set by the first day of
absence, triage, give the case ONE caseworker, contact the employer, book the first follow-up meeting at the
workplace before the end of week 8, record it, and close the case when it ends.
Human input arrives as updates (validated, so a caller is told "no") and all I/O is in activities.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.mail import CaseSummary, MailActivities, OutgoingMail, Recipient, Task
    from activities.planning import PlanningActivities, SlotRequest
    from activities.register import AssignRequest, CaseUpdate, MeetingRecord, RegisterActivities
    from domain.calendar_dk import add_working_days
    from domain.deadlines import CaseDeadlines, compute_deadlines
    from domain.localtime import LOCAL_TZ, local_date, local_end_of_day, local_midnight
    from domain.model import (END_TYPE_DANISH, CaseEnd, CaseInput, CounterProposal, CaseState, Caseworker, EndType, Location,
                              Meeting, MeetingOutcome, Phase, RsvpReceived, TimelineEntry)
    from domain.rulesets import RuleSet
    from domain.triage import Track, triage
    from workflows import search_attributes as sa

ACTIVITY_TIMEOUT = timedelta(minutes=2)
# Mail and database outages are waited out, not given up on: a case must never silently lose a step.
RETRY = RetryPolicy(initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=10))
PARTSTATS = ("ACCEPTED", "DECLINED", "TENTATIVE")
ROLE_DANISH = {"employer": "Arbejdsgiveren", "employee": "Medarbejderen", "caseworker": "Sagsbehandleren"}


def role_danish(role: str) -> str:
    return ROLE_DANISH.get(role, "En deltager")


@workflow.defn
class CaseWorkflow:
    @workflow.init
    def __init__(self, case: CaseInput) -> None:
        # The CPR number is passed once to the register and never kept in the workflow's state.
        self.case = case.without_cpr()
        self.state = CaseState(reference=case.reference, municipality=case.municipality)
        self.rules: RuleSet | None = None
        self.deadlines: CaseDeadlines | None = None
        self.end: CaseEnd | None = None
        self.counter_count = 0

    # ------------------------------------------------------------------ the process
    @workflow.run
    async def run(self, case: CaseInput) -> CaseState:
        await self._activity(RegisterActivities.register_case, case)
        self.note("case_registered", f"første fraværsdag {case.first_day.isoformat()}")
        self.rules = await self._activity(PlanningActivities.rule_set_for, case.first_day)
        self.deadlines = compute_deadlines(case.first_day, self.rules)
        self.state.rule_set = self.rules.name
        self.state.first_meeting_due = self.deadlines.first_meeting_due
        self.state.latest_meeting_day = self.deadlines.latest_meeting_day

        decision = triage(expected_weeks=case.expected_weeks, employer_expected_weeks=case.employer_expected_weeks,
                          seriously_ill=case.seriously_ill, workplace_is_cause=case.workplace_is_cause,
                          rules=self.rules)
        self.state.track, self.state.triage_reason = decision.track.value, decision.reason
        self.note("triaged", f"{decision.track.value}: {decision.reason}")

        caseworker = await self._activity(RegisterActivities.assign_caseworker,
                                          AssignRequest(case.reference, case.municipality))
        self.state.caseworker = caseworker
        self.note("caseworker_assigned", caseworker.id)

        if decision.track == Track.WORKPLACE:
            await self.set_phase(Phase.EMPLOYER_CONTACT, next_deadline=self.deadlines.latest_meeting_day,
                                 fields={"track": decision.track.value, "triage_reason": decision.reason,
                                         "rule_set": self.rules.name,
                                         "first_meeting_due": self.deadlines.first_meeting_due})
            slots = await self.contact_employer()
            await self.book_first_meeting(slots)
        else:
            await self.set_phase(Phase.WATCH, next_deadline=None,
                                 fields={"track": decision.track.value, "triage_reason": decision.reason,
                                         "rule_set": self.rules.name})

        await workflow.wait_condition(lambda: self.end is not None)
        await self.close_case()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state

    async def contact_employer(self) -> list[datetime]:
        """Ask the employer to host the first follow-up meeting, with proposed times before the deadline."""
        slots = await self.free_slots(count=3)
        await self.send("employer_request", self.employer, slots=tuple(slots),
                        deadline=self.deadlines.first_meeting_due)
        self.note("employer_contacted", f"{len(slots)} forslag til tidspunkt")
        return slots

    async def book_first_meeting(self, slots: list[datetime]) -> None:
        if not slots:
            await self.escalate("Der er ingen ledig tid til første opfølgningssamtale inden fristen.")
            return
        start = slots[0]
        meeting = Meeting(
            number=1, uid=f"{workflow.info().workflow_id}-meeting-1@fastholdelse", start=start,
            end=start + timedelta(minutes=60), location=self.case.employer.workplace_address,
            expected_location=Location.WORKPLACE.value,
        )
        self.state.meetings.append(meeting)
        await self.save(meeting)
        await self.invite(meeting)
        await self.set_phase(Phase.MEETING_BOOKED, next_deadline=local_date(start))
        self.note("meeting_booked", f"møde 1 {start.isoformat()}")
        # The caseworker is asked to record the outcome once the meeting has been held.
        if await self.wait_until(meeting.end, lambda: meeting.status != "invited" or self.end is not None):
            return
        if meeting.status == "invited":
            await self.task("record_meeting", 1, Task(
                title="Registrér første opfølgningssamtale",
                what=("Registrér om samtalen blev holdt, om arbejdsgiveren deltog, og hvor den blev holdt."),
                due=add_working_days(local_date(meeting.end), 1, self.rules.closed_days),
                command=f"fasthold --kommune {self.case.municipality} samtale {self.case.reference} --moede 1 "
                        "--holdt ja --arbejdsgiver-deltog ja --sted arbejdspladsen",
            ))

    async def close_case(self) -> None:
        end = self.end
        for meeting in self.state.meetings:
            if meeting.status == "invited" and meeting.start > workflow.now():
                meeting.status = "cancelled"
                meeting.sequence += 1
                await self.save(meeting)
                await self.invite(meeting, cancel=True, reason=f"Sagen er afsluttet ({END_TYPE_DANISH[EndType(end.end_type)]}).")
        self.state.end_type, self.state.end_date = end.end_type, end.end_date
        for recipient in (self.employer, self.employee):
            await self.send("case_closed", recipient, extra={"end_type": END_TYPE_DANISH[EndType(end.end_type)]})
        await self.set_phase(Phase.CLOSED, next_deadline=None, fields={
            "end_type": end.end_type, "end_date": end.end_date, "closed_at": workflow.now()})
        self.note("case_closed", end.end_type)

    # ------------------------------------------------------------------ human input
    @workflow.update
    async def record_rsvp(self, rsvp: RsvpReceived) -> str:
        meeting = self._meeting_by_uid(rsvp.uid)
        meeting.responses[rsvp.attendee_email.lower()] = rsvp.partstat
        await self.save(meeting)
        self.note("rsvp", f"møde {meeting.number}: {self._role_of(rsvp.attendee_email)} {rsvp.partstat}")
        return rsvp.partstat

    @record_rsvp.validator
    def _validate_rsvp(self, rsvp: RsvpReceived) -> None:
        self._validate_answer(rsvp.uid, rsvp.sequence, rsvp.attendee_email)
        if rsvp.partstat not in PARTSTATS:
            raise ApplicationError(f"ukendt svar {rsvp.partstat!r}", type="BadPartstat")

    def _validate_answer(self, uid: str, sequence: int, attendee_email: str) -> None:
        """An answer counts only from an attendee of that meeting, for its current version, while planned."""
        meeting = self._meeting_by_uid(uid)
        if attendee_email.lower() not in self.attendee_roles():
            raise ApplicationError("afsenderen er ikke deltager i mødet", type="NotAnAttendee")
        if sequence != meeting.sequence:
            raise ApplicationError(f"svaret gælder version {sequence}, mødet er nu version {meeting.sequence}",
                                   type="StaleSequence")
        if meeting.status != "invited":
            raise ApplicationError("mødet er ikke længere planlagt", type="MeetingNotPlanned")

    @workflow.update
    async def propose_time(self, proposal: CounterProposal) -> str:
        meeting = self._meeting_by_uid(proposal.uid)
        role = self._role_of(proposal.attendee_email)
        self.note("counter_proposal", f"møde {meeting.number}: {role} foreslår {proposal.start.isoformat()}")
        self.counter_count += 1
        await self.task("counter", self.counter_count, Task(
            title="Et andet mødetidspunkt er foreslået",
            what=(f"{role_danish(role)} foreslår at flytte møde {meeting.number} til "
                  f"{proposal.start.astimezone(LOCAL_TZ).strftime('%d.%m.%Y kl. %H.%M')}"
                  + (f" med bemærkningen: {proposal.comment}" if proposal.comment else "")
                  + ". Aftal tidspunktet, og flyt mødet, hvis det passer; ellers fastholdes det planlagte møde."),
            due=add_working_days(local_date(workflow.now()), 1, self.rules.closed_days),
        ))
        return "task_created"

    @propose_time.validator
    def _validate_counter(self, proposal: CounterProposal) -> None:
        self._validate_answer(proposal.uid, proposal.sequence, proposal.attendee_email)
        if proposal.end <= proposal.start:
            raise ApplicationError("det foreslåede møde slutter før det begynder", type="BadProposal")

    @workflow.update
    async def record_meeting(self, outcome: MeetingOutcome) -> str:
        meeting = self.state.meetings[outcome.meeting_number - 1]
        meeting.status = "held" if outcome.held else "no_show"
        meeting.employer_took_part = outcome.employer_took_part if outcome.held else None
        meeting.actual_location = outcome.location if outcome.held else None
        meeting.held_at = (outcome.held_at or meeting.start) if outcome.held else None
        await self.save(meeting)
        self.note("meeting_recorded", f"møde {meeting.number}: {meeting.status}, sted {meeting.actual_location}")
        if outcome.held:
            await self.set_phase(Phase.FOLLOW_UP, next_deadline=None)
        return meeting.status

    @record_meeting.validator
    def _validate_meeting(self, outcome: MeetingOutcome) -> None:
        if not 1 <= outcome.meeting_number <= len(self.state.meetings):
            raise ApplicationError(f"sagen har intet møde nummer {outcome.meeting_number}", type="NoSuchMeeting")
        meeting = self.state.meetings[outcome.meeting_number - 1]
        if meeting.status != "invited":
            raise ApplicationError(f"møde {meeting.number} er allerede registreret som {meeting.status}",
                                   type="AlreadyRecorded")
        if workflow.now() < (outcome.held_at or meeting.start):
            raise ApplicationError(f"møde {meeting.number} er ikke begyndt endnu", type="MeetingInFuture")
        if outcome.held_at and outcome.held_at.date() < self.case.first_day:
            raise ApplicationError("mødetidspunktet ligger før første fraværsdag", type="BadHeldAt")
        if outcome.location not in {loc.value for loc in Location}:
            raise ApplicationError(f"ukendt sted {outcome.location!r}", type="BadLocation")

    @workflow.update
    def report_end(self, end: CaseEnd) -> str:
        self.end = end
        return end.end_type

    @report_end.validator
    def _validate_end(self, end: CaseEnd) -> None:
        if self.end is not None:
            raise ApplicationError("sagen er allerede afsluttet", type="CaseClosed")
        if end.end_type not in {e.value for e in EndType}:
            raise ApplicationError(f"ukendt afslutning {end.end_type!r}", type="BadEndType")
        if end.end_date < self.case.first_day:
            raise ApplicationError("slutdatoen ligger før første fraværsdag", type="BadEndDate")

    @workflow.query
    def state_now(self) -> CaseState:
        return self.state

    # ------------------------------------------------------------------ helpers
    async def wait_until(self, when: datetime, condition) -> bool:
        """Wait for the condition or the moment, whichever comes first; True if the condition came first."""
        try:
            await workflow.wait_condition(condition, timeout=max(timedelta(seconds=1), when - workflow.now()))
            return True
        except TimeoutError:
            return False

    def note(self, event: str, detail: str = "") -> None:
        self.state.timeline.append(TimelineEntry(at=workflow.now(), event=event, detail=detail))

    @property
    def employer(self) -> Recipient:
        return Recipient(self.case.employer.contact_name, self.case.employer.contact_email, "employer")

    @property
    def employee(self) -> Recipient:
        return Recipient(self.case.employee.name, self.case.employee.email, "employee")

    @property
    def caseworker_recipient(self) -> Recipient:
        worker = self.state.caseworker
        return Recipient(worker.name, worker.email, "caseworker")

    def attendee_roles(self) -> dict[str, str]:
        return {r.email.lower(): r.role for r in (self.employer, self.employee, self.caseworker_recipient)}

    def _role_of(self, email: str) -> str:
        return self.attendee_roles().get(email.lower(), "ukendt")

    def _meeting_by_uid(self, uid: str) -> Meeting:
        for meeting in self.state.meetings:
            if meeting.uid == uid:
                return meeting
        raise ApplicationError("ukendt møde (UID)", type="UnknownMeeting")

    def summary(self) -> CaseSummary:
        worker = self.state.caseworker
        return CaseSummary(
            reference=self.case.reference, municipality=self.case.municipality,
            employee_name=self.case.employee.name, employer_name=self.case.employer.name,
            workplace_address=self.case.employer.workplace_address, contact_name=self.case.employer.contact_name,
            caseworker_name=worker.name, caseworker_email=worker.email, caseworker_phone=worker.phone,
            first_day=self.case.first_day, first_meeting_due=self.deadlines.first_meeting_due,
        )

    async def _activity(self, fn, arg):
        return await workflow.execute_activity_method(fn, arg, start_to_close_timeout=ACTIVITY_TIMEOUT,
                                                      retry_policy=RETRY)

    async def send(self, kind: str, recipient: Recipient, *, key_suffix: str = "", **fields) -> None:
        key = f"{workflow.info().workflow_id}/{kind}{key_suffix}/{recipient.email}"
        await self._activity(MailActivities.send_mail, OutgoingMail(key=key, kind=kind, case=self.summary(),
                                                                    recipient=recipient, **fields))

    async def invite(self, meeting: Meeting, *, cancel: bool = False, reason: str = "") -> None:
        """Send the meeting (REQUEST) or its cancellation (CANCEL) to every attendee, once per sequence."""
        attendees = (self.employer, self.employee, self.caseworker_recipient)
        for recipient in attendees:
            await self.send("cancellation" if cancel else "invitation", recipient,
                            key_suffix=f"/{meeting.uid}/{meeting.sequence}", meeting=meeting,
                            calendar_method="CANCEL" if cancel else "REQUEST", attendees=attendees, reason=reason)

    async def task(self, purpose: str, sequence: int, task: Task) -> None:
        await self.send("caseworker_task", self.caseworker_recipient, key_suffix=f"/{purpose}/{sequence}", task=task)
        self.note("caseworker_task", task.title)

    async def escalate(self, reason: str) -> None:
        worker = self.state.caseworker
        lead = Recipient(worker.lead_name, worker.lead_email, "team_lead")
        await self.send("escalation", lead, key_suffix=f"/{len(self.state.timeline)}", reason=reason,
                        deadline=self.deadlines.first_meeting_due, extra={"team_lead_name": worker.lead_name})
        self.note("escalated", reason)

    async def save(self, meeting: Meeting) -> None:
        await self._activity(RegisterActivities.save_meeting, MeetingRecord(
            self.case.reference, self.case.municipality, self.state.caseworker.id, meeting, self.attendee_roles()))

    async def free_slots(self, count: int) -> list[datetime]:
        # Two working days' notice: nobody should be invited for tomorrow morning.
        earliest_day = add_working_days(local_date(workflow.now()), 2, self.rules.closed_days)
        earliest = max(local_midnight(earliest_day), workflow.now())
        return await self._activity(PlanningActivities.free_slots, SlotRequest(
            caseworker=self.state.caseworker, earliest=earliest, latest_day=self.deadlines.latest_meeting_day,
            count=count))

    async def set_phase(self, phase: Phase, *, next_deadline: date | None, fields: dict | None = None) -> None:
        self.state.phase = phase.value
        self.state.next_deadline = next_deadline
        updates = [sa.CASE_PHASE.value_set(phase.value), sa.DEADLINE_BREACHED.value_set(self.state.deadline_breached)]
        if self.state.caseworker:
            updates.append(sa.CASEWORKER.value_set(self.state.caseworker.id))
        if next_deadline:
            updates.append(sa.NEXT_DEADLINE.value_set(local_end_of_day(next_deadline)))
        else:
            updates.append(sa.NEXT_DEADLINE.value_unset())
        workflow.upsert_search_attributes(updates)
        await self._activity(RegisterActivities.update_case, CaseUpdate(
            self.case.reference, self.case.municipality, event_key=f"{workflow.info().workflow_id}/phase/{phase.value}/{len(self.state.timeline)}",
            action="phase_changed", fields={"phase": phase.value, **(fields or {})}))
