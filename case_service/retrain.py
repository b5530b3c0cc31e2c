"""The retraining schedule for decision support (STAR 2025): created (or updated) by the setup and the local runner,
weekly."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client, Schedule

from activities.retrain import RetrainRequest
from case_service.schedules import ensure_schedule, periodic
from config.settings import Settings
from workflows.retrain import SCHEDULE_ID, RetrainWorkflow


def retrain_schedule(settings: Settings) -> Schedule:
    return periodic(
        RetrainWorkflow.run, RetrainRequest(settings.municipality), SCHEDULE_ID, settings.task_queue, timedelta(days=7)
    )


async def ensure_retrain_schedule(client: Client, settings: Settings) -> None:
    """Create the weekly schedule, or bring an existing one to the current settings."""
    await ensure_schedule(client, SCHEDULE_ID, retrain_schedule(settings))
