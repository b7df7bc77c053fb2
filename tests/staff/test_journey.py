"""Issue #17's done-when, in real Chromium at phone and desktop width against `make run`'s one-port
server: after the district admin's account exists, nobody touches a shell.

The admin creates an organizer account in the browser; the new account logs in, creates a program
from the template with three typical mistakes, sees each message at its box (phone, the form view)
or line (desktop, the YAML text view), fixes them, previews,
publishes; the catalogue site is rebuilt in the background, the page is found there and a parent
enrols a child in its session. At phone width the test saves the screenshots docs/staff.md shows.
"""

import os
import re
import time
from datetime import timedelta

import pytest
import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from forms_app import backups
from forms_app.clock import now
from forms_app.db import get_db
from forms_app.staff import accounts
from tests.app.helpers import ROOT, START, TODAY, OnePortServer, fill_in_browser
from tests.staff.conftest import PASSWORD, WANGJING

SCREENSHOTS = ROOT / "docs" / "images" / "staff"
NEW_PASSWORD = "wangjing li 2027 summer"
GOOD = {
    "title": "望京街道总工会暑期职工子女托管班",
    "district": "北京市朝阳区",
    "street": "望京街道",
    "summary": "暑假白天托管，老师带着写作业、读书和做手工。",
    "description": "  每天上午写作业，下午读书、做手工。",
    "- name": "阅读与手工",
    "description ": "老师带着读绘本、做手工",
    "teacher": "李老师",
    "name": "望京街道职工之家",
    "address": "北京市朝阳区望京街道阜通东大街 6 号",
    "name ": "王老师",
    "phone": "010-84701234",
    "fee": "0",
    "start": START.isoformat(),
    "end": (START + timedelta(days=11)).isoformat(),
    "capacity": "30",
    "opens": (TODAY - timedelta(days=1)).isoformat() + " 09:00",
    "closes": (START - timedelta(days=5)).isoformat() + " 17:00",
    "eligibility": "辖区在职职工的子女",
    "status": "published",
}
# The form view's box for each of those the form shows (the rest are edited in the text view).
BOXES = {
    "title": "f-title",
    "district": "f-district",
    "street": "f-street",
    "summary": "f-summary",
    "name": "f-location-name",
    "address": "f-location-address",
    "name ": "f-contact-name",
    "phone": "f-contact-phone",
    "fee": "f-fee",
    "start": "f-sessions-0-start",
    "end": "f-sessions-0-end",
    "capacity": "f-sessions-0-capacity",
    "opens": "f-registration-opens",
    "closes": "f-registration-closes",
    "eligibility": "f-registration-eligibility",
    "status": "f-status",
}
# Three mistakes staff really make (the README's examples): a fee with its unit, a day that does
# not exist, an approximate number of places; and what `check` says about each.
MISTAKES = {
    "fee": ("50元/天", "fee（费用）"),
    "start": ("2027-02-30", "不是有效的日期"),
    "capacity": ("约30人", "要写确定的名额数"),
}


def filled(template, values):
    """The template with each line's value replaced, keys taken in order (a trailing space marks a
    key's second appearance, as `name` is both the location's and the contact's)."""
    lines = template.split("\n")
    for key, value in values.items():
        bare = key.rstrip()
        nth = len(key) - len(bare)
        matches = [i for i, line in enumerate(lines) if re.match(rf"\s*{re.escape(bare)}:", line)]
        if bare == "description" and not nth:
            at = matches[0] + 1  # the block scalar's content line
            lines[at] = value
            continue
        at = matches[nth]
        indent, rest = re.match(rf"(\s*{re.escape(bare)}:)\s*(.*)", lines[at]).groups()
        comment = rest[rest.index("#") :] if "#" in rest else ""
        lines[at] = f"{indent} {value}   {comment}".rstrip()
    return "\n".join(lines)


@pytest.fixture
def server(make_app, classes, database, tmp_path):
    app = make_app()
    with app.app_context():
        get_db().save_staff(accounts.new_account("district", PASSWORD, None, True))
    site, backups_folder = tmp_path / "site", tmp_path / "backups"
    backups_folder.mkdir()
    if not str(database).startswith("postgresql://"):  # PostgreSQL is backed up with pg_dump, not from the app
        with app.app_context():
            get_db().backup(str(backups.target(backups_folder, now())))
    running = OnePortServer(
        {
            "FORMS_APP_DATABASE": str(database),
            "FORMS_APP_CLASSES_DIR": str(classes.path),
            "FORMS_APP_SECRET_KEY": "test-only-key",
            "FORMS_APP_RATELIMIT_ENABLED": "false",
            "FORMS_APP_SITE_OUT": str(site),
            "FORMS_APP_BACKUP_DIR": str(backups_folder),
        },
        site,
        workers=2,
    ).start()
    yield running
    running.stop()


def fits(page):
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.tagName + '#' + e.id + '.' + e.className + ':' + e.textContent.slice(0, 40))"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), wide
    return True


def shoot(page, name, phone):
    """Phone-width shots only, of the screen the reader sees (not the whole long page), for docs/staff.md.
    A run refreshes the committed pictures only with UPDATE_SCREENSHOTS=1 (or when one is missing), so
    `make test` leaves the working tree as it found it."""
    if phone:
        picture = page.screenshot()
        target = SCREENSHOTS / f"{name}.png"
        if os.environ.get("UPDATE_SCREENSHOTS") == "1" or not target.exists():
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            target.write_bytes(picture)


def fill_boxes(page, values):
    """Box after box as a person fills them: moving on from a changed box checks the form (a page load)
    and the cursor comes back in the box moved to. The browser applies `autofocus` at a rendering
    opportunity after the load, not at it, so the cursor is waited for, within a second."""
    boxes = list(values.items())
    for (box, value), (following, _) in zip(boxes, boxes[1:] + [(None, None)]):
        page.fill(f"#{box}", value)
        if following:
            with page.expect_navigation():
                page.focus(f"#{following}")
            try:
                page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=following, timeout=1000)
            except PlaywrightTimeout:
                pytest.fail(f"after the check the cursor is in {page.evaluate('document.activeElement.id')!r}, not {following!r}")


def log_in(page, url, username, password):
    page.goto(url + "/staff/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/")


@pytest.mark.parametrize("width", [360, 1280], ids=["phone", "desktop"])
def test_a_new_organizer_account_publishes_a_program_and_a_parent_enrols_without_a_shell(browser, server, classes, width):
    phone = width == 360
    context = browser.new_context(viewport={"width": width, "height": 740 if phone else 900}, locale="zh-CN")
    page = context.new_page()
    try:
        # The admin creates the organizer's account in the browser.
        log_in(page, server.url, "district", PASSWORD)
        page.click("text=工作人员账号")
        page.fill("#username", "wangjing-li")
        page.select_option("#organizer", label=WANGJING)
        page.fill("#password", PASSWORD)
        shoot(page, "accounts", phone)
        page.click("text=建立账号")
        assert "已建立账号 wangjing-li" in page.locator(".flash").inner_text()
        assert fits(page)
        page.click("text=工作人员后台")
        page.click("text=个人信息与备份")
        assert "保存期限" in page.locator("#retention").inner_text() and "数据库备份" in page.locator("#backup").inner_text()
        assert fits(page)
        shoot(page, "data", phone and "最近一次备份" in page.locator("#backup").inner_text())
        page.click("header button.link")

        # The new account logs in and changes the password it was given.
        log_in(page, server.url, "wangjing-li", PASSWORD)
        page.click("text=修改我的密码")
        page.fill("#current", PASSWORD)
        page.fill("#password", NEW_PASSWORD)
        page.fill("#again", NEW_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url("**/staff/login")
        assert "密码已修改" in page.locator(".flash").inner_text()
        log_in(page, server.url, "wangjing-li", NEW_PASSWORD)
        shoot(page, "dashboard", phone)

        # A program from the template, with three typical mistakes.
        page.click("text=新建或修改班级文件")
        page.fill("#program_id", "wangjing-summer")
        shoot(page, "new-program", phone)
        page.click("text=用模板新建")
        template = page.input_value("#text")
        assert "【待填写】" in template and f"organizer: {WANGJING}" in template
        good = filled(template, GOOD)
        bad = filled(template, {**GOOD, **{key: wrong for key, (wrong, _) in MISTAKES.items()}})
        lines = bad.split("\n")
        numbers = {
            key: next(n for n, line in enumerate(lines, 1) if re.match(rf"\s*{key}: {re.escape(wrong)}", line))
            for key, (wrong, _) in MISTAKES.items()
        }
        if phone:  # the form view for the common fields, the text view for the rest
            page.fill("#text", filled(template, {key: value for key, value in GOOD.items() if key not in BOXES}))
            shoot(page, "yaml-view", phone)
            with page.expect_navigation():  # until its script is listening
                page.click("button[value=form]")
            fill_boxes(page, {box: MISTAKES[key][0] if key in MISTAKES else GOOD[key] for key, box in BOXES.items()})
        else:
            page.fill("#text", bad)
        page.click("button[value=check]")
        assert "有 3 个问题" in page.locator("#problems").inner_text()
        for key, (_wrong, words) in MISTAKES.items():
            at = page.locator(f".field:has(#{BOXES[key]})") if phone else page.locator(f"#line-{numbers[key]}")
            message = at.locator(".message")
            assert f"第 {numbers[key]} 行" in message.inner_text() and words in message.inner_text(), key
        assert fits(page)
        page.locator("#problems").scroll_into_view_if_needed()
        shoot(page, "problems", phone)
        page.locator(".flagged").first.scroll_into_view_if_needed()
        shoot(page, "problem-at-field", phone)

        # Fixed, previewed, published.
        if phone:
            fill_boxes(page, {BOXES[key]: GOOD[key] for key in MISTAKES})
        else:
            page.fill("#text", good)
        page.click("button[value=preview]")
        assert "检查通过" in page.locator("#passed").inner_text()
        assert GOOD["title"] in page.locator("#preview").inner_text()
        page.locator("#preview").scroll_into_view_if_needed()
        shoot(page, "preview", phone)
        page.click("button[value=publish]")
        page.wait_for_url(f"**/staff/programs/wangjing-summer/{'form' if phone else 'edit'}")
        assert "目录网站正在后台重新生成" in page.locator(".flash").inner_text()
        published = (classes.path / "wangjing-summer.yaml").read_text(encoding="utf-8")
        assert yaml.safe_load(published) == yaml.safe_load(good) and (phone or published == good)

        # The rebuilt catalogue lists it; its 报名 button opens the session's form.
        for _ in range(240):
            home = page.goto(server.url + "/")
            if home.status == 200 and GOOD["title"] in page.content():
                break
            time.sleep(0.5)
        page.click(f"text={GOOD['title']}")
        page.wait_for_url("**/classes/wangjing-summer/")
        shoot(page, "catalogue-page", phone)
        page.locator('a[href*="/enrol/wangjing-summer/session-1"]').first.click()
        page.wait_for_url("**/enrol/wangjing-summer/session-1")
        fill_in_browser(page, lunch=False)
        page.click("text=提交报名")
        page.wait_for_load_state()
        assert "报名成功" in page.content()
    finally:
        context.close()
