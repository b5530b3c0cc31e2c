"""Temporal UI of the embedded run, in a real browser: an operator finds a case and reads it decoded.

The UI's own requests reach the codec server (POST /decode?preserveStorageRefs=true with X-Namespace, after
a CORS preflight); direct requests to /decode proved nothing when the UI's were refused.
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.browser import chromium, screenshot
from tests.conftest import free_port, sick_report
from tests.e2e.test_run_and_cli import Engine
from tests.eventually import eventually


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return response.read().decode()


BANNER = "Codec Server could not connect"
TOKEN = "driftens-hemmelige-nøgle"


def start_cases(engine: Engine, tmp_path, count: int = 2) -> list[dict]:
    reports = []
    for n in range(count):
        report = sick_report()
        report["employer"]["name"] = f"Testvirksomhed {n} ApS"
        path = tmp_path / f"sag{n}.json"
        path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
        assert "er oprettet" in engine.cli("opret", str(path))
        reports.append(report)
    return reports


def find_and_open(page, ui: str, report: dict, others: list[dict]) -> None:
    """Filter the workflow list by the CaseReference search attribute, as an operator types it, and open it."""
    reference = report["case_reference"]
    page.goto(f"{ui}/namespaces/default/workflows")
    page.get_by_test_id("toggle-manual-query").click()
    query = page.get_by_placeholder("Enter a query")
    query.fill(f'CaseReference = "{reference}"')
    query.press("Enter")
    link = page.get_by_role("link", name=f"case-101-{reference}")
    link.wait_for(timeout=20_000)
    for other in others:
        assert page.get_by_role("link", name=f"case-101-{other['case_reference']}").count() == 0
    link.click()
    page.wait_for_url(re.compile(rf"/workflows/case-101-{re.escape(reference)}/"), timeout=20_000)
    page.get_by_role("heading", name=f"case-101-{reference}").wait_for(timeout=20_000)


def page_text(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("body"))


def wait_for_text(page, text: str, what: str, timeout_s: float = 20) -> None:
    eventually(
        lambda: page_text(page),
        until=lambda body: text in body,
        timeout=timeout_s,
        every=0.25,
        what=f"{what} ({text!r} on the page)",
        show=lambda body: body[:1000],
    )


def assert_decoded(page, report: dict) -> None:
    wait_for_text(page, report["employer"]["name"], "the employer's name shown decoded")
    body = page_text(page)
    assert f'"reference": "{report["case_reference"]}"' in body
    assert BANNER not in body
    assert "binary/encrypted" not in body
    # Operators read cases, never CPR numbers: the CPR number no longer enters the workflow at all (it goes from
    # the sick report to the register's identities), so it is not there to decode; the codec server's "(skjult)"
    # remains for histories of cases started before.
    assert report["employee"]["cpr"] not in body


@pytest.fixture
def engine_with(tmp_path):
    engines = []

    def start(**env):
        engine = Engine(tmp_path / f"data{len(engines)}")
        engine.env.update(env)
        engine.start()
        engines.append(engine)
        return engine

    yield start
    for engine in engines:
        if engine.process.poll() is None:
            engine.stop()


def test_an_operator_finds_a_case_and_reads_it_decoded(engine_with, tmp_path):
    metrics_port, case_metrics_port = free_port(), free_port()
    engine = engine_with(
        FASTHOLD_METRICS_PORT=str(metrics_port),
        FASTHOLD_CASE_METRICS_PORT=str(case_metrics_port),
        FASTHOLD_CASE_METRICS_REFRESH_SECONDS="1",
    )
    first, second = start_cases(engine, tmp_path)
    ui = f"http://127.0.0.1:{engine.env['FASTHOLD_TEMPORAL_UI_PORT']}"
    codec_calls = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on(
            "request",
            lambda r: (
                codec_calls.append((r.method, r.url, r.headers.get("x-namespace")))
                if f":{engine.env['FASTHOLD_CODEC_PORT']}/" in r.url
                else None
            ),
        )
        find_and_open(page, ui, second, others=[first])
        assert_decoded(page, second)
        print("screenshot:", screenshot(page, "temporal-ui-decoded"))
    posts = [c for c in codec_calls if c[0] == "POST"]
    assert posts and all(url.endswith("/decode?preserveStorageRefs=true") and ns == "default" for _, url, ns in posts)
    # The embedded run serves the metrics too, when asked to.
    assert "temporal_worker_task_slots_available" in scrape(metrics_port)
    text = eventually(
        lambda: scrape(case_metrics_port),
        timeout=30,
        every=0.5,
        what="both cases booked in the metrics",
        until=lambda text: 'fasthold_cases_open{phase="meeting_booked"} 2.0' in text,
        show=str,
    )
    assert float(re.search(r"^fasthold_tasks_open (\S+)$", text, re.M).group(1)) >= 2  # "call the employer", each


def test_with_a_codec_token_the_operator_signs_in_first(engine_with, tmp_path):
    engine = engine_with(FASTHOLD_CODEC_TOKEN=TOKEN)
    assert "/login" in engine.output  # the run command tells where to sign in
    [report] = start_cases(engine, tmp_path, count=1)
    ui = f"http://127.0.0.1:{engine.env['FASTHOLD_TEMPORAL_UI_PORT']}"
    codec = f"http://127.0.0.1:{engine.env['FASTHOLD_CODEC_PORT']}"
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        # The dev server's UI has no setting for credentials: the operator turns them on in the browser once.
        page.goto(f"{ui}/namespaces/default/workflows")
        page.get_by_label("Codec Server is configured").click()
        page.get_by_test_id("use-local-endpoint-input").check()
        page.get_by_test_id("data-encoder-endpoint-input").fill(codec)
        page.get_by_test_id("data-encoder-include-credentials").click()
        assert page.locator("#pass-access-credentials").is_checked()
        page.get_by_role("button", name="Apply").click()

        # Not signed in: nothing is decoded, and the UI says so.
        find_and_open(page, ui, report, others=[])
        try:
            wait_for_text(page, BANNER, "without the token, the UI saying the codec server refused")
        finally:
            screenshot(page, "temporal-ui-codec-refused")
        assert report["employer"]["name"] not in page_text(page)

        # A wrong token is refused; the right one signs the browser in.
        login = context.new_page()
        login.goto(f"{codec}/login")
        login.get_by_label("Adgangsnøgle").fill("gæt")
        login.get_by_role("button", name="Log ind").click()
        assert login.get_by_text("Forkert adgangsnøgle").is_visible()
        login.get_by_label("Adgangsnøgle").fill(TOKEN)
        login.get_by_role("button", name="Log ind").click()
        assert login.get_by_text("Du er logget ind").is_visible()
        assert not any(TOKEN in c["value"] for c in context.cookies())  # the cookie proves it, it is not it

        find_and_open(page, ui, report, others=[])
        assert_decoded(page, report)
        print("screenshot:", screenshot(page, "temporal-ui-decoded-with-token"))
