"""Real headless Chromium at phone size against gunicorn: log in, check a child in, download the Excel roster.

Publishing a program from the browser is test_journey.py."""

import openpyxl

from tests.staff.conftest import PASSWORD, enrol


def test_staff_log_in_check_a_child_in_and_download_the_roster(app, serve, phone, tmp_path):
    child = enrol(app, "王小明")
    server = serve()
    phone.goto(server.url + "/staff/")
    assert phone.url.endswith("/staff/login")
    phone.fill("#username", "wj")
    phone.fill("#password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url("**/staff/")
    phone.click("text=第一期")
    phone.click("text=签到")
    phone.locator(".days a").first.click()

    row = phone.locator(f"#e{child.id}")
    assert "未签到" in row.inner_text()
    row.locator("button.present").click()
    phone.wait_for_load_state()
    assert "已到" in phone.locator(f"#e{child.id}").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    phone.goto(server.url + "/staff/sessions/wangjing-winter/week-1")
    with phone.expect_download() as download:
        phone.click("text=导出 Excel")
    saved = tmp_path / "roster.xlsx"
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    assert [cell.value for cell in sheet[1]][:5] == ["查询码", "姓名", "出生日期", "监护人", "手机号"]
    assert (sheet["A2"].value, sheet["B2"].value, sheet["E2"].value, sheet["G2"].value) == (
        child.code,
        "王小明",
        "13912340001",
        "报名成功",
    )


def test_the_form_view_checks_each_box_when_staff_move_on_to_the_next(app, serve, phone, classes):
    """No button pressed: leaving a changed box for the next one checks the form, the message appears
    under that box and the cursor is in the box they moved to."""
    server = serve()
    phone.goto(server.url + "/staff/login")
    phone.fill("#username", "wj")
    phone.fill("#password", PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/staff/")

    phone.goto(server.url + "/staff/programs/wangjing-winter/form")
    box = phone.locator(".field:has(#f-sessions-0-capacity)")
    assert box.locator(".message").count() == 0
    phone.locator("#f-sessions-0-capacity").fill("约30人")
    with phone.expect_navigation():
        phone.keyboard.press("Tab")
    assert "要写确定的名额数" in box.locator(".message").inner_text() and "有 1 个问题" in phone.locator("#problems").inner_text()
    assert phone.locator("#f-sessions-0-capacity").input_value() == "约30人"
    assert phone.evaluate("document.activeElement.id") == "f-sessions-0-days"

    phone.locator("#f-sessions-0-capacity").fill("3")
    with phone.expect_navigation():
        phone.locator("#f-sessions-0-time").click()
    assert box.locator(".message").count() == 0 and "检查通过" in phone.locator("#passed").inner_text()
    assert "capacity: 2" in (classes.path / "wangjing-winter.yaml").read_text(encoding="utf-8")  # checked, not saved
