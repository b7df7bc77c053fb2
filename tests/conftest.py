"""Fixtures every suite shares: one Debian Chromium for the whole run, and
a PostgreSQL schema per test.

Playwright's sync API allows one driver per process, so the browser lives
here, once, rather than in each suite that drives it. PostgreSQL tests run
against a real server on 127.0.0.1 (scripts/ensure-postgres starts or
installs one); each test gets its own schema, dropped afterwards, so
engineers and CI can run the suites at once against the same database.
"""

import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from tests import axe
from tests.app.helpers import ROOT

CHROMIUM = Path("/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    """A test marked sqlite_only is about SQLite itself (its file, its pragmas): it runs
    once, with the SQLite `database`, not again on PostgreSQL."""
    on_postgres = [
        item
        for item in items
        if item.get_closest_marker("sqlite_only")
        and getattr(item, "callspec", None)
        and item.callspec.params.get("database") == "postgresql"
    ]
    if on_postgres:
        config.hook.pytest_deselected(items=on_postgres)
        dropped = set(on_postgres)
        items[:] = [item for item in items if item not in dropped]


@pytest.fixture(autouse=True)
def phones_unverified_unless_a_test_asks(monkeypatch):
    """Phone verification (FORMS_APP_VERIFY_PHONE) defaults on in the app; the suites written before it
    test admission, not SMS codes, so they run with it off, in-process and in any gunicorn they start.
    tests/messaging turns it on, through the app's config, which wins over this."""
    monkeypatch.setenv("FORMS_APP_VERIFY_PHONE", "false")


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("NOT TESTED IN A BROWSER: Debian chromium is missing (apt-get install chromium; .ci/run does this)")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A 360 px wide phone in Chinese, the screen parents and street staff use (tests/site has its own,
    with the catalogue's service worker blocked)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's source for tests/axe.violations, or a NOT TESTED skip without it."""
    return axe.axe_source()


SERVER = os.environ.get("FORMS_APP_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_server():
    """The test server's URL once it answers; a loud skip where this machine can have none."""
    subprocess.run([str(ROOT / "scripts" / "ensure-postgres")], check=False)
    try:
        psycopg.connect(SERVER, connect_timeout=5).close()
    except psycopg.OperationalError as error:
        pytest.skip(f"NOT TESTED ON POSTGRESQL: {SERVER} did not answer and scripts/ensure-postgres could not start one ({error})")
    return SERVER


@pytest.fixture
def postgres_url(postgres_server):
    """A URL whose connections see only a fresh schema of their own."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{postgres_server}?options={quote(f'-c search_path={schema}')}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
