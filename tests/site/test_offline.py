"""Offline reading and honest counts, in real Chromium against `make run`'s one-port server
(gunicorn running forms_app.devserver over the built catalogue, the shipped classes and a
real SQLite file): the service worker keeps what a parent has seen readable without a
network, marks old places 上次更新, never keeps a personal page, and the parent who has just
enrolled sees the new count at once."""

import re
import time
from urllib.parse import urlsplit

import pytest
import requests
import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from catalogue.site import CONFIG_FILE, build_site
from tests.app.helpers import Server
from tests.hardening.test_staff_isolation import OnePortServer
from tests.site.conftest import ROOT, TODAY, _serve
from tests.site.test_browser import WECHAT

NIGHT_SCHOOL = "/classes/xinyu-youth-night-school-2027-spring/"
SUNHE = "/classes/sunhe-2027-winter/"
SAVED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(request.url);
  }
  return urls;
}"""


@pytest.fixture(scope="module")
def one_port(site, tmp_path_factory):
    work = tmp_path_factory.mktemp("one-port")
    running = OnePortServer(
        {
            "FORMS_APP_DATABASE": str(work / "forms.sqlite3"),
            "FORMS_APP_CLASSES_DIR": str(ROOT / "classes"),
            "FORMS_APP_SECRET_KEY": "test-only-key",
            "FORMS_APP_RATELIMIT_ENABLED": "false",
            "FORMS_APP_VERIFY_PHONE": "false",
            "FORMS_APP_PUBLISH_DIR": str(work / "published"),
        },
        site,
    ).start()
    yield running
    running.stop()


@pytest.fixture
def parent(browser):
    """WeChat on a 360 px phone, service workers allowed (the default)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", user_agent=WECHAT, is_mobile=True)
    page = context.new_page()
    yield context, page
    context.close()


def saved(page):
    return page.evaluate(SAVED_URLS)


def wait_until_saved(page, *paths, seconds=15):
    """The worker saves in the background; wait until the cache itself holds every path, and until
    the page has stopped loading (a parent does not lose signal within the same instant; a save
    still under way when the page is reloaded offline can leave the saved places empty). Polled
    from here: wait_for_function takes the Promise that reading Cache Storage gives for a truthy
    answer and would not wait at all."""
    page.wait_for_load_state("networkidle")
    deadline = time.monotonic() + seconds
    while True:
        urls = saved(page)
        missing = set(paths) - {urlsplit(url).path for url in urls}
        if not missing:
            break
        if time.monotonic() > deadline:
            pytest.fail(f"not saved within {seconds} s: {sorted(missing)}; saved: {urls}")
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")


def wait_until_stale(page, cell):
    """Wait until `cell` says 上次更新; when it never does, say what it read and what was saved."""
    try:
        cell.filter(has_text="上次更新").wait_for()
    except PlaywrightTimeout:
        pytest.fail(f"offline the cell reads {cell.inner_text()!r}; saved: {saved(page)}")


def later(context, page):
    """Time passes: the browser's HTTP cache (availability may be kept 5 s) forgets what it held.
    What the service worker saved, in Cache Storage, stays."""
    context.new_cdp_session(page).send("Network.clearBrowserCache")


def enrol_in_the_form(page):
    page.fill("#name", "孙小雨")
    page.fill("#birthdate", "2018-03-01")
    page.fill("#guardian_name", "孙建国")
    page.fill("#phone", "13912345678")
    page.fill("#employer", "孙河乡人民政府")
    page.check("#answers-both-working")
    page.check("#consent")
    page.click("form button[type=submit]")
    page.wait_for_url("**/r/**")


def test_a_program_page_reads_offline_with_its_places_marked_stale(parent, one_port):
    context, page = parent
    page.goto(one_port.url + NIGHT_SCHOOL)
    media = page.locator('[data-places="xinyu-youth-night-school-2027-spring/spring-media"]')
    media.filter(has_text="50 个").wait_for()
    assert "上次更新" not in media.inner_text()
    wait_until_saved(page, NIGHT_SCHOOL, NIGHT_SCHOOL + "poster.html", "/api/availability", "/assets/places.js")

    later(context, page)
    context.set_offline(True)
    page.reload()
    assert "新余市总工会青年夜校" in page.locator("h1").inner_text()
    wait_until_stale(page, media)
    assert re.fullmatch(r"50 个（上次更新 \d\d:\d\d）", media.inner_text()), media.inner_text()
    total = page.locator('[data-places="xinyu-youth-night-school-2027-spring"]').inner_text()
    assert re.fullmatch(r"剩余 110 个名额（上次更新 \d\d:\d\d）", total), total

    page.goto(one_port.url + NIGHT_SCHOOL + "poster.html")
    assert page.locator("section.enrol svg").count() == 1 and "报名方式" in page.inner_text("body")
    page.goto(one_port.url + "/tags/")
    assert "网络不通" in page.inner_text("h1")


def test_the_home_page_reads_offline_with_its_filters(parent, one_port):
    context, page = parent
    page.goto(one_port.url + "/?age=8")
    wait_until_saved(page, "/", "/assets/filters.js")
    later(context, page)
    context.set_offline(True)
    page.reload()
    assert page.locator(".cat-count").inner_text() == "共 5 个班"
    assert "age=8" in page.url


def test_the_enrolling_browser_sees_its_own_place_taken_and_keeps_no_personal_page(parent, one_port):
    context, page = parent
    page.goto(one_port.url + SUNHE)
    cell = page.locator('[data-places="sunhe-2027-winter/winter"]')
    cell.filter(has_text="个").wait_for()
    before = int(re.search(r"\d+", cell.inner_text()).group())
    page.click('a[data-enrol="sunhe-2027-winter/winter"]')
    page.wait_for_url("**/enrol/sunhe-2027-winter/winter")
    enrol_in_the_form(page)
    result = page.url
    assert "报名成功" in page.inner_text("main, body")

    # Straight back to the catalogue, well inside the 5 s the API lets caches keep its answer.
    page.goto(one_port.url + SUNHE)
    cell.filter(has_text=f"{before - 1} 个").wait_for(timeout=5000)

    page.goto(one_port.url + "/lookup")
    page.goto(result)
    page.goto(one_port.url + "/")
    wait_until_saved(page, "/", SUNHE)
    urls = saved(page)
    personal = [u for u in urls if re.match(r"^/(r|enrol|staff|lookup|s)(/|$)", _path(u))]
    assert personal == [], personal
    assert [u for u in urls if _path(u).startswith("/api/")] == [one_port.url + "/api/availability"]


def _path(url):
    return re.sub(r"^https?://[^/]+", "", url)


def test_a_lottery_card_counts_the_entries_the_app_holds(parent, one_port):
    """Before the draw every entry is drawn: the card says how many entered against the places,
    counted by the real app from the real database, never 剩余 N 个名额."""
    context, page = parent
    for n, name in enumerate(["李小雨", "李小风"]):
        body = {
            "program": "sanlitun-2027-winter",
            "session": "winter",
            "name": name,
            "birthdate": "2018-05-0%d" % (n + 1),
            "guardian_name": "李建国",
            "phone": "1391234560%d" % n,
            "employer": "三里屯街道办事处",
            "answers": {},
            "consent": True,
        }
        answer = requests.post(one_port.url + "/api/enrolments", json=body, timeout=30)
        assert answer.status_code == 201 and answer.json()["status"] == "lottery", answer.text
    page.goto(one_port.url + "/")
    card = page.locator('.cat-card [data-places="sanlitun-2027-winter"]')
    card.filter(has_text="已报名").wait_for()
    assert card.inner_text() == "已报名 2 人 / 名额 25"
    page.goto(one_port.url + "/classes/sanlitun-2027-winter/")
    cell = page.locator('[data-places="sanlitun-2027-winter/winter"]')
    cell.filter(has_text="已报名").wait_for()
    assert cell.inner_text() == "已报名 2 人 / 名额 25"


@pytest.fixture(scope="module")
def two_origins(catalogue, tmp_path_factory):
    """Production as docs/deployment.md lays it out: the static site from a plain file server on
    one origin, the app under gunicorn on another (extra.enrol_base names it, and its
    FORMS_APP_SITE_ORIGIN lets the site read /api/availability)."""
    work = tmp_path_factory.mktemp("two-origins")
    (work / "site").mkdir()
    static = _serve(work / "site")
    site_origin = f"http://127.0.0.1:{static.server_port}"
    app = Server(
        {
            "FORMS_APP_DATABASE": str(work / "forms.sqlite3"),
            "FORMS_APP_CLASSES_DIR": str(ROOT / "classes"),
            "FORMS_APP_SECRET_KEY": "test-only-key",
            "FORMS_APP_RATELIMIT_ENABLED": "false",
            "FORMS_APP_PUBLISH_DIR": str(work / "published"),
            "FORMS_APP_SITE_ORIGIN": site_origin,
        },
        workers=1,
    )
    config = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    config["theme"]["custom_dir"] = str(ROOT / config["theme"]["custom_dir"])
    config["hooks"] = [str(ROOT / hook) for hook in config["hooks"]]
    config["plugins"][0]["search"]["jieba_dict_user"] = str(ROOT / config["plugins"][0]["search"]["jieba_dict_user"])
    config["extra"]["enrol_base"] = app.url
    (work / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    build_site(catalogue, out=work / "site", docs_dir=work / "docs", config_file=work / "mkdocs.yml", today=TODAY)
    app.start()
    yield site_origin
    app.stop()
    static.shutdown()


def test_offline_places_from_the_apps_own_origin(parent, two_origins):
    context, page = parent
    page.goto(two_origins + NIGHT_SCHOOL)
    media = page.locator('[data-places="xinyu-youth-night-school-2027-spring/spring-media"]')
    media.filter(has_text="50 个").wait_for()
    wait_until_saved(page, NIGHT_SCHOOL, "/api/availability", "/assets/places.js")
    later(context, page)
    context.set_offline(True)
    page.reload()
    wait_until_stale(page, media)
    assert re.fullmatch(r"50 个（上次更新 \d\d:\d\d）", media.inner_text()), media.inner_text()
