"""The register's PostgreSQL server stopped just as a case arrives, and started again: the activities wait it
out, and the case is written whole (its row, its CPR in the register only, its caseworker). Real time, on the
dev server, so the retries back off as they would in production."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from case_service import CaseService
from domain.sick_report import parse_sick_report
from register.models import CaseRow, CitizenIdentity
from tests import reliability
from tests.conftest import sick_report
from tests.helpers import rows, wait_for
from worker import build_worker, prepare_register
from workflows.case_workflow import CaseWorkflow


async def test_postgresql_stopped_and_started_again_is_waited_out(dev_client, settings, pg_server, pg_url,
                                                                 tmp_path):
    from engine.mailsink import start_mail_sink

    settings = settings.replace(database_url=pg_url)
    register, roster = prepare_register(settings)
    client = dev_client
    controller, sink = start_mail_sink(tmp_path / "mail", settings.smtp_host, settings.smtp_port)
    reliability.add(faults_injected=1, cases=1)
    try:
        with ThreadPoolExecutor(max_workers=8) as executor:
            async with build_worker(client, settings, register, roster, executor):
                case = parse_sick_report(sick_report(), today=date.today())
                await asyncio.to_thread(pg_server.stop)  # the register's server goes down as a case arrives
                try:
                    await CaseService(client, settings).start_case(case)
                    await asyncio.sleep(6)
                finally:
                    await asyncio.to_thread(pg_server.start)  # the worker keeps running meanwhile
                handle = client.get_workflow_handle_for(CaseWorkflow.run, case.workflow_id)
                await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline), timeout=400)
                [row] = rows(register, CaseRow, CaseRow.reference == case.reference)
                assert row.caseworker_id and rows(register, CitizenIdentity, CitizenIdentity.case_id == row.id)
                reliability.add(faults_survived=1)
                await handle.terminate("test done")
    finally:
        controller.stop()
        register.dispose()
