"""The report page's pilot-learning parts as a team lead meets them: the workbench served by uvicorn
over a real SQLite register holding the hand-made cases, Debian's Chromium driven by Playwright, axe-core on
every page, screenshots in test-output/screenshots/.

These pages read the register only. The workbench is given a placeholder for its Temporal client (it connects
at start otherwise); a page that reached for Temporal would fail on it, which the test would show.
"""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from config.settings import load_settings
from localrun.local_secrets import local_password
from register.db import Register, upgrade
from tests.browser import ARGS, CHROMIUM
from tests.eventually import eventually
from tests.integration.test_report_definitions import add_baseline_cases, build_nine_cases
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-output" / "screenshots"
LEAD = "lise.holm@jobcenter.example.dk"  # team lead of Team Nord (config/roster.yaml)


class NoTemporal:
    """Stands where the workbench keeps its Temporal client: the report pages must not need one."""

    def __getattr__(self, name):
        raise AssertionError(f"the report page reached for Temporal ({name})")


@pytest.fixture(scope="module")
def workbench(tmp_path_factory):
    from web.app import create_app

    data = tmp_path_factory.mktemp("report-web")
    settings = load_settings(env={}).replace(data_dir=str(data), database_url=f"sqlite:///{data / 'register.db'}")
    upgrade(settings.resolved_database_url)
    register = Register(settings.resolved_database_url)
    with register.session() as session:
        build_nine_cases(session)
        add_baseline_cases(session)
    register.dispose()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, client=NoTemporal()), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    eventually(lambda: server.started, timeout=20, every=0.05, what="the workbench started")
    yield base, settings
    server.should_exit = True
    thread.join(10)


def axe_and_shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{name}: {bad}"


@pytest.fixture(scope="module")
def lead_page(workbench):
    base, settings = workbench
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(bypass_csp=True, locale="da-DK", accept_downloads=True)  # bypass: axe only
        page = context.new_page()
        page.goto(base + "/login?videre=/rapport")  # a lead lands on /team, which asks Temporal
        page.fill("#username", LEAD)
        page.fill("#password", local_password(settings))
        page.click("button[type=submit]")
        page.wait_for_load_state()
        yield page, base
        browser.close()


def test_a_team_lead_compares_a_baseline_with_the_pilot(lead_page):
    page, base = lead_page
    page.goto(base + "/rapport")
    page.fill("#fra", "2026-01-01")
    page.fill("#til", "2026-03-31")
    page.fill("#basis_fra", "2025-01-01")
    page.fill("#basis_til", "2025-12-31")
    page.click("button:has-text('Vis')")
    page.wait_for_selector("#sammenligning")
    axe_and_shot(page, "22-01-rapport-sammenligning")
    rows = {
        r.locator("th").inner_text(): [c.inner_text() for c in r.locator("td").all()]
        for r in page.locator("table tbody tr").all()
    }
    assert rows["1. samtale på arbejdspladsen"][:2] == ["50,0 % (1/2)", "83,3 % (5/6)"]
    assert rows["1. samtale på arbejdspladsen"][-1] == "Opfyldt"
    measure = rows["Virksomhedsrettet indsats før uge 13"]
    # The page reports as of today (after 2026-06-21, so P9's week 13 is over: 2/8, not 2/7 as on 2026-06-20).
    assert measure[:3] == ["50,0 % (1/2)", "25,0 % (2/8)", "−25,0 procentpoint"] and measure[-1] == "Ikke opfyldt"
    with page.expect_download() as download:
        page.click("text=Hent sammenligningen som CSV (regneark)")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    parsed = {r["Kriterium"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert parsed["Virksomhedsrettet indsats før uge 13"]["Pilot nævner"] == "8"


def test_a_bad_baseline_is_named_in_danish_next_to_its_field(lead_page):
    page, base = lead_page
    page.goto(base + "/rapport?fra=2026-01-01&til=2026-03-31&basis_fra=2025-12-31&basis_til=2025-01-01")
    assert "Basisperiodens første dag ligger efter dens sidste dag." in page.locator("#basis_fra-fejl").inner_text()
    axe_and_shot(page, "22-02-rapport-fejl-i-basisperiode")
    only_start = httpx.get(
        base + "/rapport/sammenligning.csv?basis_fra=2025-01-01",
        cookies=page.context.cookies() and {c["name"]: c["value"] for c in page.context.cookies()},
    )
    assert only_start.status_code == 400 and "Angiv både første og sidste dag i basisperioden." in only_start.text


def test_a_team_lead_downloads_the_evaluation_dataset(lead_page, workbench):
    import zipfile

    import pandas as pd
    from sqlalchemy import select

    from register.models import AuditEvent

    page, base = lead_page
    _, settings = workbench
    page.goto(base + "/rapport?fra=2026-01-01&til=2026-03-31")
    with page.expect_download() as download:
        page.click("text=Hent evalueringsdatasættet (ZIP)")
    assert download.value.suggested_filename == "evaluering-101-2026-01-01-2026-03-31.zip"
    bundle = zipfile.ZipFile(download.value.path())
    frame = pd.read_parquet(io.BytesIO(bundle.read("sager.parquet")))
    assert len(frame) == 9 and "P1" not in frame.to_string()
    register = Register(settings.resolved_database_url)
    try:
        with register.session() as session:
            actors = session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "evaluation_export")).all()
    finally:
        register.dispose()
    assert actors == [f"{LEAD} (web)"]


def test_the_curves_are_drawn_with_their_numbers_and_a_plain_warning(lead_page):
    page, base = lead_page
    page.goto(base + "/rapport?fra=2026-01-01&til=2026-03-31")
    page.wait_for_function("document.querySelector('#varighed ~ figure img').naturalWidth > 0")
    axe_and_shot(page, "22-03-rapport-varighed")
    assert "Det er en sammenligning af forløb, ikke en måling af effekt." in page.inner_text("main")
    table = page.locator("table", has_text="Tid til tilbagevenden pr. gruppe")
    rows = {
        r.locator("th").inner_text(): [c.inner_text() for c in r.locator("td").all()]
        for r in table.locator("tbody tr").all()
    }
    # As of today (after 2026-06-20) the open cases have been followed longer, so only the first columns are
    # fixed: workplace 5 cases, 3 back, median 133 days (see tests/integration/test_duration_analysis.py).
    assert rows["På arbejdspladsen"][:3] == ["5", "3", "133"]
    assert rows["I jobcentret"][:3] == ["1", "1", "67"]
    assert rows["Ingen samtale holdt"][:3] == ["3", "1", "ikke nået"]
    assert "Log-rank-test for ens kurver" in page.inner_text("main")
    image = page.request.get(base + "/rapport/varighed.png?fra=2026-01-01&til=2026-03-31")
    assert image.headers["content-type"] == "image/png" and image.body().startswith(b"\x89PNG")


def test_a_team_lead_writes_two_entries_and_lists_them_by_tag(lead_page):
    page, base = lead_page
    page.goto(base + "/rapport")
    page.click("text=Læringslog: hvad virkede, og hvad virkede ikke")
    axe_and_shot(page, "22-04-laeringslog")
    # A CPR number in the text is refused in Danish next to the field, and nothing is saved.
    page.check("#kind-challenge")
    page.check("#tag-health_advice")
    page.fill("#text", "Borgeren 010180-1234 ventede på lægen.")
    page.click("button:has-text('Gem notatet')")
    assert "CPR-nummer" in page.locator("#text-fejl").inner_text()
    axe_and_shot(page, "22-05-laeringslog-afvist")
    page.fill("#text", "Lægens attest kom sent; vi aftalte en fast frist med lægehuset.")
    page.fill("#case_reference", "P3")  # Team Nord's case: the lead may link it
    page.check("#clear")
    page.click("button:has-text('Gem notatet')")
    assert "Notatet er gemt i læringsloggen." in page.inner_text("main")
    page.check("#kind-worked")
    page.check("#tag-employer_dialogue")
    page.check("#tag-method")
    page.fill("#text", "At ringe til lederen dagen før mødet gav færre aflysninger.")
    page.click("button:has-text('Gem notatet')")
    assert "Notatet er gemt i læringsloggen." in page.inner_text("main")
    page.select_option("#emne", "method")
    page.click("button:has-text('Vis notater')")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "færre aflysninger" in rows.first.inner_text()
    axe_and_shot(page, "22-06-laeringslog-metode")
    page.select_option("#emne", "")
    page.click("button:has-text('Vis notater')")
    assert page.locator("table tbody tr").count() == 2
    # The export carries both, the linked one pseudonymised.
    day = page.locator("#til").input_value()
    with page.expect_download() as download:
        page.goto(base + f"/rapport?fra=2026-01-01&til={day}")
        page.click("text=Hent evalueringsdatasættet (ZIP)")
    import zipfile

    log = zipfile.ZipFile(download.value.path()).read("laeringslog.csv").decode()
    assert "færre aflysninger" in log and "fast frist med lægehuset" in log and "P3" not in log


def test_the_report_csv_is_danish(lead_page):
    page, base = lead_page
    page.goto(base + "/rapport?fra=2026-01-01&til=2026-03-31")
    with page.expect_download() as download:
        page.click("text=Hent rapporten som CSV (regneark)")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Nøgletal;Opdeling;Navn;Tæller;Nævner;Værdi;Kode;Id"
    # A team lead's report is of her team's cases (least privilege): the nine cases are all Team Nord's.
    assert "1. samtale på arbejdspladsen;I alt;Dit team (Team Nord);5;6;0,8333;workplace_first_meeting;" in text
    page.goto(base + "/rapport/vis?fra=2026-01-01&til=2026-03-31")
    assert "Sådan er tallene opgjort" in page.inner_text("body")
    axe_and_shot(page, "22-07-rapport-vis")


def test_a_caseworker_reads_the_log_without_other_peoples_case_references(workbench, lead_page):
    base, settings = workbench
    page, _ = lead_page  # the lead's entries exist once the lead's test has run; write one here to be sure
    page.goto(base + "/rapport/laeringslog")
    page.check("#kind-idea")
    page.check("#tag-visitation")
    page.fill("#text", "Visitationen kunne ske allerede ved sygemeldingen.")
    page.fill("#case_reference", "P2")
    page.click("button:has-text('Gem notatet')")
    assert "Notatet er gemt i læringsloggen." in page.inner_text("main")
    context = page.context.browser.new_context(bypass_csp=True, locale="da-DK")
    try:
        anna = context.new_page()
        anna.goto(base + "/login?videre=/rapport/laeringslog")
        anna.fill("#username", "anna.berg@jobcenter.example.dk")
        anna.fill("#password", local_password(settings))
        anna.click("button[type=submit]")
        anna.wait_for_load_state()
        row = anna.locator("table tbody tr", has_text="Visitationen kunne ske")
        assert row.locator("td").nth(4).inner_text() == "en sag" and "P2" not in anna.inner_text("main")
        axe_and_shot(anna, "22-08-laeringslog-sagsbehandler")
        # The dataset is for team leads.
        assert anna.request.get(base + "/rapport/evaluering.zip").status == 403
        anna.goto(base + "/rapport")
        assert "Hent evalueringsdatasættet" not in anna.inner_text("main")
    finally:
        context.close()


def test_a_caseworkers_report_names_only_her_own_cases(workbench, lead_page):
    """Least privilege in the browser: Jonas (Team Syd) holds none of the nine cases, all Anna's (Team Nord);
    his report names none of them, nor Anna or her team, and says whose cases it counts. Per Dahl, who leads
    Team Syd, sees the same. Anna's own report lists her breaches."""
    base, settings = workbench
    browser = lead_page[0].context.browser  # one Playwright per module: the lead's, with a context per person
    for email, whose, sees in (
        ("jonas.friis@jobcenter.example.dk", "dine sager", False),
        ("per.dahl@jobcenter.example.dk", "dit team (Team Syd)", False),
        ("anna.berg@jobcenter.example.dk", "dine sager", True),
    ):
        context = browser.new_context(bypass_csp=True, locale="da-DK")
        try:
            page = context.new_page()
            page.goto(base + "/login?videre=" + "/rapport/vis%3Ffra%3D2026-01-01%26til%3D2026-03-31")
            page.fill("#username", email)
            page.fill("#password", local_password(settings))
            page.click("button[type=submit]")
            page.wait_for_load_state()
            text = page.inner_text("body")
            assert whose in text and "Hele kommunen" not in text
            named = [ref for ref in ("P1", "P3", "P4", "P8", "P9") if f">{ref}<" in page.content()]
            assert ("Anna Berg" in text) is sees and bool(named) is sees, (email, named)
            if sees:
                axe_and_shot(page, "20-rapport-kun-egne-sager")
        finally:
            context.close()
