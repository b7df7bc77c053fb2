"""Issue #13's attack, replayed in real Chromium against `make run`'s one-port server.

A union writes a program file whose page tries to read another union's
roster export from a logged-in staff browser on the same origin. The page
must run none of it, and even a script that did run (played here through
Playwright, past the page's policy) must get no staff data.
"""

import time

import pytest

from forms_app.db import get_db
from forms_app.staff import accounts, auth
from tests.app.helpers import OnePortServer
from tests.site.conftest import HOSTILE, build_hostile_site
from tests.site.hostile import EXPORT, steal
from tests.site.scan import RECORD_VIOLATIONS
from tests.staff.conftest import PASSWORD, SANLITUN, WANGJING, enrol

ROSTER = "/staff/sessions/wangjing-winter/week-1"


@pytest.fixture
def server(make_app, classes, database, tmp_path):
    classes.write("sanlitun-winter", organizer=SANLITUN, title="三里屯街道寒假托管班")
    app = make_app()
    with app.app_context():
        get_db().save_staff(accounts.new_account("wj", PASSWORD, WANGJING, False))
    enrol(app, "王小明")
    site = build_hostile_site(tmp_path / "catalogue", target=EXPORT)
    running = OnePortServer(
        {
            "FORMS_APP_DATABASE": str(database),
            "FORMS_APP_CLASSES_DIR": str(classes.path),
            "FORMS_APP_SECRET_KEY": "test-only-key",
            "FORMS_APP_RATELIMIT_ENABLED": "false",
        },
        site,
    ).start()
    yield running
    running.stop()


@pytest.fixture
def staff_browser(browser, server):
    """A 望京 staff member's browser, logged in to the console."""
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.goto(server.url + "/staff/login")
    page.fill("#username", "wj")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")
    yield context, page
    context.close()


def pwned(page):
    return page.evaluate("window.__pwned === undefined ? null : String(window.__pwned)")


def test_the_login_cookie_is_the_consoles_own(staff_browser):
    context, _ = staff_browser
    [cookie] = context.cookies()
    assert (cookie["name"], cookie["path"], cookie["sameSite"], cookie["httpOnly"]) == ("staff_session", "/staff/", "Strict", True)


def test_a_hostile_program_page_cannot_read_another_unions_export(staff_browser, server):
    context, page = staff_browser
    page.goto(f"{server.url}/classes/{HOSTILE}/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert pwned(page) is None
    assert page.locator("h1").inner_text().startswith("<script>")
    # The payload as a live inline script, as if escaping had let it through: the page's policy refuses it.
    page.evaluate(f"""() => {{
      const script = document.createElement("script");
      script.textContent = {steal(EXPORT)!r};
      document.body.append(script);
    }}""")
    page.wait_for_function("window.__violations.length > 0")
    page.wait_for_timeout(500)
    assert pwned(page) is None and "script-src-elem inline" in page.evaluate("window.__violations")

    # Suppose a script had got through: same origin, the staff member's cookies, and still nothing.
    stolen = page.evaluate(f"""async () => {{
      const answer = await fetch({EXPORT!r}, {{credentials: "include"}});
      return [answer.status, await answer.text()];
    }}""")
    assert stolen[0] == 403 and "王小明" not in stolen[1]
    opened = page.evaluate(f"""() => new Promise((resolve) => {{
      const popup = window.open({ROSTER!r});
      setTimeout(() => {{
        try {{ resolve(popup && popup.document ? popup.document.body.innerText : "no handle") }}
        catch (error) {{ resolve("refused: " + error.name) }}
      }}, 3000);
    }})""")
    assert "王小明" not in opened


def test_the_console_itself_still_works(staff_browser, server):
    _, page = staff_browser
    response = page.goto(server.url + ROSTER)
    assert response.headers["cross-origin-resource-policy"] == "same-origin"
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert "王小明" in page.content()
    with page.expect_download() as download:
        page.click("text=导出 CSV")
    assert "王小明" in open(download.value.path(), encoding="utf-8-sig").read()


FETCH = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"}
FRAME = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe"}
CLICK = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}


def test_console_answers_navigations_only(client):
    assert client.get("/staff/login", headers=FETCH).status_code == 403
    assert client.get("/staff/login", headers=FRAME).status_code == 403
    assert client.get("/staff/login", headers={**FETCH, "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}).status_code == 403
    page = client.get("/staff/login", headers=CLICK)
    assert page.status_code == 200 and "用户名" in page.get_data(as_text=True)
    assert page.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert client.get("/staff/login").status_code == 200  # a browser without Fetch Metadata
    # Parents' pages and the API are not the console: places.js still reads availability by fetch.
    assert client.get("/api/availability", headers=FETCH).status_code == 200


def test_console_answers_only_on_its_own_host_when_one_is_set(make_app):
    client = make_app(STAFF_HOST="houtai.example.cn").test_client()
    assert client.get("/staff/login", base_url="http://baoming.example.cn").status_code == 404
    assert client.get("/staff/login", base_url="http://houtai.example.cn").status_code == 200
    assert client.get("/enrol/wangjing-winter/week-1", base_url="http://baoming.example.cn").status_code == 200


def test_a_parents_session_cookie_is_never_accepted_as_a_staff_one(make_app):
    """Both cookies are signed with one key; the salts differ, so one cannot stand in for the other."""
    app = make_app()
    with app.app_context():
        account = accounts.new_account("wj", PASSWORD, WANGJING, False)
        get_db().save_staff(account)
    logged_in = {"staff": "wj", "staff_key": auth._fingerprint(account), "staff_gen": account.generation, "staff_since": time.time()}

    def signed_as(path):
        with app.test_request_context(path):
            return app.session_interface.get_signing_serializer(app).dumps(logged_in)

    client = app.test_client()
    client.get("/enrol/wangjing-winter/week-1")
    assert client.get_cookie("session", path="/") is not None and client.get_cookie("staff_session", path="/staff/") is None
    client.set_cookie("staff_session", signed_as("/enrol/wangjing-winter/week-1"), path="/staff/")
    assert client.get("/staff/").status_code == 303
    client.set_cookie("staff_session", signed_as("/staff/"), path="/staff/")
    assert client.get("/staff/").status_code == 200
