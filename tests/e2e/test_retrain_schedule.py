"""Decision support is retrained on a Temporal Schedule (weekly) on the real dev server: created by the
setup, updated when run again; a run keeps a new model with its figures, or says why there was none."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from activities.retrain import RetrainDone
from case_service.retrain import ensure_retrain_schedule
from decision_support import store
from register.roster import load_roster
from tests.eventually import eventually_async
from workflows.retrain import SCHEDULE_ID


async def test_the_weekly_schedule_runs_the_retraining(dev_client, settings, register):
    from worker import build_worker

    await ensure_retrain_schedule(dev_client, settings)
    await ensure_retrain_schedule(dev_client, settings)  # a second setup run updates, never fails
    handle = dev_client.get_schedule_handle(SCHEDULE_ID)
    described = await handle.describe()
    assert described.schedule.spec.intervals[0].every == timedelta(days=7)
    assert described.schedule.action.workflow == "RetrainWorkflow"
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with build_worker(dev_client, settings, register, load_roster(settings.roster_path), executor):
            await handle.trigger()

            async def runs_now() -> list:
                return [w async for w in dev_client.list_workflows("WorkflowType = 'RetrainWorkflow'")]

            runs = await eventually_async(
                runs_now,
                until=lambda runs: runs and runs[0].status.name == "COMPLETED",
                timeout=60,
                every=0.3,
                what="the triggered run completed",
                show=lambda runs: str([r.status.name for r in runs]),
            )
            done = await dev_client.get_workflow_handle(
                runs[0].id, run_id=runs[0].run_id, result_type=RetrainDone
            ).result()
    # An empty register has nothing to learn from: no model is made, and the run says why (in Danish).
    assert done.version == "" and not done.shown and "for få afsluttede sager" in done.note
    assert store.all_models(settings.data_path) == []
    await handle.delete()
