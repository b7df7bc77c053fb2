"""axe-core in real Chromium at 360 px, light and dark: the pages a parent or worker meets
have no WCAG 2.1 A/AA violation, and a failed submit is focused and announced.

The markup is the same whichever database is underneath, so these run on SQLite only
(`database` narrowed below), against gunicorn as in production.
"""

import pytest

from tests.app.helpers import fill_in_browser
from tests.axe import every_scheme, report

FORM = "/enrol/wangjing-winter/week-1"
LOTTERY = "/enrol/wangjing-lottery/week-1"


def enrol(page, url, name, phone):
    """Enrol through the form as a parent does; the result page's URL."""
    page.goto(url)
    fill_in_browser(page, name, phone)
    page.click("form.card button[type=submit]:not([value=send_code])")
    page.wait_for_url("**/r/*")
    return page.url


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_every_parent_page_has_no_axe_violation(classes, serve, phone, axe_source):
    classes.write("wangjing-lottery", mode="lottery", title="望京街道总工会寒假托管班（摇号）")
    server = serve()
    found = {}

    phone.goto(server.url + FORM)
    every_scheme(phone, axe_source, "报名表", found)
    phone.click("text=提交报名")
    phone.wait_for_selector(".error-summary")
    assert phone.evaluate("document.activeElement.classList.contains('error-summary')"), "the error summary is not focused"
    assert phone.get_attribute(".error-summary", "role") == "alert"
    every_scheme(phone, axe_source, "报名表（有错误）", found)

    confirmed = enrol(phone, server.url + FORM, "王小明", "13912340001")
    every_scheme(phone, axe_source, "报名成功", found)
    enrol(phone, server.url + FORM, "李小红", "13912340002")
    phone.goto(server.url + FORM)
    assert "名额已满" in phone.inner_text(".notice")
    every_scheme(phone, axe_source, "报名表（名额已满）", found)
    enrol(phone, server.url + FORM, "张小刚", "13912340003")
    assert "候补第 1 位" in phone.inner_text(".status")
    every_scheme(phone, axe_source, "候补", found)
    enrol(phone, server.url + LOTTERY, "赵小丽", "13912340004")
    assert "等待摇号" in phone.inner_text(".status")
    every_scheme(phone, axe_source, "等待摇号", found)

    for label, path in (
        ("取消确认", confirmed + "/cancel"),
        ("删除我的信息", confirmed + "/erase"),
        ("查找报名", "/lookup"),
        ("个人信息保护说明", "/privacy"),
        ("找不到页面", "/enrol/no-such-class/week-1"),
    ):
        phone.goto(path if path.startswith("http") else server.url + path)
        every_scheme(phone, axe_source, label, found)

    phone.goto(server.url + "/lookup")
    phone.fill("#phone", "13912340001")
    phone.fill("#code", "ABCD2345")
    phone.click("form.card button[type=submit]")
    phone.wait_for_selector(".error")
    every_scheme(phone, axe_source, "查找报名（对不上）", found)

    assert found == {}, report(found)
