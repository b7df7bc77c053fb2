"""Rosters as teachers use them: age on the first day, 是/否, no one-character-per-line
names on a phone, and a print button on the sign-in sheet wired without inline script."""

import re

from tests.staff.conftest import PASSWORD, enrol

DAYS = "/staff/sessions/wangjing-winter/week-1/attendance"


def test_roster_person_page_and_sheet_show_age_on_the_first_day_and_yes_no_in_chinese(app, wangjing):
    child = enrol(app, "王小明")  # born(8): eight on the session's first day
    roster = wangjing.get("/staff/sessions/wangjing-winter/week-1").get_data(as_text=True)
    assert re.search(r'王小明</a></td>\s*<td class="nowrap">8 岁</td>', roster)
    person = wangjing.get(f"/staff/sessions/wangjing-winter/week-1/people/{child.id}").get_data(as_text=True)
    assert "开班第一天 8 岁" in person
    assert re.search(r"<dt>是否需要午餐</dt><dd>是</dd>", person) and "True" not in person

    days = wangjing.get(DAYS).get_data(as_text=True)
    day = re.search(r"attendance/(\d{4}-\d\d-\d\d)", days).group(1)
    sheet = wangjing.get(f"{DAYS}/{day}/sheet").get_data(as_text=True)
    assert '<td class="nowrap">8 岁</td>' in sheet
    assert 'id="print"' in sheet and "staff-print.js" in sheet and "<script>" not in sheet
    assert "浏览器菜单里的“打印”" in sheet


def test_on_a_phone_names_and_codes_stay_on_one_line_and_the_print_button_prints(app, serve, browser):
    enrol(app, "欧阳小明明", phone="13912340002")
    server = serve()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(server.url + "/staff/login")
        page.fill("#username", "wj")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/staff/")
        page.goto(server.url + "/staff/sessions/wangjing-winter/week-1")
        name = page.locator("table.roster td.nowrap a").first
        code = page.locator("table.roster code").first
        line = name.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 24")
        assert name.bounding_box()["height"] < 1.6 * line and code.bounding_box()["height"] < 1.6 * line
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # the table scrolls, not the page
        name.click()
        page.wait_for_url("**/people/*")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        page.goto(server.url + DAYS)
        page.locator(".days a").first.click()
        page.click("text=签到表")
        page.wait_for_url("**/sheet")
        page.wait_for_load_state()
        sheet_name = page.locator("table.sign-in td.nowrap").first
        assert "欧阳小明明" in sheet_name.inner_text() and sheet_name.bounding_box()["height"] < 2.6 * line
        page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
        page.click("#print")
        assert page.evaluate("window.printed") == 1
    finally:
        context.close()


def test_a_page_not_found_in_the_console_stays_inside_the_console(app, wangjing):
    for path in ("/staff/sessions/sanlitun-winter/week-1", "/staff/sessions/wangjing-winter/no-such", "/staff/no-such-page"):
        answer = wangjing.get(path)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 404 and 'class="staff-bar"' in page and 'href="/staff/">返回后台首页' in page, path
        assert "没有找到这个页面" in page and "wj" in page
    parents = app.test_client().get("/no-such-page").get_data(as_text=True)
    assert 'href="/">返回首页' in parents and "staff-bar" not in parents
