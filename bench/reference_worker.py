"""The reference workflow's worker as its own process, for bench_memory.py: python bench/reference_worker.py
ADDRESS TASK_QUEUE [MAX_CACHED_WORKFLOWS]."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from temporalio.client import Client  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from bench.reference import ACTIVITIES, ReferenceWorkflow  # noqa: E402
from worker import SANDBOX  # noqa: E402


async def main(address: str, queue: str, cache: int) -> None:
    client = await Client.connect(address)
    await Worker(
        client,
        task_queue=queue,
        workflows=[ReferenceWorkflow],
        activities=ACTIVITIES,
        workflow_runner=SANDBOX,
        max_cached_workflows=cache,
    ).run()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 300))
