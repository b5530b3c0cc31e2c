"""The retention schedule: created (or updated) by the one-shot setup and the local runner, daily. They also
set the namespace's own retention of closed workflow histories (`namespace_retention_days`): a case's history
is deleted by the retention job itself once its personal data is erased, and any other closed workflow (the
retention runs themselves, a case terminated by hand) goes after the namespace's retention."""

from __future__ import annotations

import logging
from datetime import timedelta

from google.protobuf.duration_pb2 import Duration
from temporalio.api.namespace.v1 import NamespaceConfig
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, UpdateNamespaceRequest
from temporalio.client import Client, Schedule
from temporalio.service import RPCError

from activities.retention import RetentionRequest
from case_service.schedules import ensure_schedule, periodic
from config.settings import Settings
from workflows.retention import SCHEDULE_ID, RetentionWorkflow

log = logging.getLogger("fasthold.retention")


def retention_schedule(settings: Settings) -> Schedule:
    return periodic(
        RetentionWorkflow.run,
        RetentionRequest(settings.retention_days),
        SCHEDULE_ID,
        settings.task_queue,
        timedelta(days=1),
    )


async def ensure_retention_schedule(client: Client, settings: Settings) -> None:
    """Create the daily schedule, or bring an existing one to the current settings; set the namespace's
    retention of closed histories."""
    await ensure_namespace_retention(client, settings)
    await ensure_schedule(client, SCHEDULE_ID, retention_schedule(settings))


async def ensure_namespace_retention(client: Client, settings: Settings) -> bool:
    """Set the namespace's retention of closed workflow histories to `namespace_retention_days`. A cluster
    that does not let us (Temporal Cloud keys without the right, a shared namespace) is told in the log: there
    an operator sets it (README, "Retention")."""
    wanted = Duration(seconds=settings.namespace_retention_days * 86400)
    try:
        described = await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=settings.temporal_namespace)
        )
        if described.config.workflow_execution_retention_ttl == wanted:
            return True
        await client.workflow_service.update_namespace(
            UpdateNamespaceRequest(
                namespace=settings.temporal_namespace, config=NamespaceConfig(workflow_execution_retention_ttl=wanted)
            )
        )
        return True
    except RPCError as err:
        log.warning(
            "the namespace's retention could not be set to %s days (%s): set it with "
            "`temporal operator namespace update --retention %sd %s`",
            settings.namespace_retention_days,
            err.status.name if err.status else err,
            settings.namespace_retention_days,
            settings.temporal_namespace,
        )
        return False
