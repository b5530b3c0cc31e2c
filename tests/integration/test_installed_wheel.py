"""The product as it is shipped: a wheel built from the source, installed (not editable) into a fresh
environment and run from a directory outside the source tree, finds its templates, static files, migrations
and settings as package data: it renders the success report's HTML, every e-mail kind and the workbench's
pages (a sign-in page and a static file served by the installed web app). A data file read relative to the source
tree, or left out of pyproject's package data,
fails here."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_SHIPPED = shutil.ignore_patterns(
    ".venv",
    ".git",
    "data",
    "tmp",
    "build",
    "tests",
    "bench",
    "*.egg-info",
    "__pycache__",
    "node_modules",
    "test-output",
)

RUN_INSTALLED = textwrap.dedent("""
    import sys
    from datetime import date
    from importlib import resources
    from pathlib import Path


    import config.settings, mailing.rendering, reporting.report, web
    installed = Path(sys.argv[1]).resolve()
    for module in (config.settings, mailing.rendering, reporting.report, web):
        assert installed in Path(module.__file__).resolve().parents, (module.__name__, module.__file__)

    from reporting.report import CaseFacts, FirstMeeting, Person, compute_report
    from reporting.render import render
    facts = [CaseFacts(reference="R1", caseworker_id="cw-a", track="workplace", first_day=date(2026, 1, 5),
                       first_meeting_due=date(2026, 3, 1), opened_on=date(2026, 1, 12), closed=False,
                       ended_on=None, end_type=None, outcome=None,
                       first_meeting=FirstMeeting(date(2026, 2, 10), True, True), measure_before_week_13=True,
                       breach_recorded=False)]
    report = compute_report(facts, {"cw-a": Person("Anna", "t-1", "Team Nord")}, municipality="101",
                            start=date(2026, 1, 1), end=date(2026, 3, 31), today=date(2026, 6, 20))
    page = render(report, "html")
    assert "<svg" in page and "Team Nord" in page and "box-sizing" in page, page[:500]

    from mailing.rendering import _html_env, _text_env, kinds
    assert len(kinds()) >= 10, kinds()
    for kind in kinds():
        _text_env().get_template(f"{kind}/subject.txt")
        _text_env().get_template(f"{kind}/body.txt")
        _html_env().get_template(f"{kind}/body.html")

    settings = config.settings.load_settings()
    assert settings.task_queue == "fastholdelse", settings.task_queue
    from register.db import upgrade
    upgrade(settings.resolved_database_url)  # the migrations are package data too

    from starlette.testclient import TestClient
    from web.app import Web, create_app
    pages = Web(settings).templates
    names = pages.list_templates()
    assert "case.html" in names and "report.html" in names, names
    for name in names:
        pages.get_template(name)
    with TestClient(create_app(settings, client=object())) as browser:
        login = browser.get("/login")
        assert login.status_code == 200 and "Log ind" in login.text, login.text[:500]
        css = browser.get("/static/workbench.css")
        assert css.status_code == 200 and len(css.text) > 100
    print("installed product works:", len(page), "bytes of report,", len(kinds()), "mail kinds,", len(names),
          "pages")
""")


def test_the_installed_wheel_finds_its_package_data(tmp_path):
    source, dist, site = tmp_path / "source", tmp_path / "dist", tmp_path / "venv"
    shutil.copytree(ROOT, source, ignore=NOT_SHIPPED)
    # Built as `pip install .` builds it (the Dockerfile's install), with pyproject's build requirements.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), str(source)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
        timeout=600,
    )
    (wheel,) = dist.glob("fastholdelse-*.whl")
    # A fresh environment: its own site-packages for the product, the test environment's libraries behind it
    # through a .pth line (a .pth in a directory added that way is not read, so the editable install of the
    # source tree stays out).
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(site)], check=True, timeout=120)
    purelib = Path(
        subprocess.run(
            [str(site / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (purelib / "libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-compile",
            "--target",
            str(purelib),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [str(site / "bin" / "python"), "-c", RUN_INSTALLED, str(purelib)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FASTHOLD_DATA_DIR": str(tmp_path / "data")},
    )
    assert done.returncode == 0, done.stderr
    assert "installed product works" in done.stdout
