"""The retention activity: erase personal data of cases that ended longer ago than the configured time, then
delete their workflow histories from Temporal (every run), which hold the sick report as it came in.

The register's erasure comes first and is recorded; a history that cannot be deleted now (Temporal busy) is
tried again on the next daily run, since its case is listed until its deletion is recorded.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timezone

from temporalio import activity
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from register.db import Register
from register.retention import cutoff_for, erase_ended_before, erased_without_history_deletion, record_history_deleted


@dataclass(frozen=True)
class RetentionRequest:
    retention_days: int


@dataclass(frozen=True)
class RetentionDone:
    cases: int
    identities: int
    histories: int = 0


class RetentionActivities:
    def __init__(self, register: Register, client: Client | None = None, namespace: str = "default"):
        self.register = register
        self.client = client
        self.namespace = namespace

    @activity.defn
    async def erase_personal_data(self, request: RetentionRequest) -> RetentionDone:
        now = datetime.now(timezone.utc)
        result = await asyncio.to_thread(
            erase_ended_before, self.register, cutoff_for(now, request.retention_days), now
        )
        histories = 0
        if self.client is not None:
            for case_id, workflow_id in await asyncio.to_thread(erased_without_history_deletion, self.register):
                runs = await self._delete_history(workflow_id)
                await asyncio.to_thread(record_history_deleted, self.register, case_id, runs, now)
                histories += 1
                activity.heartbeat(histories)
        activity.logger.info(
            "retention: personal data erased for %s case(s), %s history(ies) deleted", result.cases, histories
        )
        return RetentionDone(result.cases, result.identities, histories)

    async def _delete_history(self, workflow_id: str) -> int:
        """Delete every run of the case's workflow; a run still going (years after the end: a stuck case) is
        terminated first. Runs already gone (the namespace's own retention) are fine."""
        runs: dict[str, WorkflowExecutionStatus | None] = {}
        async for execution in self.client.list_workflows(f"WorkflowId = '{workflow_id}'"):
            runs[execution.run_id] = execution.status
        try:
            latest = await self.client.get_workflow_handle(workflow_id).describe()
            runs[latest.run_id] = latest.status
        except RPCError as err:
            if err.status != RPCStatusCode.NOT_FOUND:
                raise
        for run_id, status in runs.items():
            handle = self.client.get_workflow_handle(workflow_id, run_id=run_id)
            try:
                if status == WorkflowExecutionStatus.RUNNING:
                    await handle.terminate("retention: the case's personal data is erased")
                await self.client.workflow_service.delete_workflow_execution(
                    DeleteWorkflowExecutionRequest(
                        namespace=self.namespace,
                        workflow_execution=WorkflowExecution(workflow_id=workflow_id, run_id=run_id),
                    )
                )
            except RPCError as err:
                if err.status != RPCStatusCode.NOT_FOUND:
                    raise
        return len(runs)
