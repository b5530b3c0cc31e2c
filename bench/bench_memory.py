"""Memory: the worker's resident memory (its own process, as in production) with N open cases waiting on
their timers, sampled every STEP cases, and its growth per 1,000 open cases. In the same run, on a fresh dev
server of the same kind: the bare reference workflow's worker, with the same activities before a timer, the
same sandbox and the same cache size.

    .venv/bin/python bench/bench_memory.py [--cases 5000] [--step 1000]

Figures only; nothing here asserts a size.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

from common import TEST_KEY, a_case, engine_settings, machine, rss_mb, start_sink, wait_for
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from bench.reference import ReferenceInput, ReferenceWorkflow
from case_service import CaseService
from config.settings import load_settings
from engine.client import data_converter
from engine.search_attributes import ALL
from localrun.binaries import find_binary

ROOT = Path(__file__).resolve().parents[1]


async def dev_server() -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=find_binary("temporal"), search_attributes=ALL, dev_server_log_level="error"
    )


def address(env: WorkflowEnvironment) -> str:
    return env.client.service_client.config.target_host


async def settle(pid: int) -> float:
    await asyncio.sleep(3)
    return rss_mb(pid)


async def engine_run(cases: int, step: int) -> list[tuple[int, float]]:
    settings = engine_settings()
    controller, sink = start_sink(settings.smtp_port)
    env = await dev_server()
    environ = {
        **os.environ,
        "FASTHOLD_TEMPORAL_ADDRESS": address(env),
        "FASTHOLD_DATA_DIR": settings.data_dir,
        "FASTHOLD_SMTP_PORT": str(settings.smtp_port),
        "FASTHOLD_TASK_QUEUE": settings.task_queue,
        "FASTHOLD_PAYLOAD_KEY": TEST_KEY,
        "PYTHONPATH": str(ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "worker.py")],
        env=environ,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    samples = []
    try:
        client = Client(**{**env.client.config(), "data_converter": data_converter(settings)})
        service = CaseService(client, load_settings(env=environ))
        await asyncio.sleep(8)  # migrated, roster loaded, polling
        samples.append((0, await settle(worker.pid)))
        gate = asyncio.Semaphore(20)

        async def start(n):
            async with gate:
                await service.start_case(a_case(n, tag="M"))

        for upto in range(step, cases + 1, step):
            await asyncio.gather(*(start(n) for n in range(upto - step, upto)))
            await wait_for(lambda: sink.count("employer_request") >= upto, 3600, poll=0.5)  # noqa: B023 - awaited here
            samples.append((upto, await settle(worker.pid)))
            print(f"  engine: {upto} open cases, worker RSS {samples[-1][1]:.0f} MB", flush=True)
    finally:
        worker.terminate()
        worker.wait(30)
        await env.shutdown()
        controller.stop()
    return samples


async def reference_run(cases: int, step: int, activities: int, cache: int) -> list[tuple[int, float]]:
    env = await dev_server()
    queue = f"ref-{uuid.uuid4().hex[:6]}"
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "reference_worker.py"), address(env), queue, str(cache)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    samples = []
    try:
        await asyncio.sleep(5)
        samples.append((0, await settle(worker.pid)))
        wake = await env.get_current_time() + timedelta(days=60)
        handles = []
        for upto in range(step, cases + 1, step):
            handles += await asyncio.gather(
                *(
                    env.client.start_workflow(
                        ReferenceWorkflow.run,
                        ReferenceInput(activities, wake_at=wake),
                        id=f"{queue}-{n}",
                        task_queue=queue,
                    )
                    for n in range(upto - step, upto)
                )
            )
            # Every workflow has run its activities and sleeps when its history ends in a timer.
            await asyncio.sleep(2)
            samples.append((upto, await settle(worker.pid)))
    finally:
        worker.terminate()
        worker.wait(30)
        await env.shutdown()
    return samples


def growth(samples: list[tuple[int, float]]) -> float:
    (n0, r0), (n1, r1) = samples[0], samples[-1]
    return (r1 - r0) / (n1 - n0) * 1000 if n1 > n0 else float("nan")


async def main(cases: int, step: int) -> None:
    print(f"machine: {machine()}")
    settings = load_settings()
    started = time.perf_counter()
    engine = await engine_run(cases, step)
    reference = await reference_run(cases, step, 12, settings.max_cached_workflows)
    print(
        f"max_cached_workflows: {settings.max_cached_workflows} (both workers); "
        f"took {time.perf_counter() - started:.0f} s"
    )
    print("open cases | engine worker RSS | reference worker RSS")
    for (n, e), (_, r) in zip(engine, reference, strict=False):
        print(f"{n:10d} | {e:14.0f} MB | {r:17.0f} MB")
    print(
        f"growth per 1,000 open cases: engine {growth(engine):.0f} MB, reference {growth(reference):.0f} MB   "
        f"(goal: <= 300 MB at 5,000)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--step", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(main(args.cases, args.step))
