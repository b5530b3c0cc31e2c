"""The retention schedule: created (or updated) by the one-shot setup and the local runner, daily."""
from __future__ import annotations

from datetime import timedelta

from temporalio.client import (Client, Schedule, ScheduleActionStartWorkflow, ScheduleAlreadyRunningError,
                               ScheduleIntervalSpec, ScheduleSpec, ScheduleUpdate)

from activities.retention import RetentionRequest
from config.settings import Settings
from workflows.retention import SCHEDULE_ID, RetentionWorkflow


def retention_schedule(settings: Settings) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(RetentionWorkflow.run, RetentionRequest(settings.retention_days),
                                           id=f"{SCHEDULE_ID}-run", task_queue=settings.task_queue),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(days=1))]))


async def ensure_retention_schedule(client: Client, settings: Settings) -> None:
    """Create the daily schedule, or bring an existing one to the current settings."""
    schedule = retention_schedule(settings)
    try:
        await client.create_schedule(SCHEDULE_ID, schedule)
    except ScheduleAlreadyRunningError:
        await client.get_schedule_handle(SCHEDULE_ID).update(lambda _: ScheduleUpdate(schedule=schedule))
