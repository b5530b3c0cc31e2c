"""Simulation speed: cases per second of `fasthold simuler` (the real CaseWorkflow, real register, simulated
people, on the time-skipping server) against a bare reference workflow with the same number of timers and
activities per case (measured from sampled histories of the real run), started at the same simulated moments
and driven over the same simulated span on a fresh time-skipping server, in the same run.

    .venv/bin/python bench/bench_simulation.py [--scenario examples/simulering.yaml] [--weeks 8] [--caseworkers 6]

Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from common import machine, reference_worker
from temporalio.testing import WorkflowEnvironment

from bench.reference import TimedInput, TimedReferenceWorkflow
from localrun.binaries import find_binary
from simulation.run import STEP, _after_morning, run_roster, skip
from simulation.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


async def reference_run(arrivals, horizon_weeks: int, activities: int, timers: int, span_days: float) -> float:
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=find_binary("temporal-test-server"))
    queue = f"ref-{uuid.uuid4().hex[:6]}"
    began = time.monotonic()
    try:
        async with reference_worker(env.client, queue) as client:
            start = await env.get_current_time()
            offset = start - arrivals[0].at
            pending = [a.at + offset for a in arrivals]
            horizon, now, n = start + timedelta(weeks=horizon_weeks), start, 0
            while now < horizon:
                target = min([horizon, now + STEP, _after_morning(now), *(pending[:1])])
                if target > now:
                    await skip(env, target - now)
                    now = max(target, await env.get_current_time())
                while pending and pending[0] <= now:
                    pending.pop(0)
                    await client.start_workflow(
                        TimedReferenceWorkflow.run,
                        TimedInput(activities, timers, span_days, local=True),
                        id=f"{queue}-{n}",
                        task_queue=queue,
                    )
                    n += 1
    finally:
        await env.shutdown()
    return time.monotonic() - began


async def main(scenario_path: Path, weeks: int, caseworkers: int) -> None:
    print(f"machine: {machine()}")
    scenario = dataclasses.replace(load_scenario(scenario_path, [caseworkers]), weeks=weeks)
    out = Path(tempfile.mkdtemp(prefix="bench-sim-"))
    real = await run_roster(scenario, caseworkers, out, progress=False, sample_histories=20)
    activities, timers = real.history_sample
    print(
        f"real workflow: {real.arrivals} cases in {real.wall_seconds:.0f} s "
        f"({real.arrivals / real.wall_seconds:.2f} cases/s); per case {activities:.0f} activities, {timers:.0f} timers",
        flush=True,
    )
    span = 7 * (scenario.arrival_weeks + scenario.tail_weeks) / 2
    arrivals = scenario.arrivals(datetime.now(timezone.utc))
    reference = await reference_run(
        arrivals, scenario.arrival_weeks + scenario.tail_weeks, round(activities), round(timers), span
    )
    n = real.arrivals
    print(
        f"scenario: {scenario_path.name}, {weeks} weeks of arrivals + {scenario.tail_weeks} weeks, {n} cases, "
        f"{caseworkers} caseworkers; per case {activities:.0f} activities and {timers:.0f} timers (sampled)"
    )
    print(
        f"real workflow:      {real.wall_seconds:.0f} s  {n / real.wall_seconds:.2f} cases/s  "
        f"(week 8: {100 * (real.week_8 or 0):.0f} %, {sum(real.acts.values())} acts by simulated people)"
    )
    print(f"bare reference:     {reference:.0f} s  {n / reference:.2f} cases/s")
    print(
        f"ratio real/reference: {reference / real.wall_seconds:.2f};  a 10,000-case year at this rate: "
        f"{10000 / (n / real.wall_seconds) / 60:.0f} min (goal < 30 min)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "examples" / "simulering.yaml")
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--caseworkers", type=int, default=6)
    args = parser.parse_args()
    asyncio.run(main(args.scenario, args.weeks, args.caseworkers))
