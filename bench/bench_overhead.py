"""Overhead: N cases started at once against a minimal workflow with the same number of activities, each on a
fresh dev server of the same kind, in the same run. Prints activities/s of each and their ratio.

    .venv/bin/python bench/bench_overhead.py [--cases 200]

The engine's run is over when every case's employer has its request and the server shows no case with an
activity or workflow task pending; its time is that of the last message to arrive (the SMTP server's clock). The
activities counted
are those in the cases' histories (a case that finds no free time escalates instead of inviting, so cases
differ). The reference runs as many activities per workflow as the engine's cases did on average. Figures
only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

from common import a_case, engine_settings, engine_worker, machine, reference_worker, start_sink, wait_for
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from bench.reference import ReferenceInput, ReferenceWorkflow
from case_service import CaseService
from engine.search_attributes import ALL
from localrun.binaries import find_binary


async def dev_server() -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=find_binary("temporal"), search_attributes=ALL, dev_server_log_level="error"
    )


async def engine_run(cases: int) -> dict:
    settings = engine_settings()
    controller, sink = start_sink(settings.smtp_port)
    env = await dev_server()
    try:
        async with engine_worker(env.client, settings) as (client, register):
            service = CaseService(client, settings)
            warm = a_case(0, tag="W")
            await service.start_case(warm)
            await wait_for(lambda: sink.count() > 0, 60)
            last, stable = -1, time.monotonic()
            while time.monotonic() - stable < 2.0:  # quiet for two seconds: the opening is over
                if sink.count() != last:
                    last, stable = sink.count(), time.monotonic()
                await asyncio.sleep(0.1)
            per_case_mails = sink.count()
            history = await client.get_workflow_handle(warm.workflow_id).fetch_history()
            per_case_activities = sum(
                1 for e in history.events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            )
            batch = [a_case(n, tag="O") for n in range(1, cases + 1)]
            began = time.time()
            await asyncio.gather(*(service.start_case(c) for c in batch))
            done = await wait_for(lambda: len({a[1] for a in sink.of("employer_request")}) >= cases + 1, 1800)
            while not await _all_idle(client, batch):  # asks the server, never the worker being measured
                await asyncio.sleep(0.5)
            elapsed = max(a[0] for a in sink.arrivals) - began
            mails = sink.count() - per_case_mails
            scheduled = 0
            for case in batch:
                history = await client.get_workflow_handle(case.workflow_id).fetch_history()
                scheduled += sum(
                    1 for e in history.events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                )
            taken = await _slot_taken(client, batch[: min(cases, 50)])
    finally:
        await env.shutdown()
        controller.stop()
    return {
        "elapsed": elapsed,
        "activities": scheduled / cases,
        "mails": mails / cases,
        "done": done,
        "slot_taken_per_case": taken,
        "warm_activities": per_case_activities,
    }


async def _all_idle(client, cases) -> bool:
    """True when no case has an activity or a workflow task pending (the opening is over)."""
    from temporalio.api.common.v1 import WorkflowExecution
    from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest

    for case in cases:
        described = await client.workflow_service.describe_workflow_execution(
            DescribeWorkflowExecutionRequest(
                namespace=client.namespace, execution=WorkflowExecution(workflow_id=case.workflow_id)
            )
        )
        if described.pending_activities or described.HasField("pending_workflow_task"):
            return False
    return True


async def _slot_taken(client, cases) -> float:
    """Lost booking races per case, from the histories of a sample (the issue counted 4.6 per case)."""
    from workflows.case_workflow import CaseWorkflow

    lost = 0
    for case in cases:
        state = await client.get_workflow_handle_for(CaseWorkflow.run, case.workflow_id).query(CaseWorkflow.state_now)
        lost += sum(1 for e in state.timeline if e.event == "slot_taken")
    return lost / max(1, len(cases))


async def reference_run(cases: int, activities: int) -> float:
    env = await dev_server()
    queue = f"ref-{uuid.uuid4().hex[:6]}"
    try:
        async with reference_worker(env.client, queue) as client:
            began = time.perf_counter()
            handles = await asyncio.gather(
                *(
                    client.start_workflow(
                        ReferenceWorkflow.run, ReferenceInput(activities), id=f"ref-{queue}-{n}", task_queue=queue
                    )
                    for n in range(cases)
                )
            )
            for handle in handles:  # one by one: results are awaited in turn
                await handle.result()
            return time.perf_counter() - began
    finally:
        await env.shutdown()


async def main(cases: int) -> None:
    print(f"machine: {machine()}")
    engine = await engine_run(cases)
    per_workflow = round(engine["activities"])
    reference = await reference_run(cases, per_workflow)
    engine_rate = engine["activities"] * cases / engine["elapsed"]
    reference_rate = per_workflow * cases / reference
    print(
        f"cases started at once:       {cases}, on average {engine['activities']:.1f} activities and "
        f"{engine['mails']:.1f} mails each{'' if engine['done'] else ' (NOT every employer asked within 30 min)'}"
    )
    print(
        f"case engine:                 {engine['elapsed']:.1f} s  {cases / engine['elapsed']:.1f} cases/s  "
        f"{engine_rate:.0f} activities/s"
    )
    print(
        f"reference (bare workflow):   {reference:.1f} s  {cases / reference:.1f} workflows/s  "
        f"{reference_rate:.0f} activities/s"
    )
    print(f"ratio engine/reference:      {engine_rate / reference_rate:.2f}   (goal >= 0.6 at N = 200)")
    print(f"lost booking races per case: {engine['slot_taken_per_case']:.2f} (sample of up to 50 cases)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    asyncio.run(main(parser.parse_args().cases))
