"""Debian's Chromium driven by Playwright, for tests that look at pages as an operator does.

Playwright's own browser download cannot work on these machines, so the tests launch the system's
/usr/bin/chromium (scripts/browser.sh installs Debian's package). Missing Chromium is an error, never a skip.
Screenshots go to tmp/test-output/ in the work tree (ignored by git), for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = os.environ.get("FASTHOLD_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT = Path(__file__).resolve().parent.parent / "tmp" / "test-output"


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        raise RuntimeError(f"{CHROMIUM} not found: install Debian's chromium (bash scripts/browser.sh)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
