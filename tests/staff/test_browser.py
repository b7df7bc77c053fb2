"""Real headless Chromium at phone size against gunicorn: log in, check a child in, download the Excel roster."""

import time

import openpyxl
import pytest

from tests.staff.conftest import PASSWORD, enrol


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", accept_downloads=True)
    yield context.new_page()
    context.close()


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


def test_staff_create_a_program_fix_three_mistakes_preview_publish_and_parents_enrol(app, serve, phone, classes):
    import yaml

    from tests.app.helpers import born, program_data

    server = serve()
    phone.goto(server.url + "/staff/login")
    phone.fill("#username", "wj")
    phone.fill("#password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url("**/staff/")
    phone.click("text=新建或修改班级文件")
    phone.fill("#program_id", "wangjing-summer")
    phone.click("text=用模板新建")
    assert "【待填写】" in phone.input_value("#text")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    good = yaml.safe_dump(program_data(title="望京街道总工会暑期托管班"), allow_unicode=True, sort_keys=False)
    mistakes = {"phone: 010-84701234": "phone: 010-8470", "capacity: 2": "capacity: 0", "time: 08:30-17:30": "time: 17:30-08:30"}
    bad = good
    for right, wrong in mistakes.items():
        bad = bad.replace(right, wrong)
    phone.fill("#text", bad)
    phone.click("button[value=check]")
    lines = bad.split("\n")
    for wrong, words in zip(mistakes.values(), ("不是有效的电话号码", "应是不小于 1 的整数", "结束时间应晚于开始时间")):
        number = next(n for n, line in enumerate(lines, 1) if line.strip() == wrong)
        message = phone.locator(f"#line-{number} .message")
        assert f"第 {number} 行" in message.inner_text() and words in message.inner_text()
    assert "有 3 个问题" in phone.locator("#problems").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    phone.fill("#text", good)
    phone.click("button[value=preview]")
    assert "望京街道总工会暑期托管班" in phone.locator("#preview").inner_text()
    phone.click("button[value=publish]")
    phone.wait_for_url("**/staff/programs/wangjing-summer/edit")
    assert "已发布" in phone.locator(".flash").inner_text()
    assert (classes.path / "wangjing-summer.yaml").read_text(encoding="utf-8") == good

    # The worker that published has reloaded; the others notice within CATALOGUE_CHECK_SECONDS (1 s).
    for _ in range(20):
        if phone.goto(server.url + "/enrol/wangjing-summer/week-1").status == 200:
            break
        time.sleep(0.25)
    phone.fill("#name", "王小明")
    phone.fill("#birthdate", born(8).isoformat())
    phone.fill("#guardian_name", "王建国")
    phone.fill("#phone", "13912340001")
    phone.fill("#employer", "北京望京科技有限公司")
    phone.locator("input[name=answers-lunch][value=yes]").check()
    phone.check("#consent")
    phone.click("text=提交报名")
    phone.wait_for_load_state()
    assert "报名成功" in phone.content()
