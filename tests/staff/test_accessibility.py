"""axe-core in real Chromium at 360 px, light and dark: every page of the staff console has
no WCAG 2.1 A/AA violation, from the login page to the confirmation asked before a draw.

The markup is the same whichever database is underneath, so these run on SQLite only
(`database` narrowed below), against gunicorn as in production.
"""

from datetime import datetime, timedelta

import pytest

from programs.model import SHANGHAI
from tests.app.test_catalogue import break_file
from tests.axe import every_scheme, report
from tests.staff.conftest import PASSWORD, enrol

ROSTER = "/staff/sessions/wangjing-winter/week-1"
LOTTERY = "/staff/sessions/wangjing-lottery/week-1"


@pytest.fixture
def more_classes(classes):
    """A closed lottery to draw and a file that never passed its checks, written before the app loads."""
    now = datetime.now(SHANGHAI)
    classes.write("wangjing-lottery", mode="lottery", opens=now - timedelta(days=5), closes=now - timedelta(hours=1))
    break_file(classes, "wangjing-broken")
    return classes


def log_in(page, url, username):
    page.goto(url + "/staff/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/staff/")


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_every_staff_page_has_no_axe_violation(more_classes, app, serve, phone, axe_source):
    first = enrol(app, "王小明")
    enrol(app, "李小红", phone="13912340002")
    waiting = enrol(app, "张小刚", phone="13912340003")
    server = serve()
    found = {}

    phone.goto(server.url + "/staff/login")
    every_scheme(phone, axe_source, "登录", found)
    phone.fill("#username", "wj")
    phone.fill("#password", "wrong password")
    phone.click("form.card button[type=submit]")
    assert "用户名或密码错误" in phone.content()
    every_scheme(phone, axe_source, "登录（密码错误）", found)

    log_in(phone, server.url, "wj")
    assert "班级文件有问题" in phone.content()
    every_scheme(phone, axe_source, "我的班（含有问题的文件）", found)
    pages = {
        "名单": ROSTER,
        "报名人": f"{ROSTER}/people/{first.id}",
        "候补的报名人": f"{ROSTER}/people/{waiting.id}",
        "签到日期": f"{ROSTER}/attendance",
        "操作记录": f"{ROSTER}/audit",
        "摇号名单": LOTTERY,
        "修改密码": "/staff/password",
        "班级文件": "/staff/programs/",
        "编辑班级文件（有问题）": "/staff/programs/wangjing-broken/edit",
        "找不到页面": "/staff/sessions/no-such-class/week-1",
    }
    for label, path in pages.items():
        phone.goto(server.url + path)
        every_scheme(phone, axe_source, label, found)

    phone.goto(server.url + f"{ROSTER}/attendance")
    phone.locator(".days a").first.click()
    every_scheme(phone, axe_source, "签到", found)
    phone.locator(f"#e{first.id} button.present").click()
    phone.wait_for_load_state()
    every_scheme(phone, axe_source, "签到（已到）", found)
    phone.click("text=打印签到表")
    every_scheme(phone, axe_source, "签到表", found)

    phone.goto(server.url + ROSTER)
    phone.fill("input[type=search]", "王")
    phone.locator("form.search button").click()
    phone.wait_for_load_state()
    every_scheme(phone, axe_source, "名单（搜索）", found)

    phone.goto(server.url + f"{ROSTER}/people/{first.id}")
    phone.click("text=取消报名")
    phone.wait_for_selector("input[name=confirmed]", state="attached")
    every_scheme(phone, axe_source, "确认取消报名", found)

    phone.goto(server.url + "/staff/programs/wangjing-winter/edit")
    phone.click("button[value=preview]")
    phone.wait_for_selector("#preview")
    every_scheme(phone, axe_source, "编辑班级文件（预览）", found)

    phone.goto(server.url + LOTTERY)
    phone.click("text=开始摇号")
    phone.wait_for_selector("input[name=confirmed]", state="attached")
    every_scheme(phone, axe_source, "确认摇号", found)
    phone.click("form.card button[type=submit]")
    phone.wait_for_load_state()
    assert "种子" in phone.inner_text("section.lottery")
    every_scheme(phone, axe_source, "摇号名单（已摇号）", found)

    admin = phone.context.browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN").new_page()
    try:
        log_in(admin, server.url, "district")
        every_scheme(admin, axe_source, "全部班级（区管理员）", found)
        admin.goto(server.url + "/staff/accounts")
        every_scheme(admin, axe_source, "工作人员账号", found)
    finally:
        admin.context.close()

    assert found == {}, report(found)
