"""The worker: runs CaseWorkflow and its activities on the task queue.

    python worker.py            # uses config/defaults.yaml and FASTHOLD_* environment variables

Run as many replicas as the load needs: they share the task queue, and a case whose worker dies is picked up
by another. Each replica serves the SDK's metrics on FASTHOLD_METRICS_PORT and the case metrics on
FASTHOLD_CASE_METRICS_PORT (worker_support/case_metrics.py); SIGTERM drains it (running activities finish) and stops it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.decision_support import DecisionSupportActivities
from activities.mail import MailActivities
from activities.planning import PlanningActivities
from activities.register import RegisterActivities
from activities.retention import RetentionActivities
from activities.retrain import RetrainActivities
from config.settings import Settings, load_settings
from domain.calendar_dk import public_holidays
from domain.rulesets import load_rulesets
from observability.logs import remembering_runs
from register.db import Register
from register.prepare import prepare_register  # noqa: F401  (re-exported: the entry points start with it)
from workflows.bulk_reassignment import BulkReassignmentWorkflow
from workflows.case_workflow import CaseWorkflow
from workflows.retention import RetentionWorkflow
from workflows.retrain import RetrainWorkflow

log = logging.getLogger("fasthold.worker")

# Pure libraries the domain code uses; `holidays` imports its country tables lazily, which the sandbox would
# otherwise re-import per workflow and refuse (dateutil reads the clock at import).
PURE_LIBRARIES = ("holidays", "dateutil", "domain", "pydantic")
# The mixins CaseWorkflow is made of hold no state at module level. Re-importing them for every case in memory
# cost about 0.2 MB and a module load per case (bench/bench_memory.py); shared, only `case_workflow` itself is
# loaded per case. Passed through, their calls are not checked by the sandbox, so
# tests/unit/test_workflow_determinism.py checks their source for clocks, randomness and I/O instead.
WORKFLOW_MIXINS = (
    "workflows.steps",
    "workflows.human_input",
    "workflows.effects",
    "workflows.reviews",
    "workflows.law_events",
    "workflows.handover",
    "workflows.reform",
)
SANDBOX = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(*PURE_LIBRARIES, *WORKFLOW_MIXINS)
)


def warm_holiday_calendar(until_year: int | None = None) -> None:
    """Compute the Danish holiday tables outside the sandbox, where `holidays` may read its translation files.

    Inside a workflow the memo is then only read: deterministic, and no I/O in workflow code.
    """
    last = until_year or date.today().year + 15
    for year in range(2014, last + 1):
        public_holidays(year)


def case_activities(
    registry: RegisterActivities,
    planning: PlanningActivities,
    send_mail,
    *,
    reserve_slot=None,
    free_slots=None,
    risk_estimate=None,
) -> list:
    """Every activity CaseWorkflow calls: the worker's list, and the simulation's with its stand-ins in place
    (one list, so a new activity cannot be missing from either). Without `risk_estimate` decision support is off."""
    from pathlib import Path

    from activities.decision_support import DecisionSupportActivities

    risk_estimate = risk_estimate or DecisionSupportActivities(Path("."), enabled=False).risk_estimate
    return [
        risk_estimate,
        registry.register_case,
        registry.assign_caseworker,
        registry.look_up_caseworker,
        registry.update_case,
        registry.busy_intervals,
        registry.save_meeting,
        reserve_slot or registry.reserve_slot,
        registry.record_breach,
        registry.save_measure,
        registry.record_missed_target,
        registry.publish_view,
        planning.rule_set_for,
        planning.rule_set_plan,
        registry.earlier_benefit_periods,
        free_slots or planning.free_slots,
        send_mail,
        planning.new_meeting_uid,
    ]


def build_worker(
    client: Client,
    settings: Settings,
    register: Register,
    roster: dict,
    executor: ThreadPoolExecutor,
    metrics=None,
    **options,
) -> Worker:
    from case_service.bulk import HandoverActivities
    from case_service.service import CaseService
    from worker_support.case_metrics import CaseMetrics

    warm_holiday_calendar()
    # Counts mail outcomes and records refusals in the register, served or not (see worker_support/case_metrics.py).
    metrics = metrics or CaseMetrics(register)
    registry = RegisterActivities(register, roster)
    planning = PlanningActivities(load_rulesets(settings.rulesets_path), registry)
    mail = MailActivities(settings, register)
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[CaseWorkflow, RetentionWorkflow, BulkReassignmentWorkflow, RetrainWorkflow],
        workflow_runner=remembering_runs(SANDBOX),  # the SDK's failure lines name only the run: see observability/logs
        activities=[
            *case_activities(
                registry,
                planning,
                mail.send_mail,
                risk_estimate=DecisionSupportActivities(settings.data_path, settings.decision_support).risk_estimate,
            ),
            RetentionActivities(register, client, settings.temporal_namespace).erase_personal_data,
            HandoverActivities(CaseService(client, settings)).hand_over_one_case,
            RetrainActivities(settings).retrain_model,
        ],
        activity_executor=executor,
        interceptors=[metrics.interceptor()],
        # Open cases mostly wait for weeks: keep a bounded number in memory (measured in bench/bench_memory.py).
        max_cached_workflows=settings.max_cached_workflows,
        # A workflow task runs on the event loop, one at a time: taking 100 at once (the SDK's default) made the
        # last wait past the 10 s task timeout in the 08:00 burst, and the server handed them out again.
        max_concurrent_workflow_tasks=settings.max_concurrent_workflow_tasks,
        **options,
    )


async def main(settings: Settings | None = None) -> None:
    from engine.client import connect
    from observability.runtime import make_runtime
    from worker_support.case_metrics import CaseMetrics

    settings = settings or load_settings()
    register, roster = prepare_register(settings)
    runtime = make_runtime(settings)
    client = await connect(settings, **({"runtime": runtime} if runtime else {}))
    metrics = CaseMetrics(
        register,
        client,
        risk_working_days=settings.deadline_risk_working_days,
        task_queries=settings.case_metrics_task_queries,
    )
    if settings.case_metrics_port:
        metrics.start(settings.metrics_host, settings.case_metrics_port, settings.case_metrics_refresh_seconds)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        with ThreadPoolExecutor(max_workers=16) as executor:
            worker = build_worker(
                client, settings, register, roster, executor, metrics, graceful_shutdown_timeout=timedelta(seconds=20)
            )
            async with worker:
                log.info("worker running on task queue %s (pid %s)", settings.task_queue, os.getpid())
                await stop.wait()
                log.info("worker stopping: draining running activities")
    finally:
        metrics.stop()
        register.dispose()


if __name__ == "__main__":
    from observability.logs import configure_logging
    from worker_support.memory import limit_malloc_arenas

    settings = load_settings()
    limit_malloc_arenas(settings.malloc_arenas)  # before any thread starts: see worker_support/memory.py
    configure_logging(settings, "worker")
    code = 0
    try:
        asyncio.run(main(settings))
    except KeyboardInterrupt:
        pass
    except Exception as err:  # start-up problems are one line; the details are in the debug log
        log.error("worker stopped: %s: %s", type(err).__name__, err)
        log.debug("worker stopped", exc_info=True)
        code = 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    # As gateway.py: skip interpreter teardown, which can abort once a Temporal client existed (sdk-python#300).
    os._exit(code)
