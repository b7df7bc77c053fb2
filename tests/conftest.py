"""Fixtures every suite shares: one Debian Chromium for the whole run.

Playwright's sync API allows one driver per process, so the browser lives
here, once, rather than in each suite that drives it.
"""
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("NOT TESTED IN A BROWSER: Debian chromium is missing (apt-get install chromium; .ci/run does this)")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
