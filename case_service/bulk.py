"""Bulk reassignment as a durable job: the service layer starts `BulkReassignmentWorkflow`, reads its progress,
and runs its one activity, which hands one case over through the case's own `reassign` update.

The activity lives here, not in `activities/`, because only the service layer sends workflow updates; the
worker registers it with a `CaseService` of its own.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime

from temporalio import activity
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from case_service.access import team_of
from case_service.commands import CaseRef
from case_service.finding import CaseFilter
from case_service.refusal import CaseRefusal
from case_service.service import CaseService, _register, _unavailable_or
from config.settings import Settings
from domain.bulk import BulkProgress, BulkReassignmentRequest, CaseHandoverResult, HandoverOutcome, OneHandover
from domain.localtime import LOCAL_TZ
from domain.model import CaseState, MeetingStatus
from domain.payloads import Reassignment
from domain.refusals import Refusal
from register import lead_tasks
from register.db import Register
from register.roster import load_roster
from workflows.bulk_reassignment import HANDOVER_ACTIVITY, BulkReassignmentWorkflow

JOB_PREFIX = "omfordeling-"


class BulkReassignments:
    def __init__(self, client: Client, settings: Settings):
        self.client, self.settings = client, settings
        self.cases = CaseService(client, settings)

    async def start(
        self,
        municipality: str,
        from_caseworker: str,
        to_caseworkers: tuple[str, ...],
        reason: str,
        actor: str,
        *,
        submission: str = "",
    ) -> str:
        """Start handing every open case of `from_caseworker` to `to_caseworkers`; returns the job's id at once.
        The same `submission` (a form's one-time id) gives the same job, however often it is sent."""
        prefix = f"{JOB_PREFIX}{municipality}-{from_caseworker}-"
        job_id = f"{prefix}{submission or secrets.token_hex(8)}"
        if await self._exists(job_id):
            return job_id  # this very form, sent again
        running = await self._running_job(prefix)
        if running:
            return running  # the same caseworker's cases are being handed over already (Back and send, a tab)
        leaving = await self.cases.find_cases(CaseFilter(municipality, caseworker=from_caseworker, limit=100_000))
        load = {
            w: len(await self.cases.find_cases(CaseFilter(municipality, caseworker=w, limit=100_000)))
            for w in to_caseworkers
        }
        # The job id: the municipality, the staff id of the caseworker who leaves, the form's random id. No
        # citizen's data in it.
        request = BulkReassignmentRequest(
            job_id=job_id,
            municipality=municipality,
            from_caseworker=from_caseworker,
            to_caseworkers=tuple(to_caseworkers),
            reason=reason,
            actor=actor,
            references=tuple(sorted(r.reference for r in leaving)),
            load=load,
        )
        try:
            await self.client.start_workflow(
                BulkReassignmentWorkflow.run,
                request,
                id=job_id,
                task_queue=self.settings.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            pass  # the same form sent twice at once: the first one started the job
        return job_id

    async def _running_job(self, prefix: str) -> str | None:
        query = f"WorkflowType = '{BulkReassignmentWorkflow.__name__}' AND ExecutionStatus = 'Running'"
        try:
            async for execution in self.client.list_workflows(query, limit=1000):
                if execution.id.startswith(prefix):
                    return execution.id
        except RPCError as err:
            raise _unavailable_or(err) from None
        return None

    async def _exists(self, job_id: str) -> bool:
        try:
            await self.client.get_workflow_handle(job_id).describe()
            return True
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                return False
            raise _unavailable_or(err) from None

    async def progress(self, job_id: str) -> BulkProgress | None:
        """The job's progress, or None when there is no such job."""
        if not job_id.startswith(JOB_PREFIX):
            return None
        handle = self.client.get_workflow_handle(job_id)
        try:
            return await handle.query(BulkReassignmentWorkflow.state)
        except RPCError as err:
            if err.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                return None
            raise _unavailable_or(err) from None


class HandoverActivities:
    """The bulk job's one activity. A retry is safe: each update has an id made of the job, case and colleague,
    and a case that is not handed over becomes the team lead's task once (one per job and case)."""

    def __init__(self, cases: CaseService, register: Register | None = None):
        self.cases = cases
        self.register = register or _register(cases.settings.resolved_database_url)

    @activity.defn(name=HANDOVER_ACTIVITY)
    async def hand_over_one_case(self, job: OneHandover) -> CaseHandoverResult:
        result = await self._hand_over(job)
        if result.outcome == HandoverOutcome.NOT_MOVED and result.caseworker_id == job.from_caseworker:
            # Not done is shown as not done, and becomes the team lead's task on the Team page (not only a mail).
            await asyncio.to_thread(self._make_task, job, result)
        return result

    def _make_task(self, job: OneHandover, result: CaseHandoverResult) -> None:
        roster = load_roster(self.cases.settings.roster_path)
        lead_tasks.add(
            self.register,
            municipality=job.municipality,
            team_id=team_of(roster, job.from_caseworker),
            kind=lead_tasks.HANDOVER_REFUSED,
            source=job.job_id,
            reference=job.reference,
            caseworker_id=job.from_caseworker,
            detail=result.detail,
            request_reason=job.reason,
        )

    async def _hand_over(self, job: OneHandover) -> CaseHandoverResult:
        ref = CaseRef(job.municipality, job.reference)
        try:
            before = await self.cases.state(ref)
        except CaseRefusal:
            return CaseHandoverResult(job.reference, HandoverOutcome.NOT_MOVED, "", "Sagen findes ikke længere.")
        holder = _holder(before)
        if holder != job.from_caseworker:
            if holder in job.candidates:  # handed over by an earlier attempt of this activity
                return CaseHandoverResult(job.reference, HandoverOutcome.MOVED, holder)
            return CaseHandoverResult(
                job.reference, HandoverOutcome.NOT_MOVED, holder, "Sagen er flyttet af en anden imens."
            )
        times = {m.uid: m.start for m in before.meetings}
        refused = ""
        for number, colleague in enumerate(job.candidates, start=1):
            change = Reassignment(
                job.reason, colleague, actor=job.actor, tell_lead_if_refused=number == len(job.candidates)
            )
            try:
                await self.cases.act(ref, change, update_id=f"{job.job_id}/{job.reference}/{colleague}")
            except CaseRefusal as refusal:
                if refusal.reason == Refusal.NO_TIME_FOR_HANDOVER:
                    refused = refusal.message
                    continue
                else:
                    return CaseHandoverResult(
                        job.reference, HandoverOutcome.NOT_MOVED, holder, _sentence(refusal.message)
                    )
            after = await self.cases.state(ref)
            moved = [
                m
                for m in after.meetings
                if m.status == MeetingStatus.INVITED and m.uid in times and m.start != times[m.uid]
            ]
            if moved:
                detail = "; ".join(
                    f"Møde {m.number} flyttet fra {_local(times[m.uid])} til {_local(m.start)}" for m in moved
                )
                return CaseHandoverResult(job.reference, HandoverOutcome.MOVED_MEETING_MOVED, _holder(after), detail)
            return CaseHandoverResult(job.reference, HandoverOutcome.MOVED, _holder(after))
        return CaseHandoverResult(job.reference, HandoverOutcome.NOT_MOVED, holder, _sentence(refused))


def _local(instant: datetime) -> str:
    return instant.astimezone(LOCAL_TZ).strftime("%d.%m.%Y kl. %H.%M")


def _holder(state: CaseState) -> str:
    """The case's caseworker. A case found by its holder has one: it is assigned before the case is listed."""
    if state.caseworker is None:
        raise RuntimeError(f"case {state.reference} has no caseworker yet")
    return state.caseworker.id


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
