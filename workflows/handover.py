"""Handing a case to another caseworker without leaving anything half done.

The earlier handover gave the case to the new caseworker first and then tried to put the planned meetings in
their calendar; when the hour was taken and no other time was free, the old caseworker had already been sent a
cancellation, the attendees heard nothing, the register still had the old caseworker on the meeting and the
case page said "planlagt". Here every planned meeting is first placed in the new caseworker's calendar (at the
same time when it is free and within their working hours, otherwise at their first free time before the
meeting's deadline). Only when every meeting has a place is the case handed over; then the old caseworker gets
the cancellation and everyone gets the meeting as it now is. When a meeting cannot be placed, the places
already taken are given back, nothing else changes, the team lead gets the decision as an escalation, and the
caller is refused with the reason.

A mixin of `CaseWorkflow`, used for reassignments made after the patch `PATCH_HANDOVER_PLACES_FIRST`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.register import AssignRequest, BusyRequest, MeetingRecord, RegisterActivities, ReserveRequest
    from domain import agenda, labels
    from domain.decisions import reassignment
    from domain.model import Caseworker, Meeting, Partstat, Role
    from domain.payloads import Reassignment
    from domain.practice import MEETING_MINUTES
    from domain.refusals import Refusal
    from domain.results import UpdateResult, done

from workflows.effect_runner import run_effects

PATCH_HANDOVER_PLACES_FIRST = "handover-places-meetings-before-handing-over"


class Handover:
    async def reassign_placing_meetings(self, change: Reassignment) -> UpdateResult:
        old = self.state.caseworker
        new = await self._caseworker_for(change, old)
        async with self.meetings_lock:
            placed = await self._place_meetings(new)
            if placed is None:
                return await self._refuse_handover(change, old, new)
            await self._hand_over(change, old, new, placed)
        return done(new.id)

    async def _caseworker_for(self, change: Reassignment, old: Caseworker) -> Caseworker:
        try:
            return await self.activity(
                RegisterActivities.look_up_caseworker,
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
                raise ApplicationError(err.cause.message, type=Refusal.UNKNOWN_CASEWORKER) from None
            raise

    async def _place_meetings(self, new: Caseworker) -> list[tuple[Meeting, Meeting]] | None:
        """(before, after) for every planned meeting, each now booked in the new caseworker's calendar; None
        when one of them has no place (those already placed are given back first)."""
        roles = {**self.attendee_roles(), new.email.lower(): Role.CASEWORKER.value}
        roles = {k: v for k, v in roles.items() if k != self.caseworker_recipient.email.lower()}
        placed: list[tuple[Meeting, Meeting]] = []
        for meeting in agenda.planned_meetings(self.state):
            responses = {k: v for k, v in meeting.responses.items() if k != self.caseworker_recipient.email.lower()}
            after = replace(meeting, sequence=meeting.sequence + 1, invited_at=workflow.now(), responses=responses)
            record = MeetingRecord(self.case.reference, self.case.municipality, new.id, after, roles)
            if (
                reassignment.within_hours(new, after)
                and await self._free_at(new, after)
                and await self._try_save(record)
            ):
                placed.append((meeting, after))
                continue
            declined = (meeting.start,) if Partstat.DECLINED in meeting.responses.values() else ()
            start = await self.activity(
                RegisterActivities.reserve_slot,
                ReserveRequest(
                    record,
                    caseworker=new,
                    earliest=self.earliest_meeting_time(),
                    latest_day=agenda.meeting_deadline(self.state, self.today(), meeting),
                    avoid=declined,
                ),
            )
            if start is None:
                await self._give_back(placed)
                self.note("handover_no_time", f"møde {meeting.number}: {new.name} har ingen ledig tid inden fristen")
                return None
            # A new time: the answers given to the old one no longer hold.
            placed.append(
                (meeting, replace(after, start=start, end=start + timedelta(minutes=MEETING_MINUTES), responses={}))
            )
        return placed

    async def _free_at(self, new: Caseworker, meeting: Meeting) -> bool:
        """A look first: a save that clashes is refused by the register, but logged by the worker as a failure."""
        return not await self.activity(
            RegisterActivities.busy_intervals, BusyRequest(new.id, meeting.start, meeting.end, exclude_uid=meeting.uid)
        )

    async def _try_save(self, record: MeetingRecord) -> bool:
        try:
            await self.activity(RegisterActivities.save_meeting, record)
            return True
        except ActivityError as err:
            if isinstance(err.cause, ApplicationError) and err.cause.type == "SlotTaken":
                return False
            raise

    async def _give_back(self, placed: list[tuple[Meeting, Meeting]]) -> None:
        """Put meetings placed for a handover that is not happening back in the old caseworker's calendar. Their
        hours were theirs a moment ago; should another case have taken one meanwhile, the meeting is moved."""
        for before, _ in placed:
            if not await self.claim(before):
                await self._move_meeting(before.uid, None)

    async def _refuse_handover(self, change: Reassignment, old: Caseworker, new: Caseworker) -> UpdateResult:
        attempt = sum(e.event == "handover_no_time" for e in self.state.timeline)
        reason = labels.handover_refused(self.case.reference, new.name)
        await self.audit("caseworker_handover_refused", change.actor, old=old.id, new=new.id, reason=change.reason)
        if change.tell_lead_if_refused:
            # The team lead decides (another colleague, or a meeting after the deadline): once per try.
            await self.escalate(reason, key=f"handover_refused/{attempt}")
        raise ApplicationError(reason, type=Refusal.NO_TIME_FOR_HANDOVER)

    async def _hand_over(
        self, change: Reassignment, old: Caseworker, new: Caseworker, placed: list[tuple[Meeting, Meeting]]
    ) -> None:
        # The register's assignment is written only now that every meeting has a place.
        await self.activity(
            RegisterActivities.assign_caseworker,
            AssignRequest(
                self.case.reference,
                self.case.municipality,
                reason=change.reason,
                exclude=(old.id,),
                caseworker_id=new.id,
            ),
        )
        self.state, effects = reassignment.hand_over(self.state, self.context(), change, new, placed)
        await run_effects(self, effects)
