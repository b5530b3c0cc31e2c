"""RetentionWorkflow: run by a Temporal Schedule (daily), it erases the personal data of cases that ended more
than `retention_days` ago. A workflow, so a run that fails is retried and shows in Temporal UI like any case."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.retention import RetentionActivities, RetentionDone, RetentionRequest

SCHEDULE_ID = "fasthold-retention"


@workflow.defn
class RetentionWorkflow:
    @workflow.run
    async def run(self, request: RetentionRequest) -> RetentionDone:
        return await workflow.execute_activity_method(
            RetentionActivities.erase_personal_data,
            request,
            start_to_close_timeout=timedelta(minutes=30),
            retry_policy=RetryPolicy(initial_interval=timedelta(seconds=10), maximum_interval=timedelta(hours=1)),
        )
