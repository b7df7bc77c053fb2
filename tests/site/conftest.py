"""Build the shipped catalogue once per session; serve it for the browser tests."""
import functools
import http.server
import threading
from datetime import date
from pathlib import Path

import pytest

from catalogue.site import build_site
from programs import markup
from programs.loader import load_catalogue
from tests.site.hostile import write_hostile

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 12, 1)
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = "sanlitun-hostile"


@pytest.fixture(scope="session")
def today():
    """A fixed build date: the shipped summer 2026 class has ended, the 2027 ones have not."""
    return TODAY


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue(ROOT / "classes")


@pytest.fixture(scope="session")
def site(catalogue, tmp_path_factory):
    work = tmp_path_factory.mktemp("catalogue")
    return build_site(catalogue, out=work / "site", docs_dir=work / "docs", today=TODAY)


def build_hostile_site(work, target=None):
    """Build tests/site/hostile.py's program as if it had slipped past check: its markup rule is off."""
    write_hostile(work / "classes", HOSTILE, **({"target": target} if target else {}))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markup, "problems", lambda data, folder: [])
        catalogue = load_catalogue(work / "classes")
    assert catalogue.ok and catalogue.get(HOSTILE), catalogue.problems
    return build_site(catalogue, out=work / "site", docs_dir=work / "docs", today=TODAY)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory):
    return build_hostile_site(tmp_path_factory.mktemp("hostile"))


def _serve(folder):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def base_url(site):
    server = _serve(site)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="session")
def hostile_url(hostile_site):
    server = _serve(hostile_site)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture
def phone(browser):
    """A 360 px wide phone; /api/availability is unanswered unless a test routes it. Its service
    worker is blocked: requests a worker makes never reach page.route (test_offline.py has one)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN",
                                  service_workers="block")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
