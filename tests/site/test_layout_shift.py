"""Nothing on a catalogue page moves once it has painted: the filter panel that filters.js
reveals has its place from the first paint (scope.js marks the page), so a parent about to tap
a class does not see the list jump, and Lighthouse counts no layout shift."""

import pytest

SHIFTS = """window.__shifts = [];
new PerformanceObserver(list => { for (const entry of list.getEntries()) window.__shifts.push(entry.value); })
  .observe({type: "layout-shift", buffered: true});"""


@pytest.mark.parametrize("path", ["", "classes/wendeng-wenqixing-2027-winter/", "tags/花饽饽/"])
@pytest.mark.parametrize("width", [360, 412])
def test_the_page_does_not_shift_after_its_first_paint(browser, base_url, path, width):
    context = browser.new_context(viewport={"width": width, "height": 823}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    page.add_init_script(SHIFTS)
    try:
        page.goto(base_url + path, wait_until="networkidle")
        page.wait_for_function(
            "document.querySelector('.cat-filter-panel') === null || !document.querySelector('.cat-filter-panel').hidden"
        )
        assert sum(page.evaluate("window.__shifts")) < 0.01, page.evaluate("window.__shifts")
    finally:
        context.close()


def test_without_javascript_the_filter_panel_stays_hidden(browser, base_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base_url)
        assert not page.locator(".cat-filter-panel").is_visible()
    finally:
        context.close()
