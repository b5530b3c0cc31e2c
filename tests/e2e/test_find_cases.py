"""Finding cases by what operations and team leads filter on (municipality, reference, caseworker, phase,
breach), through the service layer, on the real dev server's visibility store."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from case_service import CaseFilter, CaseService
from domain.sick_report import parse_sick_report
from register.roster import load_roster
from tests import dates
from tests.conftest import sick_report
from tests.eventually import eventually_async
from tests.helpers import wait_for
from worker import build_worker
from workflows.case_workflow import CaseWorkflow


async def test_cases_are_found_by_reference_caseworker_and_phase(dev_client, settings, mail, register):
    cases = CaseService(dev_client, settings)
    prefix = f"FIND-{uuid.uuid4().hex[:6]}"
    with ThreadPoolExecutor(max_workers=8) as executor:
        async with build_worker(dev_client, settings, register, load_roster(settings.roster_path), executor):
            started = []
            for n in range(3):
                case = parse_sick_report(sick_report(case_reference=f"{prefix}-{n}"), today=dates.today())
                await cases.start_case(case)
                handle = dev_client.get_workflow_handle_for(CaseWorkflow.run, case.workflow_id)
                started.append(await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline)))

            # Visibility is eventually consistent: ask again until the answer is in.
            one = await eventually_async(
                lambda: cases.find_cases(CaseFilter("101", reference=f"{prefix}-1")),
                until=lambda rows: len(rows) == 1 and rows[0].caseworker,
                every=0.3,
                what=f"{prefix}-1 listed with its caseworker",
            )
            assert [r.reference for r in one] == [f"{prefix}-1"]
            row = one[0]
            assert row.running and row.municipality == "101" and row.caseworker == started[1].caseworker.id
            assert row.phase == "meeting_booked" and not row.breached and row.next_deadline is not None

            caseworker = started[0].caseworker.id
            mine = await eventually_async(
                lambda: cases.find_cases(CaseFilter("101", caseworker=caseworker, phase="meeting_booked")),
                until=lambda rows: (
                    sum(r.reference.startswith(prefix) for r in rows)
                    == sum(s.caseworker.id == caseworker for s in started)
                ),
                every=0.3,
                what=f"{caseworker}'s booked cases listed",
            )
            ours = {r.reference for r in mine if r.reference.startswith(prefix)}
            assert ours == {s.reference for s in started if s.caseworker.id == caseworker}
            assert await cases.find_cases(CaseFilter("999", reference=f"{prefix}-1")) == []
            for s in started:
                await dev_client.get_workflow_handle(f"case-101-{s.reference}").terminate("test done")
