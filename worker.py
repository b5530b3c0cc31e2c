"""The worker: runs CaseWorkflow and its activities on the task queue.

    python worker.py            # uses config/defaults.yaml and FASTHOLD_* environment variables
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.mail import MailActivities
from activities.planning import PlanningActivities
from activities.register import RegisterActivities
from config.settings import Settings, load_settings
from domain.calendar_dk import public_holidays
from domain.rulesets import load_rulesets
from register.db import Register, upgrade
from register.roster import load_roster, sync_roster
from workflows.case_workflow import CaseWorkflow

log = logging.getLogger("fasthold.worker")

# Pure libraries the domain code uses; `holidays` imports its country tables lazily, which the sandbox would
# otherwise re-import per workflow and refuse (dateutil reads the clock at import).
SANDBOX = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("holidays", "dateutil", "domain", "pydantic"))


def warm_holiday_calendar(until_year: int | None = None) -> None:
    """Compute the Danish holiday tables outside the sandbox, where `holidays` may read its translation files.

    Inside a workflow the memo is then only read: deterministic, and no I/O in workflow code.
    """
    last = until_year or date.today().year + 15
    for year in range(2014, last + 1):
        public_holidays(year)


def prepare_register(settings: Settings) -> tuple[Register, dict]:
    """Migrate the register to the newest revision and load the roster into it."""
    url = settings.resolved_database_url
    upgrade(url)
    register = Register(url)
    roster = load_roster(settings.roster_path)
    with register.session() as session:
        sync_roster(session, roster)
    return register, roster


def build_worker(client: Client, settings: Settings, register: Register, roster: dict,
                 executor: ThreadPoolExecutor) -> Worker:
    warm_holiday_calendar()
    registry = RegisterActivities(register, roster)
    planning = PlanningActivities(load_rulesets(settings.rulesets_path), registry)
    mail = MailActivities(settings, register)
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[CaseWorkflow],
        workflow_runner=SANDBOX,
        activities=[registry.register_case, registry.assign_caseworker, registry.update_case,
                    registry.busy_intervals, registry.save_meeting, registry.reserve_slot, registry.record_breach, registry.save_measure,
                    planning.rule_set_for, planning.free_slots,
                    mail.send_mail],
        activity_executor=executor,
        # Open cases mostly wait for weeks: keep a bounded number in memory (measured in bench/bench_memory.py).
        max_cached_workflows=settings.max_cached_workflows,
        # A workflow task runs on the event loop, one at a time: taking 100 at once (the SDK's default) made the
        # last wait past the 10 s task timeout in the 08:00 burst, and the server handed them out again.
        max_concurrent_workflow_tasks=settings.max_concurrent_workflow_tasks,
    )


async def main(settings: Settings | None = None) -> None:
    from engine.client import connect

    settings = settings or load_settings()
    register, roster = prepare_register(settings)
    client = await connect(settings)
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = build_worker(client, settings, register, roster, executor)
        log.info("worker running on task queue %s", settings.task_queue)
        await worker.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
