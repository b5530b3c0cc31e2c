"""The retraining schedule for decision support (STAR 2025): created (or updated) by the setup and the local runner,
weekly."""
from __future__ import annotations

from datetime import timedelta

from temporalio.client import (Client, Schedule, ScheduleActionStartWorkflow, ScheduleAlreadyRunningError,
                               ScheduleIntervalSpec, ScheduleSpec, ScheduleUpdate)

from activities.retrain import RetrainRequest
from config.settings import Settings
from workflows.retrain import SCHEDULE_ID, RetrainWorkflow


def retrain_schedule(settings: Settings) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(RetrainWorkflow.run, RetrainRequest(settings.municipality),
                                           id=f"{SCHEDULE_ID}-run", task_queue=settings.task_queue),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(days=7))]))


async def ensure_retrain_schedule(client: Client, settings: Settings) -> None:
    """Create the weekly schedule, or bring an existing one to the current settings."""
    schedule = retrain_schedule(settings)
    try:
        await client.create_schedule(SCHEDULE_ID, schedule)
    except ScheduleAlreadyRunningError:
        await client.get_schedule_handle(SCHEDULE_ID).update(lambda _: ScheduleUpdate(schedule=schedule))
