"""The web workbench as its users meet it: the engine started by the run command, a real Chromium (Debian's,
driven by Playwright), axe-core on every page, screenshots of each page; and the refusals, over real HTTP.

Screenshots are written to test-output/screenshots/ (kept out of git).
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from playwright.async_api import async_playwright

from case_service import CaseRefusal, CaseService
from case_service.commands import CaseRef
from config.settings import load_settings
from domain.localtime import LOCAL_TZ
from engine.client import connect
from mailing.links import EMPLOYER_SALT
from tests import dates
from tests.conftest import sick_report
from tests.e2e.engine import ROOT, Engine
from tests.eventually import eventually, eventually_async

AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-output" / "screenshots"
ROSTER = ROOT / "tests" / "fixtures" / "roster_web.yaml"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANNA, MIKKEL, SARA, JONAS = "cw-anna", "cw-mikkel", "cw-sara", "cw-jonas"


@pytest.fixture(scope="module")
def web_engine(tmp_path_factory):
    engine = Engine(tmp_path_factory.mktemp("web") / "data")
    engine.env["FASTHOLD_ROSTER_FILE"] = str(ROSTER)
    engine.start()
    yield engine
    if engine.process.poll() is None:
        engine.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def cases(web_engine):
    settings = load_settings(env=web_engine.env)
    client = await connect(settings)
    return CaseService(client, settings)


def open_case(engine: Engine, caseworker: str, tmp_path: Path, name: str, **changes) -> str:
    """A case started with the command line, then given to `caseworker` (the roster spreads new cases)."""
    report = sick_report(**changes)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    engine.cli("opret", str(path))
    reference = report["case_reference"]
    status = wait_status(engine, reference, "samtale booket")
    if f"({caseworker})" not in status and caseworker_id_in(status) != caseworker:
        engine.cli("--bruger", "test", "omfordel", reference, "--sagsbehandler", caseworker, "--begrundelse", "Test")
    return reference


def caseworker_id_in(status: str) -> str:
    names = {"Anna Berg": ANNA, "Mikkel Krogh": MIKKEL, "Sara Lind": SARA, "Jonas Friis": JONAS}
    found = re.search(r"Sagsbehandler:\s+(.+?) <", status)
    return names.get(found.group(1), "") if found else ""


def wait_status(engine: Engine, reference: str, text: str, timeout: float = 30) -> str:
    return eventually(
        lambda: engine.cli("status", reference),
        until=lambda status: text in status,
        every=0.3,
        timeout=timeout,
        what=f"{text!r} in the status of {reference}",
        show=str,
    )


async def axe_and_shot(page, name: str) -> None:
    """0 serious or critical WCAG 2.1 AA violations, and a screenshot of the page as a person sees it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{name}: {bad}"
    await assert_reflows(page, name)


async def assert_reflows(page, name: str) -> None:
    """WCAG 1.4.10: at 320 CSS px (400 % zoom of a 1280 px window) nothing scrolls sideways but the tables'
    own boxes."""
    size = page.viewport_size
    await page.set_viewport_size({"width": 320, "height": 640})
    try:
        wide = await page.evaluate("document.documentElement.scrollWidth")
        if wide > 320:
            SHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SHOTS / f"{name}-320px.png"), full_page=True)
        assert wide <= 320, f"{name}: {wide} px wide at 320 px"
    finally:
        await page.set_viewport_size(size)


async def sign_in(browser, engine: Engine, email: str):
    context = await browser.new_context(bypass_csp=True, locale="da-DK")  # bypass only to inject axe
    page = await context.new_page()
    await page.goto(engine.web + "/")
    await axe_and_shot(page, "01-log-ind")
    await page.fill("#username", email)
    await page.fill("#password", engine.local_password)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    return page


async def submit(page, slug: str, values: dict[str, str]) -> None:
    """Open the action's panel on the case page, fill it in as a person would, and send it."""
    if await page.get_attribute(f"#handling-{slug}", "open") is None:
        await page.click(f"#handling-{slug} summary")
    panel = page.locator(f"#handling-{slug}")
    for name, value in values.items():
        radio = panel.locator(f"input[type=radio][name={name}][value='{value}']")
        if await radio.count():
            await radio.check()
        elif await panel.locator(f"select[name={name}]").count():
            await panel.locator(f"select[name={name}]").select_option(value)
        else:
            await panel.locator(f"[name={name}]").fill(value)
    await page.click(f"#handling-{slug} button[type=submit]")
    await page.wait_for_load_state()


def register_rows(engine: Engine, sql: str, *params) -> list:
    db = Path(engine.env["FASTHOLD_DATA_DIR"]) / "register.db"
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


async def test_caseworker_team_lead_and_employer_in_a_real_browser(web_engine, cases, tmp_path):
    engine = web_engine
    first, second, third = (open_case(engine, ANNA, tmp_path, n) for n in ("a", "b", "c"))
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        # --- the caseworker: her task from the opening e-mail, the case, two actions, a refusal
        page = await sign_in(browser, engine, "anna.berg@jobcenter.example.dk")
        assert page.url.endswith("/opgaver")
        await page.wait_for_selector("text=Ring til arbejdsgiveren")
        assert await page.locator(f"tr:has-text('{first}') >> text=Ring til arbejdsgiveren").count() == 1
        await axe_and_shot(page, "02-mine-opgaver")
        # One click: the case, with the task's form open. (The case has another task: send the
        # information form.)
        await page.click(f"tr:has-text('{first}'):has-text('Ring til arbejdsgiveren') a")
        await page.wait_for_load_state()
        assert f"Sag {first}" in await page.inner_text("h1")
        assert await page.get_attribute("#handling-arbejdsgiver", "open") is not None
        await axe_and_shot(page, "03-sag")

        await submit(page, "arbejdsgiver", {"hosts_at_workplace": "ja"})
        assert "Samtalen holdes på arbejdspladsen." in await page.inner_text("[role=status]")
        # The dev server's clock is the real one.
        yesterday = (datetime.now(LOCAL_TZ) - timedelta(days=1)).replace(hour=10, minute=0)  # real now: see above
        await submit(
            page,
            "samtale",
            {
                "meeting_number": "1",
                "held": "ja",
                "employer_took_part": "ja",
                "location": "workplace",
                "held_at": yesterday.strftime("%Y-%m-%dT%H:%M"),
            },
        )
        assert "Møde 1 er registreret (holdt)." in await page.inner_text("[role=status]")
        await axe_and_shot(page, "04-sag-efter-samtale")
        state = await cases.state(CaseRef("101", first))
        meeting = state.meetings[0]
        assert state.employer_hosts is True and meeting.status == "held"
        # Held before the planned time: the planned time leaves the three calendars (CANCEL, next SEQUENCE).
        cancelled = engine.wait_for(
            lambda mails: [
                m for m in mails if m["X-Fasthold-Case"] == first and m["X-Fasthold-Purpose"] == "cancellation"
            ],
            3,
        )
        assert len(cancelled) == 3 and meeting.sequence == 1
        assert all("allerede holdt" in m.get_body(("plain",)).get_content() for m in cancelled)
        assert meeting.employer_took_part is True and meeting.actual_location == "workplace"
        row = register_rows(
            engine,
            "SELECT m.status, m.employer_took_part, m.actual_location FROM meetings m "
            "JOIN cases c ON c.id = m.case_id WHERE c.reference = ?",
            first,
        )
        assert row == [("held", 1, "workplace")]
        actors = {
            a
            for (a,) in register_rows(
                engine,
                "SELECT a.actor FROM audit_events a JOIN cases c ON c.id = a.case_id WHERE c.reference = ?",
                first,
            )
        }
        assert "cw-anna (web)" in actors

        # A refusal from the workflow's validator is shown next to the field, and nothing changes.
        await submit(page, "varighed", {"employee_weeks": "99"})
        assert (
            "forventet varighed skal være 1-52 uger"
            in (await page.inner_text("#varighed-employee_weeks >> xpath=..")).lower()
        )
        # Focus is on the error summary at the top, in view, and its link leads to the field.
        assert await page.evaluate("document.activeElement.id") == "fejlopsummering"
        assert await page.evaluate("document.activeElement.getBoundingClientRect().top < window.innerHeight")
        await page.click("#fejlopsummering a")
        assert await page.evaluate("location.hash") == "#varighed-employee_weeks"
        assert (await cases.state(CaseRef("101", first))).expected_weeks == 30
        await axe_and_shot(page, "05-sag-med-afvisning")
        await page.goto(engine.web + "/sager")
        assert second in await page.inner_text("main"), await page.inner_text("main")
        await axe_and_shot(page, "06-mine-sager")
        await page.goto(engine.web + "/rapport")
        await axe_and_shot(page, "07-rapport")
        csv = await page.request.get(engine.web + "/rapport.csv")
        assert csv.ok and "text/csv" in csv.headers["content-type"]

        # --- the employer: the link from the request e-mail; GET changes nothing, POST answers, twice is once
        link = employer_link(engine, second)
        before = await cases.state(CaseRef("101", second))
        employer = await (await browser.new_context(bypass_csp=True)).new_page()
        await employer.goto(link)
        await axe_and_shot(employer, "08-arbejdsgiverens-svarside")
        after_get = await cases.state(CaseRef("101", second))
        assert after_get.employer_hosts is None and len(after_get.timeline) == len(before.timeline)
        await employer.fill("#reason", "Vi har ingen mødelokaler i øjeblikket.")
        await employer.click("form:has(input[value=nej]) button")
        await employer.wait_for_load_state()
        assert "Tak." in await employer.inner_text("[role=status]")
        await axe_and_shot(employer, "09-arbejdsgiverens-kvittering")
        await employer.go_back()
        await employer.fill("#reason", "Vi har ingen mødelokaler i øjeblikket.")
        await employer.click("form:has(input[value=nej]) button")  # a second click
        await employer.wait_for_load_state()
        state = await wait_until(cases, second, lambda s: s.employer_hosts is False)
        assert [e.event for e in state.timeline].count("employer_declined_hosting") == 1
        await page.goto(engine.web + f"/sager/{second}")
        assert "Arbejdsgiveren kan ikke" in await page.inner_text("body")

        # --- the team lead: overview, and all of Anna's cases spread over two named colleagues
        lead = await sign_in(browser, engine, "lise.holm@jobcenter.example.dk")
        assert lead.url.endswith("/team")
        await axe_and_shot(lead, "10-team")
        await lead.select_option("#from_caseworker", ANNA)
        await lead.check(f"#to-{MIKKEL}")
        await lead.check(f"#to-{SARA}")
        await lead.fill("#reason", "Anna Berg er fratrådt.")
        await lead.click("form[action='/team/omfordel'] button")
        await lead.wait_for_load_state()
        assert "/team/omfordeling/" in lead.url  # a job in the background; its page follows it
        await lead.wait_for_function(
            "() => document.querySelector('[role=status]').textContent.includes('Omfordelingen er færdig')",
            timeout=120_000,
            polling=1000,
        )
        assert "3 af 3 sager er behandlet." in await lead.inner_text("[role=status]")
        await axe_and_shot(lead, "11-team-efter-omfordeling")
        new = {r: (await cases.state(CaseRef("101", r))).caseworker.id for r in (first, second, third)}
        assert set(new.values()) == {MIKKEL, SARA}, new
        for reference, caseworker in new.items():
            await lead.goto(engine.web + f"/sager/{reference}")
            name = {MIKKEL: "Mikkel Krogh", SARA: "Sara Lind"}[caseworker]
            assert name in await lead.inner_text(".workbench-facts")
        await browser.close()


async def wait_until(cases, reference, predicate, timeout: float = 20):
    return await eventually_async(
        lambda: cases.state(CaseRef("101", reference)),
        until=predicate,
        every=0.2,
        timeout=timeout,
        what=f"a state of {reference} that satisfies the predicate",
        show=lambda s: f"phase {s.phase}",
    )


def employer_link(engine: Engine, reference: str) -> str:
    for message in engine.wait_for_mails(1):
        if (
            reference in str(message["Subject"]) + message.get_body(("plain",)).get_content()
            and "henrik.lund@example.com" in str(message["To"])
            and "/svar/" in message.get_body(("plain",)).get_content()
        ):
            return re.search(r"(http://\S+/svar/\S+)", message.get_body(("plain",)).get_content()).group(1)
    raise AssertionError("no employer request with a reply link")


def signed_in_client(engine: Engine, email: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=engine.web, follow_redirects=False, timeout=60)
    response = client.post("/login", data={"username": email, "password": engine.local_password})
    assert response.status_code == 303, response.text
    page = client.get("/sager")
    return client, re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def old_token(engine: Engine, *payload: str) -> str:
    secret = (Path(engine.env["FASTHOLD_DATA_DIR"]) / "web-secret.key").read_text().strip()

    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 40 * 24 * 3600  # real now: a signed link's age is checked against the real clock

    return URLSafeTimedSerializer(secret, salt=EMPLOYER_SALT, signer=LongAgo).dumps(list(payload))


async def test_refusals_are_clear_danish_and_change_nothing(web_engine, cases, tmp_path):
    engine = web_engine
    markup = '<script>alert("x")</script><b>Firma</b>'
    employer = {**sick_report()["employer"], "name": markup}
    mine = open_case(engine, ANNA, tmp_path, "mine", employer=employer)
    theirs = open_case(engine, JONAS, tmp_path, "theirs")
    anna, csrf = signed_in_client(engine, "anna.berg@jobcenter.example.dk")

    # Not signed in: to the sign-in page. Wrong password: a Danish message, no session.
    assert httpx.get(engine.web + "/opgaver").headers["location"].startswith("/login")
    wrong = httpx.post(engine.web + "/login", data={"username": "anna.berg@jobcenter.example.dk", "password": "x"})
    assert wrong.status_code == 400 and "forkert" in wrong.text and "fasthold_session" not in wrong.cookies

    # Markup in a name is shown as text, never run.
    page = anna.get(f"/sager/{mine}")
    assert page.status_code == 200 and markup not in page.text and "&lt;script&gt;" in page.text

    # Wrong role, another team's case, a case that does not exist.
    assert anna.get("/team").status_code == 403
    other = anna.get(f"/sager/{theirs}")
    missing = anna.get("/sager/FINDES-IKKE")
    assert other.status_code == missing.status_code == 404 and "Du har ikke adgang" not in other.text
    assert other.text.replace(theirs, "X") == missing.text.replace("FINDES-IKKE", "X")  # nothing tells them apart
    today = dates.today().isoformat()  # real now: the workbench's today is the real one
    act = anna.post(f"/sager/{theirs}/handling/indsats", data={"csrf": csrf, "kind": "mentor", "start_date": today})
    assert act.status_code == 404
    assert (await cases.state(CaseRef("101", theirs))).measures == []
    assert anna.get("/sager/FINDES-IKKE").status_code == 404

    # Bad input names the field; a form without the session's CSRF token is refused; nothing changes.
    bad = anna.post(f"/sager/{mine}/handling/varighed", data={"csrf": csrf, "employee_weeks": "tredive"})
    assert bad.status_code == 400 and "Skriv et helt tal." in bad.text and "Traceback" not in bad.text
    forged = anna.post(f"/sager/{mine}/handling/varighed", data={"employee_weeks": "40"})
    assert forged.status_code == 400 and "Formularen var udløbet" in forged.text
    assert (await cases.state(CaseRef("101", mine))).expected_weeks == 30

    # A double submit (the same form sent twice) is one action.
    form = {"csrf": csrf, "kind": "mentor", "start_date": today, "submission": "dobbelt-1"}
    assert [anna.post(f"/sager/{mine}/handling/indsats", data=form).status_code for _ in range(2)] == [303, 303]
    state = await cases.state(CaseRef("101", mine))
    assert len(state.measures) == 1 and [e.event for e in state.timeline].count("measure_started") == 1

    # The law's actions have their forms too: a partial recovery is a change of the case, not its end.
    bad_hours = anna.post(
        f"/sager/{mine}/handling/delvis", data={"csrf": csrf, "hours_per_week": "mange", "from_date": today}
    )
    assert bad_hours.status_code == 400 and "Skriv et tal" in bad_hours.text
    partly = anna.post(
        f"/sager/{mine}/handling/delvis",
        data={"csrf": csrf, "hours_per_week": "18,5", "from_date": today, "submission": "delvis-1"},
    )
    assert partly.status_code == 303
    state = await cases.state(CaseRef("101", mine))
    assert [p.hours_per_week for p in state.partial_recoveries] == [18.5] and state.phase != "closed"

    # The employer's link: tampered, expired, and a POST without the page's cookie change nothing.
    link = employer_link(engine, mine)
    token = link.rsplit("/", 1)[1]
    tampered = httpx.get(f"{engine.web}/svar/{token[:-3]}{'A' if token[-3] != 'A' else 'B'}{token[-2:]}")
    assert tampered.status_code == 404 and "Linket er ikke gyldigt" in tampered.text
    expired = httpx.get(f"{engine.web}/svar/{old_token(engine, '101', mine, 'henrik.lund@example.com')}")
    assert expired.status_code == 410 and "Linket er udløbet" in expired.text
    blind = httpx.post(link, data={"answer": "ja", "nonce": "gæt"})
    assert blind.status_code == 400 and (await cases.state(CaseRef("101", mine))).employer_hosts is None
    shown = httpx.get(link)
    assert shown.status_code == 200 and shown.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'self'" in shown.headers["content-security-policy"]


async def test_back_and_send_reload_and_two_tabs_each_act_once(web_engine, cases, tmp_path):
    """The repeats people really make: Back and send the form again (a fresh page, the values typed again),
    reload after sending, and the same form sent from two tabs. Each records the fact once and says so."""
    engine = web_engine
    reference = open_case(engine, ANNA, tmp_path, "gentag")
    ref = CaseRef("101", reference)
    today = dates.today()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await sign_in(browser, engine, "anna.berg@jobcenter.example.dk")
        await page.goto(f"{engine.web}/sager/{reference}")

        # Back and send: the page comes back with a new submission id; the same partial recovery is not
        # recorded a second time, and she is told.
        partial = {"hours_per_week": "18,5", "from_date": today.isoformat()}
        await submit(page, "delvis", partial)
        assert "allerede" not in await page.inner_text("[role=status]")
        await page.go_back()
        await page.wait_for_load_state()
        await submit(page, "delvis", partial)
        assert "Det er allerede registreret" in await page.inner_text("[role=status]")
        await axe_and_shot(page, "12-allerede-registreret")
        state = await cases.state(ref)
        assert [(p.hours_per_week, p.from_date) for p in state.partial_recoveries] == [(18.5, today)]

        # Reload after sending: the browser asks for the case page again (sending redirected to it).
        await submit(page, "indsats", {"kind": "mentor", "start_date": today.isoformat()})
        await page.reload()
        await page.wait_for_load_state()
        assert len((await cases.state(ref)).measures) == 1

        # Two tabs with the same form: the second says it is already there.
        other = await page.context.new_page()
        await other.goto(f"{engine.web}/sager/{reference}")
        await page.goto(f"{engine.web}/sager/{reference}")
        await submit(page, "varighed", {"employee_weeks": "40"})
        await submit(other, "varighed", {"employee_weeks": "40"})
        assert "Det er allerede registreret" in await other.inner_text("[role=status]")
        state = await cases.state(ref)
        assert state.expected_weeks == 40
        assert [e.event for e in state.timeline].count("expected_duration") == 1
        assert [e.event for e in state.timeline].count("partial_recovery") == 1
        assert [e.event for e in state.timeline].count("measure_started") == 1
        await browser.close()


async def test_signing_out_ends_the_session_for_every_tab_and_every_copy_of_the_cookie(web_engine):
    engine = web_engine
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await sign_in(browser, engine, "anna.berg@jobcenter.example.dk")
        older_tab = await page.context.new_page()
        await older_tab.goto(engine.web + "/sager")
        # She signs in again in the first tab: the older tab's "Log ud" now carries a token from before.
        await page.goto(engine.web + "/login")
        await page.fill("#username", "anna.berg@jobcenter.example.dk")
        await page.fill("#password", engine.local_password)
        await page.click("main button[type=submit]")
        await page.wait_for_load_state()
        cookie = next(c for c in await page.context.cookies() if c["name"] == "fasthold_session")
        copied = httpx.Client(base_url=engine.web, cookies={"fasthold_session": cookie["value"]}, timeout=30)
        assert copied.get("/sager").status_code == 200  # the copy works while she is signed in
        # A sign-out another site would make (no form token, not from this origin) signs nobody out.
        assert copied.post("/logout", data={}, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 303
        assert copied.get("/sager").status_code == 200

        await older_tab.click("text=Log ud")
        await older_tab.wait_for_load_state()
        assert older_tab.url.endswith("/login")
        await page.goto(engine.web + "/opgaver")
        assert "/login" in page.url  # the other tab is signed out too
        refused = copied.get("/sager")
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
        assert copied.get("/team").status_code == 303
        await browser.close()


async def test_the_team_page_lists_missed_targets_and_breaches_apart_with_counts(web_engine, cases):
    """A case whose model target (2026 rules) passed, and one whose statutory week-8 deadline (2025 rules)
    passed: each is counted and listed under its own heading, with the date that passed, and neither is
    listed as merely "at risk"."""
    from domain.model import Reassignment
    from domain.sick_report import parse_sick_report
    from mailing.rendering import kortdato

    engine = web_engine
    today = dates.today()
    missed = parse_sick_report(sick_report(first_day_of_absence=(today - timedelta(days=70)).isoformat()), today=today)
    breached = parse_sick_report(
        sick_report(first_day_of_absence="2026-05-04", expected_absence_weeks=40, employer_expected_absence_weeks=40),
        today=today,
    )
    for case in (missed, breached):
        await cases.start_case(case)
        state = await wait_until(cases, case.reference, lambda s: s.caseworker is not None)
        if state.caseworker.id != ANNA:  # the roster spreads new cases; these are Anna's
            await cases.act(CaseRef("101", case.reference), Reassignment("Test", ANNA))
    await wait_until(cases, missed.reference, lambda s: "first_meeting" in s.missed_targets, timeout=60)
    await wait_until(cases, breached.reference, lambda s: s.deadline_breached, timeout=60)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        lead = await sign_in(browser, engine, "lise.holm@jobcenter.example.dk")
        await lead.goto(engine.web + "/team")
        assert int(await lead.inner_text("#antal-maal strong")) >= 1
        assert int(await lead.inner_text("#antal-brud strong")) >= 1
        await lead.click("#antal-maal")
        await lead.wait_for_load_state()
        listed = await lead.inner_text("#team-liste")
        assert missed.reference in listed and breached.reference not in listed
        due = missed.first_day + timedelta(days=55)
        assert kortdato(due) in listed  # the date that passed, not a later one
        await axe_and_shot(lead, "13-team-maal-ikke-naaet")
        await lead.goto(engine.web + "/team?vis=brud")
        listed = await lead.inner_text("#team-liste")
        assert breached.reference in listed and missed.reference not in listed
        await lead.goto(engine.web + "/team?vis=risiko")
        body = await lead.inner_text("main")
        assert missed.reference not in body and breached.reference not in body
        # Filtered to a colleague without these cases: they are not counted.
        await lead.goto(engine.web + f"/team?vis=maal&sagsbehandler={SARA}")
        assert missed.reference not in await lead.inner_text("main")
        await browser.close()


async def test_a_move_to_a_saturday_needs_a_confirmation_that_names_the_rule(web_engine, cases, tmp_path):
    engine = web_engine
    reference = open_case(engine, ANNA, tmp_path, "loerdag")
    before = (await cases.state(CaseRef("101", reference))).meetings[0]
    day = dates.today() + timedelta(days=8)
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    when = f"{saturday.isoformat()}T10:00"
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        # A deep link to the case's move form, opened before signing in, still opens that form after it.
        context = await browser.new_context(bypass_csp=True, locale="da-DK")
        page = await context.new_page()
        await page.goto(f"{engine.web}/sager/{reference}?handling=flyt")
        assert "/login" in page.url
        await page.fill("#username", "anna.berg@jobcenter.example.dk")
        await page.fill("#password", engine.local_password)
        await page.click("main button[type=submit]")
        await page.wait_for_load_state()
        assert page.url.endswith(f"/sager/{reference}?handling=flyt")
        assert await page.get_attribute("#handling-flyt", "open") is not None
        await submit(page, "flyt", {"meeting_number": "1", "start": when})
        said = await page.inner_text("#handling-flyt")
        assert "jobcentret har lukket" in said and "uden for sagsbehandlerens arbejdstid" in said
        assert await page.evaluate("document.activeElement.id") == "fejlopsummering"
        assert (await cases.state(CaseRef("101", reference))).meetings[0].start == before.start
        await axe_and_shot(page, "14-flyt-kraever-bekraeftelse")
        await submit(page, "flyt", {"meeting_number": "1", "start": when, "confirmed": "ja"})
        assert "flyttet" in await page.inner_text("[role=status]")
        await browser.close()
    moved = (await cases.state(CaseRef("101", reference))).meetings[0]
    assert moved.start.astimezone(LOCAL_TZ).date() == saturday and moved.sequence == before.sequence + 1
    details = [
        json.loads(d)
        for (d,) in register_rows(
            engine,
            "SELECT a.detail FROM audit_events a JOIN cases c ON c.id = a.case_id WHERE c.reference = ? AND "
            "a.action = 'meeting_moved'",
            reference,
        )
    ]
    assert [d.get("confirmed_despite") for d in details] == ["closed_day,outside_hours"]


async def test_a_closed_cases_employer_link_says_only_that_it_is_closed(web_engine, cases, tmp_path):
    from domain.model import CaseEnd

    engine = web_engine
    reference = open_case(engine, ANNA, tmp_path, "lukket")
    link = employer_link(engine, reference)
    assert "Mette" in httpx.get(link).text  # open: the question, with the employee's name
    await cases.act(CaseRef("101", reference), CaseEnd("full_recovery", dates.today(), actor="test"))
    await wait_until(cases, reference, lambda s: s.phase == "closed")
    closed = httpx.get(link)
    assert closed.status_code == 410 and "Sagen er afsluttet" in closed.text
    assert "Mette" not in closed.text and sick_report()["employee"]["name"] not in closed.text
    answer = httpx.post(link, data={"answer": "ja", "nonce": "x"})
    assert answer.status_code == 410 and "Mette" not in answer.text
    # An end date in the future is refused: the case would close while the person is still off sick.
    other = open_case(engine, ANNA, tmp_path, "fremtid")
    with pytest.raises(CaseRefusal) as refused:
        await cases.act(
            CaseRef("101", other), CaseEnd("full_recovery", dates.today() + timedelta(days=7), actor="test")
        )
    assert "i fremtiden" in refused.value.message and refused.value.field == "end_date"
    assert (await cases.state(CaseRef("101", other))).phase != "closed"
