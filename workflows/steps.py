"""The steps the process takes on its own: contact the employer, book and move meetings, remind, escalate,
record a breach, and give the caseworker the tasks that come with time.

What is due and when is decided in `domain.agenda`; these methods only carry a step out. A mixin of
`CaseWorkflow`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.planning import PlanningActivities
    from domain import agenda, labels
    from domain.calendar_dk import add_working_days
    from domain.localtime import local_date
    from domain.model import Meeting, MeetingStatus, Partstat, Phase
    from domain.practice import (
        BOOKING_ATTEMPTS,
        CALL_EMPLOYER_DUE_WORKING_DAYS,
        EMPLOYER_REQUEST_SLOTS,
        MEETING_MINUTES,
        RECORD_MEETING_DUE_WORKING_DAYS,
        RETURN_CHECK_DUE_WORKING_DAYS,
    )

from workflows.effects import PATCH_ATOMIC_BOOKING

PATCH_RANDOM_UID = "meeting-uid-random"
PATCH_SECRET_UID = "meeting-uid-secret"


class CaseSteps:
    # ------------------------------------------------------------------ the first meeting
    async def contact_employer(self) -> None:
        """Ask the employer to host the first follow-up meeting at the workplace, with proposed times."""
        slots = await self.free_slots(self.deadlines.latest_meeting_day, count=EMPLOYER_REQUEST_SLOTS)
        self.state.employer_contacted_on = self.today()
        await self.send("employer_request", self.employer, slots=tuple(slots), extra=self.employer_request_extra())
        self.note("employer_contacted", f"{len(slots)} forslag til tidspunkt")
        await self.task(
            "call_employer",
            labels.call_employer(self.case.employer.name),
            due=add_working_days(self.today(), CALL_EMPLOYER_DUE_WORKING_DAYS, self.closed),
            command=self.command("arbejdsgiver", "--vaert ja"),
        )

    async def book_meeting(self, latest_day: date | None = None) -> bool:
        """Book the next meeting in the caseworker's free time, before its deadline, and invite everyone."""
        async with self.meetings_lock:
            return await self._book_meeting(latest_day)

    async def _book_meeting(self, latest_day: date | None) -> bool:
        latest = latest_day or agenda.meeting_deadline(self.state, self.today())
        number = len(self.state.meetings) + 1
        if workflow.patched(PATCH_ATOMIC_BOOKING):
            meeting = await self.reserve(await self.new_meeting(number, workflow.now()), latest)
            if meeting is None:
                self.state.retry_booking_on = agenda.retry_booking_day(self.today(), self.closed)
                await self.escalate(labels.no_free_time(latest.isoformat()), key=f"no_slot/{self.today()}")
                return False
            return await self._booked(meeting, number)
        for attempt in range(BOOKING_ATTEMPTS):
            # After a lost race, try a later free time: the cases racing us all want the first one.
            slots = await self.free_slots(latest, count=1 + attempt)
            if not slots:
                self.state.retry_booking_on = agenda.retry_booking_day(self.today(), self.closed)
                await self.escalate(labels.no_free_time(latest.isoformat()), key=f"no_slot/{self.today()}")
                return False
            meeting = await self.new_meeting(number, slots[-1])
            if await self.claim(meeting):
                break
        else:
            self.state.retry_booking_on = agenda.retry_booking_day(self.today(), self.closed)
            return False  # another case kept taking the time: try again on the next working day
        return await self._booked(meeting, number)

    async def _booked(self, meeting: Meeting, number: int) -> bool:
        self.state.retry_booking_on = None
        self.state.meetings.append(meeting)
        await self.invite(meeting)
        await self.set_phase(Phase.MEETING_BOOKED if number == 1 else Phase.FOLLOW_UP)
        self.note("meeting_booked", f"møde {number} {meeting.start.isoformat()} ({meeting.expected_location.value})")
        return True

    async def new_meeting(self, number: int, start: datetime) -> Meeting:
        return Meeting(
            number=number,
            uid=await self.meeting_uid(number),
            start=start,
            end=start + timedelta(minutes=MEETING_MINUTES),
            location=self.meeting_address(),
            expected_location=agenda.expected_location(self.state),
            invited_at=workflow.now(),
        )

    async def meeting_uid(self, number: int) -> str:
        """A UID nobody can compute: an answer must name it, so a forger must know it. From `secrets`, in an
        activity (its result is in the history, so replay gives the same UID). Cases from before keep their
        kind: the workflow's seeded random source (computable from the run id), or the numbered form."""
        if workflow.patched(PATCH_SECRET_UID):
            return await self.activity(PlanningActivities.new_meeting_uid, number)
        if workflow.patched(PATCH_RANDOM_UID):
            return f"{workflow.uuid4()}@fastholdelse"
        return f"{workflow.info().workflow_id}-meeting-{number}@fastholdelse"

    def meeting_address(self) -> str:
        """The address in the invitation: the workplace's, or the caseworker's job centre."""
        if agenda.expected_location(self.state) == agenda.Location.WORKPLACE:
            return self.case.employer.workplace_address
        return self.state.caseworker.office_address or "Jobcentret"

    async def move_meeting(self, uid: str, start: datetime | None = None) -> bool:
        """Move a meeting (same UID, SEQUENCE+1) after a decline, a fast-track request or a change of place."""
        async with self.meetings_lock:
            return await self._move_meeting(uid, start)

    async def _move_meeting(self, uid: str, start: datetime | None) -> bool:
        meeting = self.meeting_by_uid(uid)
        if meeting.status != MeetingStatus.INVITED:
            return False
        declined = (meeting.start,) if Partstat.DECLINED in meeting.responses.values() else ()
        for attempt in range(BOOKING_ATTEMPTS):
            if start is None and workflow.patched(PATCH_ATOMIC_BOOKING):
                moved = await self.reserve(
                    self._moved(meeting, workflow.now()),
                    agenda.meeting_deadline(self.state, self.today(), meeting),
                    avoid=declined,
                )
                if moved is None:
                    await self.escalate(
                        labels.no_free_time_to_move(meeting.number), key=f"no_slot_move/{uid}/{meeting.sequence}"
                    )
                    return False
                start = moved.start
                break
            if start is None:
                slots = await self.free_slots(
                    agenda.meeting_deadline(self.state, self.today(), meeting),
                    count=1 + attempt,
                    exclude_uid=uid,
                    avoid=declined,
                )
                if not slots:
                    await self.escalate(
                        labels.no_free_time_to_move(meeting.number), key=f"no_slot_move/{uid}/{meeting.sequence}"
                    )
                    return False
                start = slots[-1]
            moved = self._moved(meeting, start)
            if await self.claim(moved):
                break
            start = None  # a time named by the caseworker that another case took: propose one instead
        else:
            return False
        self.state.meetings[moved.number - 1] = moved
        await self.invite(moved)
        self.note("meeting_moved", f"møde {moved.number} til {start.isoformat()} (version {moved.sequence})")
        return True

    def _moved(self, meeting: Meeting, start: datetime) -> Meeting:
        """The meeting's next version at `start`: same UID, SEQUENCE+1, answers cleared."""
        return replace(
            meeting,
            start=start,
            end=start + timedelta(minutes=MEETING_MINUTES),
            location=self.meeting_address(),
            expected_location=agenda.expected_location(self.state),
            sequence=meeting.sequence + 1,
            responses={},
            invited_at=workflow.now(),
        )

    # ------------------------------------------------------------------ reminders, escalations, breaches
    async def remind_employer(self) -> None:
        await self.send(
            "employer_request",
            self.employer,
            key_suffix="/reminder",
            reminder=True,
            extra=self.employer_request_extra(),
        )
        self.note("employer_reminded")

    async def escalate_silent_employer(self) -> None:
        await self.escalate(labels.EMPLOYER_SILENT, key="employer_silent")

    async def remind_attendees(self, meeting: Meeting) -> None:
        for recipient in (self.employer, self.employee):
            await self.send(
                "meeting_reminder", recipient, key_suffix=f"/{meeting.uid}/{meeting.sequence}", meeting=meeting
            )
        self.note("meeting_reminders_sent", f"møde {meeting.number}")

    async def ask_to_record(self, meeting: Meeting) -> None:
        await self.task(
            f"record_meeting/{meeting.number}/{meeting.sequence}",
            labels.record_meeting(meeting.number),
            due=add_working_days(local_date(meeting.end), RECORD_MEETING_DUE_WORKING_DAYS, self.closed),
            command=self.command(
                "samtale", f"--moede {meeting.number} --holdt ja --arbejdsgiver-deltog ja --sted arbejdspladsen"
            ),
        )

    # ------------------------------------------------------------------ later in the case
    async def suggest_measure(self) -> None:
        await self.task(
            "measure",
            labels.consider_measure(self.rules.measure_weeks),
            due=self.deadlines.measure_due,
            command=self.command("indsats", "--type gradvis --start ÅÅÅÅ-MM-DD"),
        )

    async def prepare_reassessment(self) -> None:
        """The task names the § 24 date; after a period without benefit moved it, the task is a new one."""
        due = self.deadlines.reassessment_due
        moved = self.state.benefit_pauses or self.state.earlier_benefit
        key = f"reassessment/{due.isoformat()}" if moved else "reassessment"
        self.state.open_tasks = [t for t in self.state.open_tasks if not t.key.startswith("reassessment")]
        await self.task(key, labels.prepare_reassessment(self.rules.reassessment_weeks, due), due=due)

    async def ask_about_return(self) -> None:
        await self.task(
            f"return_check/{self.today()}",
            labels.follow_return(),
            due=add_working_days(self.today(), RETURN_CHECK_DUE_WORKING_DAYS, self.closed),
            command=self.command("afslut", "--type rask"),
        )
