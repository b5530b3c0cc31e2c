"""RetrainWorkflow: run by a Temporal Schedule (weekly), it trains and validates a new decision-support model
from the register's closed cases. Every model is kept with its figures; a new one is used only when it
passes validation. A workflow, so a run that fails is retried and shows in Temporal UI."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.retrain import RetrainActivities, RetrainDone, RetrainRequest

SCHEDULE_ID = "fasthold-retrain"


@workflow.defn
class RetrainWorkflow:
    @workflow.run
    async def run(self, request: RetrainRequest) -> RetrainDone:
        return await workflow.execute_activity_method(
            RetrainActivities.retrain_model,
            request,
            start_to_close_timeout=timedelta(minutes=30),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=10), maximum_interval=timedelta(hours=1), maximum_attempts=5
            ),
        )
