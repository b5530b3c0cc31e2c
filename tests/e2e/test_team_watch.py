"""The team lead follows the watch track by decision support's estimate on the Team page, in the browser.

A model trained with the README's command on synthetic cases; 40 cases opened (about 30 in the lead's team) where
both the employee and the
employer expect under 26 weeks (the 2026 track "watch"), with estimates from 3 to 25 weeks, spread over the
team. The Team page's list "Kun fulgt, efter skøn" must show them all, the highest estimate first (as each
case's own estimate says), filter by band and caseworker, sort by weeks of absence, page by 25, and reflow.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import async_playwright

from case_service import CaseService
from config.settings import load_settings
from domain.sick_report import parse_sick_report
from engine.client import connect
from tests import dates
from tests.conftest import sick_report
from tests.e2e.engine import ROOT, Engine
from tests.e2e.test_bulk_reassignment import eventually
from tests.e2e.test_web import CHROMIUM_ARGS, axe_and_shot, sign_in

ROSTER = ROOT / "tests" / "fixtures" / "roster_web.yaml"
LEAD = "lise.holm@jobcenter.example.dk"
CASES = 40
TEAM_NORD = {"cw-anna", "cw-mikkel", "cw-sara"}
pytestmark = pytest.mark.timeout(1500)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = Engine(tmp_path_factory.mktemp("watch") / "data")
    engine.env["FASTHOLD_ROSTER_FILE"] = str(ROSTER)
    engine.start()
    yield engine
    if engine.process.poll() is None:
        engine.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def cases(engine):
    settings = load_settings(env=engine.env)
    return CaseService(await connect(settings), settings)


def watched_views(engine: Engine) -> dict[str, dict]:
    """Each watched case's state as the lists' read model holds it."""
    with sqlite3.connect(Path(engine.env["FASTHOLD_DATA_DIR"]) / "register.db") as conn:
        states = [json.loads(v)["state"] for (v,) in conn.execute("SELECT view FROM case_list WHERE running")]
    return {s["reference"]: s for s in states if s.get("track") == "watch" and s.get("risk")}


async def rows(page) -> list[list[str]]:
    return [
        [c.strip() for c in await r.locator("td").all_inner_texts()]
        for r in await page.locator("#team-liste tbody tr").all()
    ]


def percent(cell: str) -> int:
    return int(cell.split("(")[1].split(" %")[0])


async def test_the_team_lead_follows_the_watched_cases_by_estimate(engine, cases):
    assert "Vises: ja" in engine.cli("model", "--traen", "--syntetisk")
    today = dates.today()
    for n in range(CASES):
        employee, employer = 3 + (n * 7) % 23, 3 + (n * 11) % 23  # 3..25 weeks: both under 26
        first_day = today - timedelta(days=14 + 7 * (n % 9))  # weeks 3 to 11 of absence
        await cases.start_case(
            parse_sick_report(
                sick_report(
                    expected_absence_weeks=employee,
                    employer_expected_absence_weeks=employer,
                    first_day_of_absence=first_day.isoformat(),
                ),
                today=today,
            )
        )
    eventually(lambda: len(watched_views(engine)) == CASES, timeout=600, what=f"{CASES} watched cases estimated")
    every = watched_views(engine)
    states = {ref: s for ref, s in every.items() if s["caseworker"]["id"] in TEAM_NORD}  # Lise's team only
    assert 0 < len(states) < CASES  # the others are Team Syd's: not hers to see
    estimate = {ref: round(100 * s["risk"]["probability"]) for ref, s in states.items()}

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        lead = await sign_in(browser, engine, LEAD)
        await lead.goto(engine.web + "/team")
        mine = len(states)
        assert f"{mine} kun fulgt, efter skøn" in await lead.inner_text("#antal-skoen")
        await lead.click("#antal-skoen")
        assert f"Kun fulgt, efter skøn ({mine})" in await lead.inner_text("#liste")
        assert "trænet på syntetiske data" in await lead.inner_text("main")
        shown = []
        for page_number in (1, 2):
            page_rows = await rows(lead)
            assert len(page_rows) == (25 if page_number == 1 else mine - 25)
            shown += page_rows
            if page_number == 1:
                await axe_and_shot(lead, "25-team-kun-fulgt")
                await lead.click("text=Næste side")
        assert {r[0] for r in shown} == set(estimate)
        for reference, _who, band_cell, factor, _week, decision in shown:
            assert percent(band_cell) == estimate[reference]  # each case's own estimate
            assert band_cell.startswith(states[reference]["risk"]["band"]) and factor
            assert decision in ("Afventer sagsbehandleren", "–")
        percents = [percent(r[2]) for r in shown]
        assert percents == sorted(percents, reverse=True)  # the highest estimate first

        # Filter by band and caseworker, and sort by weeks of absence: the form, as a person uses it.
        band = states[shown[0][0]]["risk"]["band"]  # the highest estimate's band (which one depends on the model)
        await lead.select_option("#baand", band)
        await lead.click("form.workbench-filter button")
        high = await rows(lead)
        assert high and all(r[2].startswith(band) for r in high)
        assert len(high) == min(25, sum(s["risk"]["band"] == band for s in states.values()))
        holders = {s["caseworker"]["id"] for s in states.values()}
        worker = sorted(holders)[0]
        await lead.select_option("#baand", "")
        await lead.select_option("#sagsbehandler", worker)
        await lead.select_option("#sorter", "uge")
        await lead.click("form.workbench-filter button")
        hers = await rows(lead)
        assert len(hers) == min(25, sum(s["caseworker"]["id"] == worker for s in states.values()))
        weeks = [int(r[4]) for r in hers]
        assert weeks == sorted(weeks, reverse=True) and len(set(weeks)) > 3
        assert "sorter=uge" in lead.url and "vis=skoen" in lead.url
        await axe_and_shot(lead, "26-team-kun-fulgt-filtreret")
        await browser.close()
