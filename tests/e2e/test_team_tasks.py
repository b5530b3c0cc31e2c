"""What a bulk reassignment cannot do becomes the team lead's task, on the Team page, in the browser.

Anna leaves with 30 open cases; the team lead hands them to Ole Lund, who works only on Saturdays (the job
centre is closed), so no case with a meeting can go to him (tests/fixtures/roster_team_tasks.yaml). Each such
case must then be a task on the lead's Team page with the case, the reason and a link; from the task she gives
the case to Mikkel Krogh; the task is gone; sending the form again (Back and send, a second tab) does nothing
twice; a case handed over by other means closes its task; another team's lead cannot see it.
"""

from __future__ import annotations

import re
import threading

import pytest
import pytest_asyncio
from playwright.async_api import async_playwright

from case_service import CaseService
from case_service.commands import CaseRef
from config.settings import load_settings
from engine.client import connect
from tests.e2e.engine import ROOT, Engine
from tests.e2e.test_bulk_reassignment import db, open_cases
from tests.e2e.test_web import CHROMIUM_ARGS, axe_and_shot, sign_in

ANNA, MIKKEL, OLE = "cw-anna", "cw-mikkel", "cw-ole"
LEAD, OTHER_LEAD = "lise.holm@jobcenter.example.dk", "per.dahl@jobcenter.example.dk"
ROSTER = ROOT / "tests" / "fixtures" / "roster_team_tasks.yaml"
CASES = 30
pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = Engine(tmp_path_factory.mktemp("tasks") / "data")
    engine.env["FASTHOLD_ROSTER_FILE"] = str(ROSTER)
    engine.start()
    # Read the engine's output as it comes: a full pipe would stop it, and the run must show no traceback.
    threading.Thread(
        target=lambda: [setattr(engine, "output", engine.output + line) for line in engine.process.stdout], daemon=True
    ).start()
    yield engine
    if engine.process.poll() is None:
        engine.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def cases(engine):
    settings = load_settings(env=engine.env)
    return CaseService(await connect(settings), settings)


def holder(engine: Engine, reference: str) -> str:
    return db(engine, "SELECT caseworker_id FROM cases WHERE reference = ?", reference)[0][0]


def open_task_ids(engine: Engine) -> dict[str, int]:
    return dict(db(engine, "SELECT reference, id FROM lead_tasks WHERE resolved_at IS NULL"))


async def task_rows(page) -> list[list[str]]:
    return [
        [c.strip() for c in await r.locator("td").all_inner_texts()]
        for r in await page.locator("#leder-opgaver tbody tr").all()
    ]


async def test_cases_not_handed_over_are_the_team_leads_tasks_until_handled(engine, cases):
    db(engine, "UPDATE caseworkers SET active = 0 WHERE id != ?", ANNA)
    references = await open_cases(engine, cases, CASES)
    db(engine, "UPDATE caseworkers SET active = 1")
    with_meeting = {
        r
        for (r,) in db(
            engine,
            "SELECT DISTINCT c.reference FROM cases c JOIN meetings m ON "
            "m.case_id = c.id WHERE m.status = 'invited' AND c.caseworker_id = ?",
            ANNA,
        )
    }
    assert len(with_meeting) >= 25

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        lead = await sign_in(browser, engine, LEAD)
        await lead.goto(engine.web + "/team")
        assert "Dine opgaver (0)" in await lead.inner_text("#lederopgaver")
        await lead.select_option("#from_caseworker", ANNA)
        await lead.check(f"#to-{OLE}")
        await lead.fill("#reason", "Anna Berg er fratrådt.")
        await lead.click("form[action='/team/omfordel'] button")
        await lead.wait_for_function(
            "() => document.querySelector('[role=status]').textContent.includes('Omfordelingen er færdig')",
            timeout=600_000,
            polling=2000,
        )
        not_moved = int(await lead.inner_text("#antal-ikke"))
        assert not_moved == len(with_meeting)
        assert "Dine opgaver på Team-siden" in await lead.inner_text("main")

        # --- the Team page: one task per case not handed over, with the reason and a link; 25 a page
        await lead.goto(engine.web + "/team")
        assert f"Dine opgaver ({not_moved})" in await lead.inner_text("#lederopgaver")
        first_page = await task_rows(lead)
        assert len(first_page) == min(25, not_moved)
        for reference, now, reason, _since, action in first_page:
            assert reference in with_meeting and now == "Anna Berg"
            assert (
                "ikke givet til Ole Lund" in reason
                and "ingen ledig tid inden fristen" in reason
                and action == f"Omfordel sag {reference}"
            )
        await axe_and_shot(lead, "22-team-dine-opgaver")
        await lead.click("text=Næste side >> nth=0")
        second_page = await task_rows(lead)
        assert {r[0] for r in first_page + second_page} == with_meeting
        tasks = open_task_ids(engine)
        assert set(tasks) == with_meeting  # exactly these, once each

        # --- from the task: Ole again is refused beside the field, and the task stays
        first = first_page[0][0]
        await lead.goto(engine.web + "/team")
        await lead.click(f"text=Omfordel sag {first}")
        assert lead.url.endswith(f"/team/opgave/{tasks[first]}")
        assert await lead.input_value("#reason") == "Anna Berg er fratrådt."
        await lead.select_option("#caseworker_id", OLE)
        await lead.click("form.workbench-form button")
        await lead.wait_for_load_state()
        assert "ingen ledig tid" in await lead.inner_text("#caseworker_id-fejl")
        assert await lead.evaluate("document.activeElement.id") == "fejlopsummering"
        await axe_and_shot(lead, "23-opgave-afvist")
        assert holder(engine, first) == ANNA and first in open_task_ids(engine)

        # --- Mikkel takes it: the task is gone, the case is his
        await lead.select_option("#caseworker_id", MIKKEL)
        await lead.click("form.workbench-form button")
        await lead.wait_for_load_state()
        assert lead.url.endswith("/team#lederopgaver")
        assert f"Sag {first} er givet til Mikkel Krogh" in await lead.inner_text("[role=status]")
        assert f"Dine opgaver ({not_moved - 1})" in await lead.inner_text("#lederopgaver")
        assert first not in {r[0] for r in await task_rows(lead)}
        assert holder(engine, first) == MIKKEL
        assert db(engine, "SELECT resolved_by, resolution FROM lead_tasks WHERE id = ?", tasks[first]) == [
            (f"{LEAD} (web)", "Sagen er givet til Mikkel Krogh.")
        ]

        # --- two tabs with the same task, and Back: nothing happens twice
        second = second_page[0][0] if second_page else first_page[1][0]
        other_tab = await lead.context.new_page()
        await other_tab.goto(engine.web + f"/team/opgave/{tasks[second]}")
        await lead.goto(engine.web + f"/team/opgave/{tasks[second]}")
        await lead.select_option("#caseworker_id", MIKKEL)
        await lead.click("form.workbench-form button")
        await lead.wait_for_load_state()
        assert f"Sag {second} er givet til Mikkel Krogh" in await lead.inner_text("[role=status]")
        await lead.go_back()  # the task page again: it says what was done and offers no form
        await lead.wait_for_load_state()
        assert "Opgaven er løst: Sagen er givet til Mikkel Krogh." in await lead.inner_text("main")
        assert await lead.locator("form.workbench-form").count() == 0
        await other_tab.select_option("#caseworker_id", "")  # the least loaded: would be another handover
        await other_tab.click("form.workbench-form button")
        await other_tab.wait_for_load_state()
        assert "Opgaven er allerede løst" in await other_tab.inner_text("[role=status]")
        assert holder(engine, second) == MIKKEL
        state = await cases.state(CaseRef("101", second))
        assert [e.event for e in state.timeline].count("caseworker_reassigned") == 1

        # --- handed over by other means (the command line): the task closes itself, saying so
        third = first_page[2][0]
        engine.cli("--bruger", "test", "omfordel", third, "--sagsbehandler", MIKKEL, "--begrundelse", "Aftalt")
        for _ in range(60):
            if db(engine, "SELECT caseworker_id FROM case_list WHERE reference = ?", third)[0][0] == MIKKEL:
                break
            await lead.wait_for_timeout(500)
        await lead.goto(engine.web + "/team")
        assert f"Dine opgaver ({not_moved - 3})" in await lead.inner_text("#lederopgaver")
        assert db(engine, "SELECT resolution FROM lead_tasks WHERE id = ?", tasks[third]) == [
            ("Sagen er givet til Mikkel Krogh uden for opgaven.",)
        ]

        # --- the task page reflows at 320 px and passes axe; another team's lead and a caseworker cannot see it
        fourth = first_page[3][0]
        await lead.goto(engine.web + f"/team/opgave/{tasks[fourth]}")
        await axe_and_shot(lead, "24-lederopgave")
        per = await sign_in(browser, engine, OTHER_LEAD)
        response = await per.goto(engine.web + f"/team/opgave/{tasks[fourth]}")
        assert response.status == 404
        assert "Dine opgaver (0)" in await (await per.goto(engine.web + "/team")).text()
        anna = await sign_in(browser, engine, "anna.berg@jobcenter.example.dk")
        assert (await anna.goto(engine.web + f"/team/opgave/{tasks[fourth]}")).status == 403
        await browser.close()
    assert not re.search(r"Traceback", engine.output)
    assert set(references) >= with_meeting
