"""CaseWorkflow: one sick-leave case through "Sammen om fastholdelse", from sick report to outcome.

The run method reads as the model in domain.md: open the case (register it, choose the rule set by the first
day of absence, triage, give it ONE caseworker), then keep the case moving until it ends: contact the
employer, book the first follow-up meeting at the workplace before the end of week 8, remind, escalate and
record a breach rather than miss a deadline silently, follow up, prepare the reassessment. When the case
ends, pending meetings are cancelled and, one month later, the caseworker records the outcome.

People act through updates (validated, so a caller is told "no" in Danish). Everything dated is a step on
the case's agenda (see `agenda`), taken once by key; all I/O is in activities.
"""
from __future__ import annotations

import asyncio

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Awaitable, Callable

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.mail import CaseSummary, MailActivities, OutgoingMail, Recipient, Task
    from activities.planning import PlanningActivities, SlotRequest
    from activities.register import (AssignRequest, BreachRecord, CaseUpdate, MeasureRecord, MeetingRecord,
                                     RegisterActivities)
    from domain.calendar_dk import add_working_days, working_day_on_or_after
    from domain.deadlines import (compute_deadlines, fast_track_allowed, fast_track_due, next_followup_due,
                                  outcome_request_day, reminder_day, week_of_absence)
    from domain.localtime import LOCAL_TZ, local_date, local_end_of_day, local_midnight
    from domain.model import (END_TYPE_DANISH, CaseEnd, CaseInput, CaseState, CounterProposal, EmployerAnswer,
                              EndType, ExpectedDuration, FastTrack, FastTrackRequest, Location, Measure,
                              MeasureKind, MeasureStart, Meeting, MeetingMove, MeetingOutcome, OpenTask,
                              OutcomeKind, OutcomeReport, Phase, Reassignment, RsvpReceived, TimelineEntry)
    from domain.triage import Track, triage
    from workflows import search_attributes as sa

ACTIVITY_TIMEOUT = timedelta(minutes=2)
# Mail and database outages are waited out, not given up on: a case must never silently lose a step.
RETRY = RetryPolicy(initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=10))
PARTSTATS = ("ACCEPTED", "DECLINED", "TENTATIVE")
MORNING = time(8, 0)              # dated steps (reminders, tasks) go out at 08:00 local time on working days
MEETING_MINUTES = 60
BOOKING_ATTEMPTS = 8             # times to look again when another case takes the same hour first
HISTORY_EVENT_LIMIT = 8_000       # well under Temporal's 50k limit: a long case continues as new
OUTCOME_WAIT_DAYS = 30            # how long after asking we wait for the outcome before recording "unknown"
ROLE_DANISH = {"employer": "Arbejdsgiveren", "employee": "Medarbejderen", "caseworker": "Sagsbehandleren"}
MEETING_TRACKS = (Track.WORKPLACE.value, Track.EXEMPT.value, Track.OUTSIDE.value)
# Changes to a running case's code path are guarded, so cases started before them replay unchanged.
# Where a freshly triaged case starts: the workplace model contacts the employer, the job-centre tracks book.
TRACK_PHASE = {Track.WORKPLACE: Phase.EMPLOYER_CONTACT, Track.EXEMPT: Phase.BOOKING,
               Track.OUTSIDE: Phase.BOOKING, Track.WATCH: Phase.WATCH}
PATCH_ESCALATION_COPY = "escalation-copy-to-caseworker"
PATCH_AUDIT_ACTIONS = "audit-human-actions"


def role_danish(role: str) -> str:
    return ROLE_DANISH.get(role, "En deltager")


def at_morning(day: date) -> datetime:
    return datetime.combine(day, MORNING, tzinfo=LOCAL_TZ)


Step = Callable[[], Awaitable[None]]


@workflow.defn
class CaseWorkflow:
    @workflow.init
    def __init__(self, case: CaseInput, carried: CaseState | None = None) -> None:
        # The CPR number is passed once to the register and never kept in the workflow's state.
        self.case = case.without_cpr()
        self.state = carried or CaseState(reference=case.reference, municipality=case.municipality,
                                          expected_weeks=case.expected_weeks,
                                          employer_expected_weeks=case.employer_expected_weeks)
        self.end: CaseEnd | None = None
        self.changed = False  # set by every update, so the process reconsiders its next step at once
        # Meetings are changed by the process and by updates; one change at a time, so none is lost.
        self.meetings_lock = asyncio.Lock()

    # ================================================================== the process
    @workflow.run
    async def run(self, case: CaseInput, carried: CaseState | None = None) -> CaseState:
        if carried is None:
            await self.open_case(case)
        while self.end is None:
            if self.history_is_long():
                await workflow.wait_condition(workflow.all_handlers_finished)
                if self.end is not None:  # the case ended while we waited: close it in this run
                    break
                self.state.runs += 1
                workflow.continue_as_new(args=[self.case, self.state])
            await self.take_next_step()
        await self.close_case()
        await self.collect_outcome()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state

    async def open_case(self, case: CaseInput) -> None:
        await self.activity(RegisterActivities.register_case, case)
        self.note("case_registered", f"første fraværsdag {case.first_day.isoformat()}")
        self.state.rules = await self.activity(PlanningActivities.rule_set_for, case.first_day)
        self.state.deadlines = compute_deadlines(case.first_day, self.rules)
        self.state.rule_set = self.rules.name
        self.state.first_meeting_due = self.deadlines.first_meeting_due
        self.state.latest_meeting_day = self.deadlines.latest_meeting_day
        self.state.caseworker = await self.activity(RegisterActivities.assign_caseworker,
                                                    AssignRequest(case.reference, case.municipality))
        self.note("caseworker_assigned", self.state.caseworker.id)
        await self.apply_triage()

    async def apply_triage(self) -> None:
        """Choose the track from the expected durations and the exemptions; a new duration re-triages."""
        decision = triage(expected_weeks=self.state.expected_weeks,
                          employer_expected_weeks=self.state.employer_expected_weeks,
                          seriously_ill=self.case.seriously_ill, workplace_is_cause=self.case.workplace_is_cause,
                          rules=self.rules)
        previous = self.state.track
        if previous == decision.track.value and self.state.triage_reason == decision.reason:
            return
        if previous in MEETING_TRACKS and decision.track.value not in MEETING_TRACKS:
            # A case already in follow-up keeps its meetings; the shorter estimate is recorded, not obeyed.
            self.note("triage_kept", f"ny vurdering {decision.track.value} ({decision.reason}) ændrer ikke forløbet")
            return
        self.state.track, self.state.triage_reason = decision.track.value, decision.reason
        self.state.category = decision.category
        self.note("triaged", f"{decision.track.value}: {decision.reason}")
        phase = TRACK_PHASE[decision.track]
        await self.set_phase(phase, fields={
            "track": decision.track.value, "triage_reason": decision.reason, "category": decision.category,
            "rule_set": self.rules.name, "first_meeting_due": self.deadlines.first_meeting_due,
            "expected_weeks": self.state.expected_weeks, "employer_expected_weeks": self.state.employer_expected_weeks})

    async def take_next_step(self) -> None:
        """Do what is due now; otherwise wait for the next dated step or for news from a person."""
        if self.state.reschedule:
            await self.move_meeting(self.state.reschedule[0])
            self.state.reschedule.pop(0)
            return
        if self.needs_first_contact():
            await self.contact_employer()
            return
        if self.needs_booking():
            await self.book_meeting()
            return
        upcoming = [(when, key, step) for when, key, step in self.agenda() if key not in self.state.done]
        self.changed = False
        if not upcoming:
            await workflow.wait_condition(lambda: self.changed or self.end is not None)
            return
        when, key, step = min(upcoming, key=lambda item: (item[0], item[1]))
        if when > workflow.now():
            if await self.wait_until(when, lambda: self.changed or self.end is not None):
                return
        self.state.done.append(key)
        await step()

    def agenda(self) -> list[tuple[datetime, str, Step]]:
        """The dated steps the case is waiting for, given what has happened so far."""
        steps: list[tuple[datetime, str, Step]] = []
        d = self.deadlines
        first = self.first_meeting()
        first_held = first is not None and first.status == "held"
        if self.state.track in MEETING_TRACKS and not first_held:
            if self.state.track == Track.WORKPLACE.value and self.employer_silent():
                contacted = self.state.employer_contacted_on
                steps.append((at_morning(add_working_days(contacted, self.rules.employer_reminder_working_days,
                                                          self.closed)),
                              "employer_reminder", self.remind_employer))
                steps.append((at_morning(add_working_days(contacted, self.rules.employer_escalation_working_days,
                                                          self.closed)),
                              "employer_escalation", lambda: self.escalate(
                                  "Arbejdsgiveren har ikke svaret på henvendelsen om første opfølgningssamtale.",
                                  key="employer_silent")))
            steps.append((at_morning(d.booking_escalation_day), "booking_escalation", self.check_booking))
            steps.append((local_end_of_day(d.first_meeting_due) + timedelta(minutes=1), "breach/first_meeting",
                          lambda: self.breach("first_meeting", d.first_meeting_due)))
            if self.state.fast_track:
                due = self.state.fast_track.due
                steps.append((local_end_of_day(due) + timedelta(minutes=1), "breach/fast_track",
                              lambda: self.breach("fast_track", due)))
        for meeting in self.state.meetings:
            if meeting.status != "invited":
                continue
            remind_at = at_morning(reminder_day(local_date(meeting.start), self.rules))
            if meeting.invited_at and meeting.invited_at < remind_at < meeting.start:
                steps.append((remind_at, f"reminder/{meeting.uid}/{meeting.sequence}",
                              lambda m=meeting: self.remind_attendees(m)))
            steps.append((meeting.end, f"record/{meeting.uid}/{meeting.sequence}",
                          lambda m=meeting: self.ask_to_record(m)))
        if first_held and self.state.track != Track.WATCH.value:
            steps.extend(self.follow_up_steps(first))
        if self.state.track == Track.WATCH.value:
            back = self.case.first_day + timedelta(weeks=self.state.expected_weeks)
            steps.append((at_morning(working_day_on_or_after(back, self.closed)), f"watch_check/{back}",
                          self.ask_about_return))
        if self.state.retry_booking_on:
            # Nothing else may be due for weeks: wake up to try the booking again.
            steps.append((at_morning(self.state.retry_booking_on), f"retry_booking/{self.state.retry_booking_on}",
                          self.noop))
        if not self.state.measures and self.state.track in MEETING_TRACKS:
            steps.append((at_morning(add_working_days(d.measure_due, -10, self.closed)), "measure_task",
                          self.suggest_measure))
        steps.append((at_morning(d.reassessment_task_day), "reassessment_task", self.prepare_reassessment))
        return steps

    def follow_up_steps(self, first: Meeting) -> list[tuple[datetime, str, Step]]:
        """After the first meeting: later follow-ups per rule set, or only the return for a predictable case."""
        rules = self.rules
        first_day_met = local_date(first.held_at or first.start)
        expected_back = self.case.first_day + timedelta(weeks=self.state.expected_weeks)
        if rules.predictable_return_weeks and expected_back <= first_day_met + timedelta(
                weeks=rules.predictable_return_weeks):
            return [(at_morning(working_day_on_or_after(expected_back, self.closed)), f"return_check/{expected_back}",
                     self.ask_about_return)]
        held = [m for m in self.state.meetings if m.status == "held"]
        last = max(local_date(m.held_at or m.start) for m in held)
        if any(m.status == "invited" for m in self.state.meetings):
            return []
        due = next_followup_due(last, rules)
        number = len(self.state.meetings) + 1
        book_on = add_working_days(due, -10, self.closed)
        when = max(at_morning(book_on), workflow.now())
        if self.state.retry_booking_on:
            when = max(when, at_morning(self.state.retry_booking_on))
        return [(when, f"followup/{number}/{self.state.retry_booking_on or ''}",
                 lambda: self.book_meeting(latest_day=max(due, add_working_days(self.today(), 10, self.closed))))]

    # ------------------------------------------------------------------ the first meeting
    def needs_first_contact(self) -> bool:
        return self.state.track == Track.WORKPLACE.value and self.state.employer_contacted_on is None

    async def contact_employer(self) -> None:
        """Ask the employer to host the first follow-up meeting at the workplace, with proposed times."""
        slots = await self.free_slots(self.deadlines.latest_meeting_day, count=3)
        self.state.employer_contacted_on = self.today()
        await self.send("employer_request", self.employer, slots=tuple(slots))
        self.note("employer_contacted", f"{len(slots)} forslag til tidspunkt")
        await self.task("call_employer", Task(
            title="Ring til arbejdsgiveren",
            what=(f"Arbejdsgiveren ({self.case.employer.name}) er bedt om at lægge lokaler til første "
                  "opfølgningssamtale. Ring til kontaktpersonen, og bekræft tid og sted."),
            due=add_working_days(self.today(), 2, self.closed),
            command=self.command("arbejdsgiver", "--vaert ja"),
        ))

    def needs_booking(self) -> bool:
        if self.state.track not in MEETING_TRACKS:
            return False
        if self.state.retry_booking_on and self.today() < self.state.retry_booking_on:
            return False
        first = self.first_meeting()
        if first is not None and first.status == "held":
            return False
        return not any(m.status == "invited" for m in self.state.meetings)

    async def book_meeting(self, latest_day: date | None = None) -> bool:
        """Book the next meeting in the caseworker's free time, before its deadline, and invite everyone."""
        async with self.meetings_lock:
            return await self._book_meeting(latest_day)

    async def _book_meeting(self, latest_day: date | None) -> bool:
        latest = latest_day or self.meeting_deadline()
        number = len(self.state.meetings) + 1
        for attempt in range(BOOKING_ATTEMPTS):
            # After a lost race, try a later free time: the cases racing us all want the first one.
            slots = await self.free_slots(latest, count=1 + attempt)
            if not slots:
                self.state.retry_booking_on = add_working_days(self.today(), 1, self.closed)
                await self.escalate(f"Der er ingen ledig tid til et møde inden {latest.isoformat()}. "
                                    "Sagsbehandlerens kalender skal ses igennem.", key=f"no_slot/{self.today()}")
                return False
            start = slots[-1]
            meeting = Meeting(
                number=number, uid=f"{workflow.info().workflow_id}-meeting-{number}@fastholdelse", start=start,
                end=start + timedelta(minutes=MEETING_MINUTES), location=self.meeting_location(),
                expected_location=self.expected_location(), invited_at=workflow.now(),
            )
            if await self.claim(meeting):
                break
        else:
            self.state.retry_booking_on = add_working_days(self.today(), 1, self.closed)
            return False  # another case kept taking the time: try again on the next working day
        self.state.retry_booking_on = None
        self.state.meetings.append(meeting)
        await self.invite(meeting)
        await self.set_phase(Phase.MEETING_BOOKED if number == 1 else Phase.FOLLOW_UP)
        self.note("meeting_booked", f"møde {number} {start.isoformat()} ({meeting.expected_location})")
        return True

    async def move_meeting(self, uid: str, start: datetime | None = None) -> bool:
        """Move a meeting (same UID, SEQUENCE+1) after a decline, a fast-track request or a change of place."""
        async with self.meetings_lock:
            return await self._move_meeting(uid, start)

    async def _move_meeting(self, uid: str, start: datetime | None) -> bool:
        meeting = self.meeting_by_uid(uid)
        if meeting.status != "invited":
            return False
        declined = (meeting.start,) if "DECLINED" in meeting.responses.values() else ()
        for attempt in range(BOOKING_ATTEMPTS):
            if start is None:
                slots = await self.free_slots(self.meeting_deadline(meeting), count=1 + attempt, exclude_uid=uid,
                                              avoid=declined)
                if not slots:
                    await self.escalate(f"Møde {meeting.number} skal flyttes, men der er ingen ledig tid inden "
                                        "fristen.", key=f"no_slot_move/{uid}/{meeting.sequence}")
                    return False
                start = slots[-1]
            moved = replace(meeting, start=start, end=start + timedelta(minutes=MEETING_MINUTES),
                            location=self.meeting_location(), expected_location=self.expected_location(),
                            sequence=meeting.sequence + 1, responses={}, invited_at=workflow.now())
            if await self.claim(moved):
                break
            start = None  # a time named by the caseworker that another case took: propose one instead
        else:
            return False
        self.state.meetings[moved.number - 1] = moved
        meeting = moved
        await self.invite(meeting)
        self.note("meeting_moved", f"møde {meeting.number} til {start.isoformat()} (version {meeting.sequence})")
        return True

    async def noop(self) -> None:
        """A step that only wakes the process, which then does what has become due."""

    async def remind_employer(self) -> None:
        await self.send("employer_request", self.employer, key_suffix="/reminder", reminder=True)
        self.note("employer_reminded")

    async def remind_attendees(self, meeting: Meeting) -> None:
        for recipient in (self.employer, self.employee):
            await self.send("meeting_reminder", recipient, key_suffix=f"/{meeting.uid}/{meeting.sequence}",
                            meeting=meeting)
        self.note("meeting_reminders_sent", f"møde {meeting.number}")

    async def ask_to_record(self, meeting: Meeting) -> None:
        await self.task(f"record_meeting/{meeting.number}/{meeting.sequence}", Task(
            title=f"Registrér møde {meeting.number}",
            what="Registrér om samtalen blev holdt, om arbejdsgiveren deltog, og hvor den blev holdt.",
            due=add_working_days(local_date(meeting.end), 1, self.closed),
            command=self.command("samtale", f"--moede {meeting.number} --holdt ja --arbejdsgiver-deltog ja "
                                            "--sted arbejdspladsen"),
        ))

    async def check_booking(self) -> None:
        """N working days before the deadline: is the first meeting booked and accepted? If not, tell the lead."""
        first = self.first_meeting()
        if first is not None and first.status == "held":
            return
        invited = [m for m in self.state.meetings if m.status == "invited"]
        accepted = invited and all(invited[-1].responses.get(r.email) == "ACCEPTED"
                                   for r in (self.employer, self.employee))
        if not accepted:
            await self.escalate("Første opfølgningssamtale er ikke booket og accepteret, og fristen nærmer sig.",
                                key="booking_at_risk")

    async def breach(self, kind: str, due: date) -> None:
        """A statutory deadline passed unmet: record it, flag the case, and tell the team lead."""
        first = self.first_meeting()
        if first is not None and first.status == "held" and local_date(first.held_at or first.start) <= due:
            return
        self.state.deadline_breached = True
        self.state.breaches.append(kind)
        await self.activity(RegisterActivities.record_breach,
                            BreachRecord(self.case.reference, self.case.municipality, kind, due))
        self.note("deadline_breached", f"{kind} {due.isoformat()}")
        what = "første opfølgningssamtale" if kind == "first_meeting" else "samtale efter anmodning om tidlig opfølgning"
        await self.escalate(f"Fristen {due.isoformat()} for {what} er overskredet.", key=f"breach/{kind}")
        await self.set_phase(Phase(self.state.phase))

    # ------------------------------------------------------------------ later in the case
    async def suggest_measure(self) -> None:
        await self.task("measure", Task(
            title="Overvej en virksomhedsrettet indsats",
            what=("Modellens mål er en virksomhedsrettet indsats (fx gradvis tilbagevenden, virksomhedspraktik, "
                  f"løntilskud eller mentor) inden udgangen af uge {self.rules.measure_weeks}."),
            due=self.deadlines.measure_due,
            command=self.command("indsats", "--type gradvis --start ÅÅÅÅ-MM-DD"),
        ))

    async def prepare_reassessment(self) -> None:
        await self.task("reassessment", Task(
            title="Forbered revurdering",
            what=(f"Sygedagpengene skal revurderes, før de har været udbetalt i {self.rules.reassessment_weeks} uger. "
                  "Vurdér om en forlængelsesregel kan anvendes."),
            due=self.deadlines.reassessment_due,
        ))

    async def ask_about_return(self) -> None:
        await self.task(f"return_check/{self.today()}", Task(
            title="Følg op på tilbagevenden",
            what="Medarbejderen forventedes tilbage nu. Følg op, og meld raskmelding eller ny varighed.",
            due=add_working_days(self.today(), 3, self.closed),
            command=self.command("afslut", "--type rask"),
        ))

    # ------------------------------------------------------------------ the end
    async def close_case(self) -> None:
        end = self.end
        reason = "" if end.end_type == EndType.DEATH.value else \
            f"Sagen er afsluttet ({END_TYPE_DANISH[EndType(end.end_type)]})."
        for meeting in self.state.meetings:
            if meeting.status == "invited":
                meeting.status = "cancelled"
                meeting.sequence += 1
                await self.save(meeting)
                await self.invite(meeting, cancel=True, reason=reason)
        self.state.open_tasks = []
        self.state.end_type, self.state.end_date = end.end_type, end.end_date
        # After a death nobody is written to at the employee's address; the caseworker handles the contact.
        recipients = (self.employer,) if end.end_type == EndType.DEATH.value else (self.employer, self.employee)
        for recipient in recipients:
            await self.send("case_closed", recipient, extra={"end_type": END_TYPE_DANISH[EndType(end.end_type)]})
        await self.set_phase(Phase.CLOSED, fields={
            "end_type": end.end_type, "end_date": end.end_date, "closed_at": workflow.now()})
        self.note("case_closed", end.end_type)

    async def collect_outcome(self) -> None:
        """One month after the end the caseworker records where the person went: work, education or other."""
        if self.end.end_type == EndType.DEATH.value:
            return
        ask_on = working_day_on_or_after(outcome_request_day(self.end.end_date, self.rules), self.closed)
        if not await self.wait_until(at_morning(ask_on), lambda: self.state.outcome is not None):
            await self.task("outcome", Task(
                title="Registrér afgang en måned efter sagens afslutning",
                what="Registrér om personen er i arbejde, i uddannelse eller andet.",
                due=add_working_days(ask_on, 5, self.closed),
                command=self.command("udfald", "--udfald job"),
            ))
        if not await self.wait_until(at_morning(ask_on) + timedelta(days=OUTCOME_WAIT_DAYS),
                                     lambda: self.state.outcome is not None):
            await self.record_outcome_value(OutcomeKind.UNKNOWN.value)

    # ================================================================== human input
    @workflow.update
    async def record_rsvp(self, rsvp: RsvpReceived) -> str:
        async with self.meetings_lock:
            return await self._record_rsvp(rsvp)

    async def _record_rsvp(self, rsvp: RsvpReceived) -> str:
        self.validate_answer(rsvp.uid, rsvp.sequence, rsvp.attendee_email)  # again: a move may have come first
        meeting = self.meeting_by_uid(rsvp.uid)
        email = rsvp.attendee_email.lower()
        meeting.responses[email] = rsvp.partstat
        role = self.role_of(email)
        if role == "employer" and rsvp.partstat == "ACCEPTED" and meeting.expected_location == Location.WORKPLACE.value:
            self.state.employer_hosts = True  # accepting the workplace meeting is agreeing to host it
        await self.save(meeting)
        await self.audit("rsvp_recorded", rsvp.actor or f"{role} (svar på invitation)", meeting=str(meeting.number),
                         answer=rsvp.partstat)
        self.note("rsvp", f"møde {meeting.number}: {role} {rsvp.partstat}")
        if rsvp.partstat == "DECLINED" and meeting.uid not in self.state.reschedule:
            self.state.reschedule.append(meeting.uid)
        self.changed = True
        return rsvp.partstat

    @record_rsvp.validator
    def _validate_rsvp(self, rsvp: RsvpReceived) -> None:
        self.validate_answer(rsvp.uid, rsvp.sequence, rsvp.attendee_email)
        if rsvp.partstat not in PARTSTATS:
            raise ApplicationError(f"ukendt svar {rsvp.partstat!r}", type="BadPartstat")

    @workflow.update
    async def propose_time(self, proposal: CounterProposal) -> str:
        meeting = self.meeting_by_uid(proposal.uid)
        role = self.role_of(proposal.attendee_email)
        self.note("counter_proposal", f"møde {meeting.number}: {role} foreslår {proposal.start.isoformat()}")
        await self.audit("time_proposed", proposal.actor or f"{role} (svar på invitation)",
                         meeting=str(meeting.number), start=proposal.start.isoformat())
        local = proposal.start.astimezone(LOCAL_TZ)
        await self.task(f"counter/{meeting.uid}/{len(self.state.timeline)}", Task(
            title="Et andet mødetidspunkt er foreslået",
            what=(f"{role_danish(role)} foreslår at flytte møde {meeting.number} til "
                  f"{local.strftime('%d.%m.%Y kl. %H.%M')}"
                  + (f" med bemærkningen: {proposal.comment}" if proposal.comment else "")
                  + ". Aftal tidspunktet, og flyt mødet, hvis det passer; ellers fastholdes det planlagte møde."),
            due=add_working_days(self.today(), 1, self.closed),
            command=self.command("flyt", f"--moede {meeting.number} --tidspunkt {local.strftime('%Y-%m-%dT%H:%M')}"),
        ))
        return "task_created"

    @propose_time.validator
    def _validate_counter(self, proposal: CounterProposal) -> None:
        self.validate_answer(proposal.uid, proposal.sequence, proposal.attendee_email)
        if proposal.end <= proposal.start:
            raise ApplicationError("det foreslåede møde slutter før det begynder", type="BadProposal")

    def validate_answer(self, uid: str, sequence: int, attendee_email: str) -> None:
        """An answer counts only from an attendee of that meeting, for its current version, while planned."""
        meeting = self.meeting_by_uid(uid)
        if attendee_email.lower() not in self.attendee_roles():
            raise ApplicationError("afsenderen er ikke deltager i mødet", type="NotAnAttendee")
        if sequence != meeting.sequence:
            raise ApplicationError(f"svaret gælder version {sequence}, mødet er nu version {meeting.sequence}",
                                   type="StaleSequence")
        if meeting.status != "invited":
            raise ApplicationError("mødet er ikke længere planlagt", type="MeetingNotPlanned")

    @workflow.update
    async def record_meeting(self, outcome: MeetingOutcome) -> str:
        async with self.meetings_lock:
            return await self._record_meeting(outcome)

    async def _record_meeting(self, outcome: MeetingOutcome) -> str:
        self._validate_meeting(outcome)  # again: a move may have come first
        meeting = self.state.meetings[outcome.meeting_number - 1]
        meeting.status = "held" if outcome.held else "no_show"
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
    async def employer_answer(self, answer: EmployerAnswer) -> str:
        """The employer hosts the meeting at the workplace, or declines: then it moves to the job centre."""
        self.state.employer_hosts = answer.hosts_at_workplace
        await self.audit("employer_answered", answer.actor, hosts=str(answer.hosts_at_workplace), reason=answer.reason)
        self.close_task("call_employer")
        if answer.hosts_at_workplace:
            self.note("employer_hosts")
        else:
            self.note("employer_declined_hosting", answer.reason)
            for meeting in self.state.meetings:
                if (meeting.status == "invited" and meeting.expected_location == Location.WORKPLACE.value
                        and meeting.uid not in self.state.reschedule):
                    self.state.reschedule.append(meeting.uid)
        self.changed = True
        return "workplace" if answer.hosts_at_workplace else "jobcenter"

    @employer_answer.validator
    def _validate_employer_answer(self, answer: EmployerAnswer) -> None:
        self.require_open()
        if self.state.track != Track.WORKPLACE.value:
            raise ApplicationError("sagen følger ikke arbejdspladsmodellen", type="NotWorkplaceTrack")
        if not answer.hosts_at_workplace and not answer.reason.strip():
            raise ApplicationError("angiv en begrundelse, når samtalen ikke kan holdes på arbejdspladsen",
                                   type="ReasonRequired")

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
        self.changed = True
        return self.state.track

    @new_expected_duration.validator
    def _validate_duration(self, duration: ExpectedDuration) -> None:
        self.require_open()
        for weeks in (duration.employee_weeks, duration.employer_weeks):
            if weeks is not None and not 1 <= weeks <= 52:
                raise ApplicationError("forventet varighed skal være 1-52 uger", type="BadDuration")

    @workflow.update
    async def request_fast_track(self, request: FastTrackRequest) -> str:
        """Early follow-up on request: the first meeting within two weeks of the request."""
        due = min(fast_track_due(request.requested_on, self.rules), self.deadlines.latest_meeting_day)
        self.state.fast_track = FastTrack(request.requested_by, request.requested_on, due)
        self.note("fast_track_requested", f"{request.requested_by}, senest {due.isoformat()}")
        await self.audit("fast_track_requested", request.actor, requested_by=request.requested_by, due=due.isoformat())
        await self.activity(RegisterActivities.update_case, self.case_update("fast_track", {
            "fast_track_requested_by": request.requested_by, "fast_track_requested_on": request.requested_on}))
        if self.state.track not in MEETING_TRACKS:
            # A watched case asked for follow-up gets it: a job-centre meeting unless the employer hosts.
            self.state.track, self.state.triage_reason = Track.OUTSIDE.value, "fast_track_requested"
            await self.set_phase(Phase.BOOKING, fields={"track": self.state.track,
                                                        "triage_reason": self.state.triage_reason})
        for meeting in self.state.meetings:
            if meeting.status == "invited" and local_date(meeting.start) > due and meeting.uid not in self.state.reschedule:
                self.state.reschedule.append(meeting.uid)
        self.changed = True
        return due.isoformat()

    @request_fast_track.validator
    def _validate_fast_track(self, request: FastTrackRequest) -> None:
        self.require_open()
        if request.requested_by not in ("employer", "employee"):
            raise ApplicationError("anmodningen skal komme fra arbejdsgiver eller medarbejder", type="BadRequester")
        if self.state.fast_track is not None:
            raise ApplicationError("der er allerede anmodet om tidlig opfølgning", type="AlreadyRequested")
        first = self.first_meeting()
        if first is not None and first.status == "held":
            raise ApplicationError("første opfølgningssamtale er allerede holdt", type="AlreadyHeld")
        if request.requested_on < self.case.first_day:
            raise ApplicationError("anmodningen kan ikke ligge før første fraværsdag", type="BadRequestDate")
        if not fast_track_allowed(request.requested_by, request.requested_on, self.case.first_day, self.rules):
            raise ApplicationError(f"arbejdsgiveren kan kun anmode inden for de første "
                                   f"{self.rules.fast_track_employer_window_weeks} ugers fravær", type="TooLate")

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
            raise ApplicationError(f"ukendt indsats {start.kind!r}", type="BadMeasure")
        if start.start_date < self.case.first_day:
            raise ApplicationError("indsatsen kan ikke begynde før første fraværsdag", type="BadMeasureDate")

    @workflow.update
    async def reassign(self, change: Reassignment) -> str:
        """Another caseworker takes the case: the reason is recorded and the new one gets the open tasks."""
        old = self.state.caseworker
        try:
            new = await self.activity(RegisterActivities.assign_caseworker, AssignRequest(
                self.case.reference, self.case.municipality, reason=change.reason, exclude=(old.id,),
                caseworker_id=change.caseworker_id))
        except ActivityError as err:
            if isinstance(err.cause, ApplicationError) and err.cause.type == "UnknownCaseworker":
                raise ApplicationError(err.cause.message, type="UnknownCaseworker") from None
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
        await self.set_phase(Phase(self.state.phase))
        self.changed = True
        return new.id

    async def hand_over_meetings(self, old_recipient: Recipient) -> None:
        old_email = old_recipient.email
        for meeting in self.state.meetings:
            if meeting.status == "invited":
                # The old caseworker's calendar loses the meeting; everyone gets the new attendee list.
                meeting.sequence += 1
                meeting.invited_at = workflow.now()
                await self.send("cancellation", old_recipient, key_suffix=f"/{meeting.uid}/{meeting.sequence}",
                                meeting=meeting, calendar_method="CANCEL", attendees=(old_recipient,),
                                reason="Mødet overtages af en anden sagsbehandler.")
                meeting.responses = {k: v for k, v in meeting.responses.items() if k != old_email}
                await self.save(meeting)
                await self.invite(meeting)

    @reassign.validator
    def _validate_reassign(self, change: Reassignment) -> None:
        self.require_open()
        if not change.reason.strip():
            raise ApplicationError("angiv en begrundelse for omfordelingen", type="ReasonRequired")
        if change.caseworker_id == self.state.caseworker.id:
            raise ApplicationError("sagen har allerede denne sagsbehandler", type="SameCaseworker")

    @workflow.update
    async def move_meeting_to(self, move: MeetingMove) -> str:
        moved = await self.move_meeting(self.state.meetings[move.meeting_number - 1].uid, move.start)
        await self.audit("meeting_moved", move.actor, meeting=str(move.meeting_number), start=move.start.isoformat())
        self.changed = True
        return self.state.meetings[move.meeting_number - 1].start.isoformat() if moved else ""

    @move_meeting_to.validator
    def _validate_move(self, move: MeetingMove) -> None:
        self.require_open()
        if not 1 <= move.meeting_number <= len(self.state.meetings):
            raise ApplicationError(f"sagen har intet møde nummer {move.meeting_number}", type="NoSuchMeeting")
        if self.state.meetings[move.meeting_number - 1].status != "invited":
            raise ApplicationError("kun planlagte møder kan flyttes", type="MeetingNotPlanned")
        if move.start <= workflow.now():
            raise ApplicationError("det nye tidspunkt ligger i fortiden", type="StartInPast")

    @workflow.update
    async def report_end(self, end: CaseEnd) -> str:
        self.end = end
        await self.audit("end_reported", end.actor, end_type=end.end_type, end_date=end.end_date.isoformat())
        return end.end_type

    @report_end.validator
    def _validate_end(self, end: CaseEnd) -> None:
        self.require_open()
        if end.end_type not in {e.value for e in EndType}:
            raise ApplicationError(f"ukendt afslutning {end.end_type!r}", type="BadEndType")
        if end.end_date < self.case.first_day:
            raise ApplicationError("slutdatoen ligger før første fraværsdag", type="BadEndDate")

    @workflow.update
    async def record_outcome(self, report: OutcomeReport) -> str:
        await self.audit("outcome_reported", report.actor, outcome=report.outcome)
        await self.record_outcome_value(report.outcome)
        return report.outcome

    @record_outcome.validator
    def _validate_outcome(self, report: OutcomeReport) -> None:
        if self.end is None:
            raise ApplicationError("afgang kan først registreres, når sagen er afsluttet", type="CaseOpen")
        if self.state.outcome is not None:
            raise ApplicationError("afgangen er allerede registreret", type="AlreadyRecorded")
        if report.outcome not in {OutcomeKind.WORK.value, OutcomeKind.EDUCATION.value, OutcomeKind.OTHER.value}:
            raise ApplicationError(f"ukendt afgang {report.outcome!r}", type="BadOutcome")

    @workflow.query
    def state_now(self) -> CaseState:
        return self.state

    # ================================================================== helpers
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

    def history_is_long(self) -> bool:
        info = workflow.info()
        limit = self.case.history_event_limit or HISTORY_EVENT_LIMIT
        return info.is_continue_as_new_suggested() or info.get_current_history_length() > limit

    def require_open(self) -> None:
        if self.end is not None:
            raise ApplicationError("sagen er afsluttet", type="CaseClosed")

    async def wait_until(self, when: datetime, condition) -> bool:
        """Wait for the condition or the moment, whichever comes first; True if the condition came first."""
        try:
            await workflow.wait_condition(condition, timeout=max(timedelta(seconds=1), when - workflow.now()))
            return True
        except TimeoutError:
            return False

    def note(self, event: str, detail: str = "") -> None:
        self.state.timeline.append(TimelineEntry(at=workflow.now(), event=event, detail=detail))

    def first_meeting(self) -> Meeting | None:
        """The first follow-up meeting: the earliest one not lost to a no-show or cancellation."""
        held = [m for m in self.state.meetings if m.status == "held"]
        if held:
            return held[0]
        planned = [m for m in self.state.meetings if m.status == "invited"]
        return planned[0] if planned else None

    def employer_silent(self) -> bool:
        if self.state.employer_hosts is not None or self.state.employer_contacted_on is None:
            return False
        return not any(m.responses.get(self.employer.email) for m in self.state.meetings)

    def meeting_deadline(self, meeting: Meeting | None = None) -> date:
        held = [m for m in self.state.meetings if m.status == "held"]
        if held and (meeting is None or meeting.number > held[0].number):
            last = max(local_date(m.held_at or m.start) for m in held)
            return max(next_followup_due(last, self.rules), add_working_days(self.today(), 10, self.closed))
        latest = self.deadlines.latest_meeting_day
        if self.state.fast_track:
            latest = min(latest, self.state.fast_track.due)
        # Past the statutory date the meeting is still owed: book the soonest time, the breach is recorded.
        return max(latest, add_working_days(self.today(), 10, self.closed))

    def expected_location(self) -> str:
        workplace = self.state.track == Track.WORKPLACE.value and self.state.employer_hosts is not False
        return Location.WORKPLACE.value if workplace else Location.JOBCENTER.value

    def meeting_location(self) -> str:
        if self.expected_location() == Location.WORKPLACE.value:
            return self.case.employer.workplace_address
        return self.state.caseworker.office_address or "Jobcentret"

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

    def role_of(self, email: str) -> str:
        return self.attendee_roles().get(email.lower(), "ukendt")

    def meeting_by_uid(self, uid: str) -> Meeting:
        for meeting in self.state.meetings:
            if meeting.uid == uid:
                return meeting
        raise ApplicationError("ukendt møde (UID)", type="UnknownMeeting")

    def command(self, verb: str, options: str) -> str:
        return f"fasthold --kommune {self.case.municipality} {verb} {self.case.reference} {options}"

    def summary(self) -> CaseSummary:
        worker = self.state.caseworker
        return CaseSummary(
            reference=self.case.reference, municipality=self.case.municipality,
            employee_name=self.case.employee.name, employer_name=self.case.employer.name,
            workplace_address=self.case.employer.workplace_address, contact_name=self.case.employer.contact_name,
            caseworker_name=worker.name, caseworker_email=worker.email, caseworker_phone=worker.phone,
            first_day=self.case.first_day, first_meeting_due=self.deadlines.first_meeting_due,
            municipality_name=worker.municipality_name or f"kommune {self.case.municipality}",
        )

    def case_update(self, action: str, fields: dict, actor: str = "engine", detail: dict | None = None) -> CaseUpdate:
        self.state.register_writes += 1
        return CaseUpdate(self.case.reference, self.case.municipality,
                          event_key=f"{workflow.info().workflow_id}/{self.state.register_writes}/{action}",
                          action=action, actor=actor, fields=fields, detail=detail or {})

    async def audit(self, action: str, actor: str, **detail: str) -> None:
        """Who did what to the case, in the register's audit trail (cases started before this was added don't)."""
        if workflow.patched(PATCH_AUDIT_ACTIONS):
            await self.activity(RegisterActivities.update_case,
                                self.case_update(action, {}, actor=actor or "ukendt", detail=detail))

    async def activity(self, fn, arg):
        return await workflow.execute_activity_method(fn, arg, start_to_close_timeout=ACTIVITY_TIMEOUT,
                                                      retry_policy=RETRY)

    async def send(self, kind: str, recipient: Recipient, *, key_suffix: str = "", **fields) -> None:
        key = f"{workflow.info().workflow_id}/{kind}{key_suffix}/{recipient.email}"
        try:
            await self.activity(MailActivities.send_mail, OutgoingMail(
                key=key, kind=kind, case=self.summary(), recipient=recipient,
                deadline=fields.pop("deadline", self.deadlines.first_meeting_due), **fields))
        except ActivityError as err:
            refused = isinstance(err.cause, ApplicationError) and err.cause.type == "RecipientRefused"
            if not refused or recipient.role == "team_lead":
                raise
            # A refused address must not stop the case: the team lead is told, and the process goes on.
            self.note("mail_refused", f"{kind} til {recipient.role}")
            await self.escalate(f"Mailserveren afviste adressen for {role_danish(recipient.role).lower()} "
                                f"({kind}). Ret adressen, og kontakt personen direkte.",
                                key=f"refused/{recipient.role}/{kind}")

    async def invite(self, meeting: Meeting, *, cancel: bool = False, reason: str = "") -> None:
        """Send the meeting (REQUEST) or its cancellation (CANCEL) to every attendee, once per sequence."""
        attendees = (self.employer, self.employee, self.caseworker_recipient)
        for recipient in attendees:
            await self.send("cancellation" if cancel else "invitation", recipient,
                            key_suffix=f"/{meeting.uid}/{meeting.sequence}", meeting=meeting,
                            calendar_method="CANCEL" if cancel else "REQUEST", attendees=attendees, reason=reason)

    async def task(self, key: str, task: Task) -> None:
        """A task e-mail to the caseworker; it stays open (and moves with a reassignment) until done."""
        self.state.open_tasks.append(OpenTask(key, task.title, task.what, task.due, task.command))
        await self.send("caseworker_task", self.caseworker_recipient, key_suffix=f"/{key}", task=task)
        self.note("caseworker_task", task.title)

    def close_task(self, key: str) -> None:
        self.state.open_tasks = [t for t in self.state.open_tasks if t.key != key]

    async def escalate(self, reason: str, *, key: str) -> None:
        """Tell the team lead that a deadline is at risk or missed; `key` makes it one e-mail per occasion."""
        worker = self.state.caseworker
        lead = Recipient(worker.lead_name, worker.lead_email, "team_lead")
        await self.send("escalation", lead, key_suffix=f"/{key}", reason=reason,
                        extra={"team_lead_name": worker.lead_name})
        if workflow.patched(PATCH_ESCALATION_COPY):
            # The caseworker sees what the team lead was told, so an escalation never surprises them.
            await self.send("escalation", self.caseworker_recipient, key_suffix=f"/{key}", reason=reason,
                            extra={"team_lead_name": worker.lead_name})
        self.note("escalated", reason)

    async def record_outcome_value(self, outcome: str) -> None:
        self.state.outcome = outcome
        self.close_task("outcome")
        await self.activity(RegisterActivities.update_case, self.case_update("outcome", {
            "outcome": outcome, "outcome_recorded_at": workflow.now()}))
        self.note("outcome_recorded", outcome)

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
        await self.activity(RegisterActivities.save_meeting, MeetingRecord(
            self.case.reference, self.case.municipality, self.state.caseworker.id, meeting, self.attendee_roles()))

    async def free_slots(self, latest_day: date, count: int, exclude_uid: str = "",
                         avoid: tuple[datetime, ...] = ()) -> list[datetime]:
        # Two working days' notice: nobody should be invited for tomorrow morning.
        earliest_day = add_working_days(self.today(), 2, self.closed)
        earliest = max(local_midnight(earliest_day), workflow.now())
        return await self.activity(PlanningActivities.free_slots, SlotRequest(
            caseworker=self.state.caseworker, earliest=earliest, latest_day=latest_day, count=count,
            duration_minutes=MEETING_MINUTES, exclude_uid=exclude_uid, avoid=avoid))

    def next_deadline(self) -> date | None:
        if self.state.phase == Phase.CLOSED.value:
            return None
        first = self.first_meeting()
        if self.state.track in MEETING_TRACKS and not (first is not None and first.status == "held"):
            due = self.deadlines.first_meeting_due
            return min(due, self.state.fast_track.due) if self.state.fast_track else due
        return self.deadlines.reassessment_due

    async def set_phase(self, phase: Phase, fields: dict | None = None) -> None:
        self.state.phase = phase.value
        self.state.next_deadline = self.next_deadline()
        updates = [sa.CASE_PHASE.value_set(phase.value), sa.DEADLINE_BREACHED.value_set(self.state.deadline_breached),
                   sa.CASEWORKER.value_set(self.state.caseworker.id)]
        if self.state.next_deadline:
            updates.append(sa.NEXT_DEADLINE.value_set(local_end_of_day(self.state.next_deadline)))
        else:
            updates.append(sa.NEXT_DEADLINE.value_unset())
        workflow.upsert_search_attributes(updates)
        await self.activity(RegisterActivities.update_case, self.case_update(
            "phase_changed", {"phase": phase.value, "deadline_breached": self.state.deadline_breached,
                              **(fields or {})}))

