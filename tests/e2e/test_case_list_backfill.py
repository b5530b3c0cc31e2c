"""`fasthold opdater-lister` on the Temporal dev server (it lists running workflows by search attributes, which
the time-skipping server cannot): a running case whose read-model row is missing, as for a case started before
the read model, is put in from its workflow's own view; a second run adds nothing."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import delete

import cli
from case_service import CaseService
from domain.sick_report import parse_sick_report
from register.case_list import CaseList
from register.models import CaseListEntry
from register.roster import load_roster
from tests import dates
from tests.conftest import sick_report
from tests.eventually import eventually_async
from tests.helpers import wait_for
from worker import build_worker
from workflows.case_workflow import CaseWorkflow


async def test_cases_from_before_the_read_model_are_put_in_once(dev_client, settings, mail, register):
    cases = CaseService(dev_client, settings)
    case = parse_sick_report(sick_report(case_reference=f"LIST-{uuid.uuid4().hex[:6]}"), today=dates.today())
    with ThreadPoolExecutor(max_workers=8) as executor:
        async with build_worker(dev_client, settings, register, load_roster(settings.roster_path), executor):
            await cases.start_case(case)
            handle = dev_client.get_workflow_handle_for(CaseWorkflow.run, case.workflow_id)
            await wait_for(handle, lambda s: s.phase == "meeting_booked")

            async def published() -> bool:
                truth = await handle.query(CaseWorkflow.case_view)
                return truth in CaseList(register).views("101", None)

            await eventually_async(published, what="the case's own publication of that step in the register")
            with register.session() as session:
                session.execute(delete(CaseListEntry).where(CaseListEntry.workflow_id == case.workflow_id))
            args = cli.parser().parse_args(["--kommune", "101", "opdater-lister"])
            # The dev server's visibility lists a new workflow after a moment.
            said = await eventually_async(
                lambda: cli.run(args, settings, dev_client),
                timeout=10,
                every=0.2,
                until=lambda said: said.startswith("1 "),
                what="the case put in",
                show=str,
            )
            assert said.startswith("1 åbne sager er sat ind i arbejdsbordets lister"), said
            truth = await handle.query(CaseWorkflow.case_view)
            [listed] = [v for v in CaseList(register).views("101", None) if v.state.reference == case.reference]
            assert listed == truth
            again = await cli.run(args, settings, dev_client)
            assert again.startswith("0 åbne sager er sat ind") and "1 var der allerede" in again, again
            await handle.terminate("test done")
