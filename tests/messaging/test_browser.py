"""Real headless Chromium against gunicorn, with the Aliyun SDK pointed at the stand-in: the
code button counts down with JavaScript, and the two-step form works with JavaScript off."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.app.helpers import fill_in_browser, rows
from tests.messaging.conftest import TEMPLATES

FORM = "/enrol/wangjing-winter/week-1"


@pytest.fixture
def server(serve, aliyun):
    return serve(
        FORMS_APP_SMS_PROVIDER="aliyun",
        FORMS_APP_SMS_ENDPOINT=aliyun.url,
        FORMS_APP_SMS_ACCESS_KEY_ID="test-key-id",
        FORMS_APP_SMS_ACCESS_KEY_SECRET="test-key-secret",
        FORMS_APP_SMS_TEMPLATES=json.dumps(TEMPLATES),
        FORMS_APP_VERIFY_PHONE="true",
    )


def page_with(browser, javascript):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", java_script_enabled=javascript)
    return context, context.new_page()


def test_with_javascript_the_button_sends_the_code_and_counts_down(browser, server, aliyun, database):
    context, page = page_with(browser, javascript=True)
    problems = []
    page.on("console", lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(server.url + FORM)
    fill_in_browser(page)
    page.click("[data-send-code]")
    button = page.locator("[data-send-code]")
    expect(button).to_have_text(re.compile(r"^\d+ 秒后可重新获取$"))
    expect(button).to_be_disabled()
    assert "验证码已发送到 139****0001" in page.inner_text("[data-code-status]")
    assert page.url.endswith(FORM), "no page load: fetch did it"
    page.fill("#code", aliyun.sent[-1]["TemplateParam"]["code"])
    page.click("button:not([data-send-code])")
    page.wait_for_url("**/r/**")
    assert "报名成功" in page.inner_text("main")
    assert rows(database, "SELECT name FROM enrolments") == [("王小明",)]
    assert problems == [], "no CSP violation or script error"
    context.close()


def test_without_javascript_the_first_submit_sends_the_code_and_keeps_the_form(browser, server, aliyun, database):
    context, page = page_with(browser, javascript=False)
    page.goto(server.url + FORM)
    fill_in_browser(page)
    page.click("button:not([data-send-code])")
    page.wait_for_load_state()
    assert "验证码已发送到 139****0001" in page.inner_text("main")
    assert page.input_value("#name") == "王小明" and page.input_value("#employer") == "北京望京科技有限公司"
    assert page.is_checked("#consent")
    assert rows(database, "SELECT count(*) FROM enrolments") == [(0,)]
    page.fill("#code", aliyun.sent[-1]["TemplateParam"]["code"])
    page.click("button:not([data-send-code])")
    page.wait_for_url("**/r/**")
    assert "报名成功" in page.inner_text("main")
    context.close()
