"""The retention job is a Temporal Schedule (daily) on the real dev server: created by the setup, updated when
run again, and a run erases what has passed its time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from case_service.retention import ensure_retention_schedule
from register.roster import load_roster
from tests.eventually import eventually_async
from workflows.retention import SCHEDULE_ID


async def test_the_daily_schedule_runs_the_retention_workflow(dev_client, settings, register):
    from worker import build_worker

    settings = settings.replace(retention_days=0)  # everything closed is old enough, for the test
    await ensure_retention_schedule(dev_client, settings)
    await ensure_retention_schedule(dev_client, settings)  # a second setup run updates, never fails
    # The namespace keeps closed histories only as long as the setting says (the dev server's default is 1 day).
    from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest

    described_ns = await dev_client.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace=settings.temporal_namespace)
    )
    assert described_ns.config.workflow_execution_retention_ttl.seconds == settings.namespace_retention_days * 86400
    handle = dev_client.get_schedule_handle(SCHEDULE_ID)
    described = await handle.describe()
    assert described.schedule.spec.intervals[0].every == timedelta(days=1)
    assert described.schedule.action.workflow == "RetentionWorkflow"
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with build_worker(dev_client, settings, register, load_roster(settings.roster_path), executor):
            await handle.trigger()

            async def runs_now() -> list:
                return [w async for w in dev_client.list_workflows("WorkflowType = 'RetentionWorkflow'")]

            await eventually_async(
                runs_now,
                until=lambda runs: runs and runs[0].status.name == "COMPLETED",
                timeout=30,
                every=0.3,
                what="the triggered run completed",
                show=lambda runs: str([r.status.name for r in runs]),
            )
    await handle.delete()
