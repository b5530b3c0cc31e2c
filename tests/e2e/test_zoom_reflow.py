"""WCAG 1.4.4 and 1.4.10 at a real caseload: the workbench pages at 200 % zoom (a 1280 x 800 screen
seen at 640 CSS px, device scale 2) and at 320 CSS px (400 %), with 160 open cases for one caseworker, in
Debian's Chromium. Nothing may make the page scroll sideways or stick out past its right edge, except inside a
table's own labelled scroll box; each page is also checked with axe-core and kept as a screenshot.
"""

from __future__ import annotations

import pytest
import pytest_asyncio
from playwright.async_api import async_playwright

from case_service import CaseService
from config.settings import load_settings
from engine.client import connect
from tests.e2e.engine import ROOT, Engine
from tests.e2e.test_bulk_reassignment import db, open_cases
from tests.e2e.test_web import AXE, CHROMIUM_ARGS, SHOTS

ROSTER = ROOT / "tests" / "fixtures" / "roster_web.yaml"
ANNA, LEAD = "anna.berg@jobcenter.example.dk", "lise.holm@jobcenter.example.dk"
CASES = 160
pytestmark = pytest.mark.timeout(2400)

# Elements that reach past the right edge of the window, outside the tables' own scroll boxes.
STICKING_OUT = """() => {
  const edge = document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll('body *')].filter(el => {
    if (el.closest('.workbench-scroll') || el.closest('.sr-only') || !el.getClientRects().length) return false;
    return el.getBoundingClientRect().right > edge;
  }).slice(0, 5).map(el => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className + ': '
                     + (el.textContent || '').trim().slice(0, 40));
}"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = Engine(tmp_path_factory.mktemp("zoom") / "data")
    engine.env["FASTHOLD_ROSTER_FILE"] = str(ROSTER)
    engine.start()
    yield engine
    if engine.process.poll() is None:
        engine.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def cases(engine):
    settings = load_settings(env=engine.env)
    return CaseService(await connect(settings), settings)


async def signed_in(browser, engine: Engine, email: str, **context):
    page = await (await browser.new_context(bypass_csp=True, locale="da-DK", **context)).new_page()
    await page.goto(engine.web + "/login")
    await page.fill("#username", email)
    await page.fill("#password", engine.local_password)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    return page


async def check(page, url: str, name: str) -> None:
    await page.goto(url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    width = await page.evaluate("document.documentElement.clientWidth")
    assert await page.evaluate("document.documentElement.scrollWidth") <= width, f"{name}: scrolls sideways"
    assert await page.evaluate(STICKING_OUT) == [], name
    for box in await page.locator(".workbench-scroll").all():  # a scroll box is named and reachable by keyboard
        assert await box.get_attribute("tabindex") == "0" and await box.get_attribute("role") == "region"
        assert await box.get_attribute("aria-label") or await box.get_attribute("aria-labelledby")
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    assert not [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")], name


async def test_the_workbench_reflows_at_200_and_400_percent_zoom_with_160_cases(engine, cases):
    db(engine, "UPDATE caseworkers SET active = 0 WHERE id != 'cw-anna'")
    references = await open_cases(engine, cases, CASES)
    db(engine, "UPDATE caseworkers SET active = 1")
    reference = references[0]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for zoom, context in (
            ("200", {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}),
            ("400", {"viewport": {"width": 320, "height": 200}, "device_scale_factor": 4}),
        ):
            anna = await signed_in(browser, engine, ANNA, **context)
            await check(anna, engine.web + "/opgaver", f"30-zoom{zoom}-mine-opgaver")
            await check(anna, engine.web + "/sager", f"31-zoom{zoom}-mine-sager")
            assert f"{CASES}" in await anna.inner_text("#antal-sager")
            await check(anna, engine.web + f"/sager/{reference}?handling=flyt", f"32-zoom{zoom}-sag")
            lead = await signed_in(browser, engine, LEAD, **context)
            for kind in ("risiko", "opgaver", "skoen"):
                await check(lead, engine.web + f"/team?vis={kind}", f"33-zoom{zoom}-team-{kind}")
            await check(lead, engine.web + "/rapport", f"34-zoom{zoom}-rapport")
        await browser.close()
