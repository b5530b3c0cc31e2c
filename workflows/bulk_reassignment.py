"""BulkReassignmentWorkflow: all open cases of a caseworker who leaves, handed to colleagues one case at a time.

A durable job rather than one long web request: the team lead's page only starts it and then reads its
progress (a query). Each case is handed over by the case's own workflow (its `reassign` update, sent by the
service layer's activity `hand_over_one_case`), which places the case's meetings in the new caseworker's
calendar first and refuses when it cannot; the job then tries the next colleague. Each case's result is what
really happened: moved, moved with a meeting at a new time, or not moved with the reason (and the team lead
told by e-mail).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from domain.bulk import (
        BulkProgress,
        BulkReassignmentRequest,
        CaseHandoverResult,
        HandoverOutcome,
        OneHandover,
        candidates,
    )

# A few cases at a time: the cases are independent, but one caseworker's calendar is written under a lock,
# so more in parallel only waits longer for it.
CASES_AT_ONCE = 4
HANDOVER_ACTIVITY = "hand_over_one_case"


@workflow.defn
class BulkReassignmentWorkflow:
    @workflow.init
    def __init__(self, request: BulkReassignmentRequest) -> None:
        self.progress = BulkProgress(request)

    @workflow.run
    async def run(self, request: BulkReassignmentRequest) -> BulkProgress:
        load = {w: request.load.get(w, 0) for w in request.to_caseworkers}
        for first in range(0, len(request.references), CASES_AT_ONCE):
            batch = []
            for reference in request.references[first : first + CASES_AT_ONCE]:
                order = candidates(load, request.to_caseworkers)
                load[order[0]] += 1  # counted at once, so the cases of one batch spread over the colleagues
                batch.append((order[0], self._hand_over(request, reference, order)))
            for (expected, _), result in zip(batch, await asyncio.gather(*(job for _, job in batch)), strict=False):
                load[expected] -= 1
                if result.outcome != HandoverOutcome.NOT_MOVED and result.caseworker_id in load:
                    load[result.caseworker_id] += 1
                self.progress.results.append(result)
        self.progress.finished = True
        return self.progress

    async def _hand_over(
        self, request: BulkReassignmentRequest, reference: str, order: tuple[str, ...]
    ) -> CaseHandoverResult:
        return await workflow.execute_activity(
            HANDOVER_ACTIVITY,
            OneHandover(
                request.job_id,
                request.municipality,
                reference,
                request.from_caseworker,
                order,
                request.reason,
                request.actor,
            ),
            result_type=CaseHandoverResult,
            start_to_close_timeout=timedelta(minutes=5),
            retry_policy=RetryPolicy(initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=1)),
        )

    @workflow.query
    def state(self) -> BulkProgress:
        return self.progress
