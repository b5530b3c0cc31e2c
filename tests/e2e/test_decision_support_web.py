"""Decision support in the workbench as its users meet it: a model trained with the command line on
synthetic cases, a watched case with a high estimate, its page with the band and three factors, the caseworker's
decision through the page's form, and the model card for the team lead, in a real Chromium with axe-core (WCAG 2.1
AA) on each page and a screenshot of it."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import async_playwright

from tests.conftest import sick_report
from tests.e2e.test_web import (  # noqa: F401
    ANNA,
    CHROMIUM_ARGS,
    axe_and_shot,
    register_rows,
    sign_in,
    submit,
    wait_status,
    web_engine,
)

EMAIL = {
    "cw-anna": "anna.berg@jobcenter.example.dk",
    "cw-mikkel": "mikkel.krogh@jobcenter.example.dk",
    "cw-sara": "sara.lind@jobcenter.example.dk",
    "cw-jonas": "jonas.friis@jobcenter.example.dk",
}


@pytest.mark.asyncio(loop_scope="session")
async def test_a_high_estimate_on_the_case_page_the_decision_and_the_model_card(web_engine, tmp_path):  # noqa: F811 - the fixture imported above
    engine = web_engine
    trained = engine.cli("model", "--traen", "--syntetisk")
    assert "SYNTETISKE DATA" in trained and "Vises: ja" in trained
    report = sick_report(expected_absence_weeks=25, employer_expected_absence_weeks=25)
    path = tmp_path / "watch.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    engine.cli("opret", str(path))
    reference = report["case_reference"]
    status = wait_status(engine, reference, "Overvej opfølgning")
    if "Anna Berg" not in status:
        engine.cli("--bruger", "test", "omfordel", reference, "--sagsbehandler", ANNA, "--begrundelse", "Test")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await sign_in(browser, engine, EMAIL[ANNA])
        await page.goto(f"{engine.web}/sager/{reference}")
        text = await page.inner_text("main")
        assert "Beslutningsstøtte" in text and "Skøn over risikoen for fravær over 26 uger: høj" in text
        assert "trænet på syntetiske data" in text and "Overvej opfølgning" in text
        assert await page.locator("h2:has-text('Beslutningsstøtte') + p + p + ul li").count() == 3
        await axe_and_shot(page, "21-sag-med-risikovurdering")
        await submit(page, "opfoelgning", {"call_in": "nej", "reason": "Arbejdsgiveren har en plan for tilbagevenden"})
        assert "sagen overvåges fortsat" in await page.inner_text("main")
        lead = await sign_in(browser, engine, "lise.holm@jobcenter.example.dk")
        await lead.goto(f"{engine.web}/modelkort")
        card = await lead.inner_text("main")
        assert "Syntetiske data." in card and "AUC" in card and "Brier" in card and reference in card
        assert "i 1 sag har sagsbehandleren besluttet ikke at indkalde" in " ".join(card.split())
        assert "køn k" in card and "alder 50+" in card and await lead.locator("img[alt^='Kalibreringsplot']").count()
        await axe_and_shot(lead, "22-modelkort")
        await browser.close()
    decided = register_rows(engine, "SELECT actor, detail FROM audit_events WHERE action = 'follow_up_decision'")
    assert len(decided) == 1 and json.loads(decided[0][1])["call_in"] == "False"
    # Later she changes her mind, with the command line (the README's command): the person is called in.
    assert "indkaldes" in engine.cli("opfoelgning", reference, "--indkald", "ja", "--begrundelse", "Ny oplysning")
    wait_status(engine, reference, "samtale booket")
