"""Temporal Schedules that start the engine's periodic workflows (the retention job daily, the retraining of
decision support weekly): one way to define them and one to create or update them, so the one-shot setup and
the local runner can run again and again and always leave each schedule as the current settings say."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleSpec,
    ScheduleUpdate,
)


def periodic(run: Callable[..., Any], request: object, schedule_id: str, task_queue: str, every: timedelta) -> Schedule:
    """Start workflow `run` with `request` every `every`; each run's id is the schedule's id + "-run"."""
    return Schedule(
        action=ScheduleActionStartWorkflow(run, request, id=f"{schedule_id}-run", task_queue=task_queue),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
    )


async def ensure_schedule(client: Client, schedule_id: str, schedule: Schedule) -> None:
    """Create the schedule, or bring an existing one to `schedule`."""
    try:
        await client.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:
        await client.get_schedule_handle(schedule_id).update(lambda _: ScheduleUpdate(schedule=schedule))
