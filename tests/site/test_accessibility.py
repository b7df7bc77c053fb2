"""axe-core in real Chromium: every kind of catalogue page has no WCAG 2 A/AA violation.

The axe helper and its NOT TESTED skip are tests/axe.py's, shared with the app's pages.
"""

import json

import pytest

from tests.axe import violations

PAGES = [
    "",
    "classes/sanlitun-2027-winter/",
    "classes/xinyu-youth-night-school-2027-spring/",
    "tags/",
    "tags/花饽饽/",
    "unions/",
    "archive/",
    "classes/wangjing-2026-summer/",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations(browser, base_url, axe_source, path, scheme):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    try:
        found = violations(page, axe_source)
        assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
    finally:
        context.close()


def test_search_dialog_has_a_name_and_no_violations(browser, base_url, axe_source):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.goto(base_url)
    page.locator("label.md-header__button[for=__search]").click()
    page.locator("input.md-search__input").fill("书法")
    page.locator("input.md-search__input").press("End")
    page.locator(".md-search-result__item a").first.wait_for(timeout=10000)
    dialog = page.get_by_role("dialog", name="搜索班级")
    assert dialog.count() == 1
    try:
        found = violations(page, axe_source)
        assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
    finally:
        context.close()
