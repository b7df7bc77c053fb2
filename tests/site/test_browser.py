"""Real headless Chromium at phone size: filters, Chinese search, live places."""
import json
import re

import pytest

AVAILABILITY = {
    "xinyu-youth-night-school-2027-spring": {
        "spring-media": {"capacity": 50, "confirmed": 47, "waitlisted": 0, "remaining": 3, "state": "open"},
        "spring-driving": {"capacity": 60, "confirmed": 60, "waitlisted": 4, "remaining": 0, "state": "full"},
    },
    "sanlitun-2027-winter": {
        "winter": {"capacity": 25, "confirmed": 0, "waitlisted": 0, "remaining": 25, "state": "open"},
    },
    "wangjing-2026-summer": {
        "summer": {"capacity": 30, "confirmed": 30, "waitlisted": 0, "remaining": 0, "state": "closed"},
    },
    "wangjing-2027-winter": {
        "week-1": {"capacity": 30, "confirmed": 0, "waitlisted": 0, "remaining": 30, "state": "not_open"},
        "week-2": {"capacity": 30, "confirmed": 30, "waitlisted": 0, "remaining": 0, "state": "closed"},
    },
}


def answer(page, body, status=200):
    page.route("**/api/availability", lambda route: route.fulfill(status=status, content_type="application/json", body=body))


WECHAT = ("Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 "
          "MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64")


def open_filters(page):
    """On a phone the filter panel starts folded; a parent taps 筛选班级 first."""
    panel = page.locator("details.cat-filter-panel")
    if panel.get_attribute("open") is None:
        page.locator("details.cat-filter-panel > summary").click()


def visible_cards(page):
    return page.locator(".cat-card:visible .cat-card__title a").all_inner_texts()


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def search(page, words):
    page.locator("label.md-header__button[for=__search]").click()
    box = page.locator("input.md-search__input")
    box.fill(words)
    box.press("End")  # Material searches on keyup; fill() alone types without one.
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=10000)
    return results


def test_parent_journey_on_a_phone(phone, base_url, artifacts):
    phone.goto(base_url)
    assert no_horizontal_scroll(phone)
    assert len(visible_cards(phone)) == 6
    open_filters(phone)
    phone.locator("input[name=age]").fill("8")
    cards = visible_cards(phone)
    assert len(cards) == 5 and not any("夜校" in title for title in cards)
    assert phone.locator(".cat-count").inner_text() == "共 5 个班"
    phone.screenshot(path=artifacts / "home-age-8.png", full_page=True)

    results = search(phone, "花饽饽")
    assert "wendeng-wenqixing-2027-winter" in results.first.get_attribute("href")
    results.first.click()
    phone.wait_for_url("**/classes/wendeng-wenqixing-2027-winter/**")
    table = phone.locator("table.cat-sessions")
    table.scroll_into_view_if_needed()
    assert table.is_visible()
    assert "寒假班" in table.inner_text() and phone.locator("a.cat-enrol").count() == 1
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts / "program-phone.png", full_page=True)


@pytest.mark.parametrize("words, program", [
    ("书法", "wangjing-2027-winter"), ("榫卯", "sanlitun-2027-winter"), ("花饽饽", "wendeng-wenqixing-2027-winter"),
    ("饽饽", "wendeng-wenqixing-2027-winter"), ("huabobo", "wendeng-wenqixing-2027-winter"), ("hbb", "wendeng-wenqixing-2027-winter"),
    ("夜校", "xinyu-youth-night-school-2027-spring"), ("望京", "wangjing-2027-winter"), ("窗花", "wangjing-2027-winter"),
    ("外卖", "xinyu-youth-night-school-2027-spring"), ("兵马俑", "jianwai-2027-winter"),
    # One wrong pick in the input method, typed twice: 悖 for 饽.
    ("花悖悖", "wendeng-wenqixing-2027-winter"),
])
def test_chinese_search_finds_the_program(phone, base_url, words, program):
    phone.goto(base_url)
    hrefs = [a.get_attribute("href") for a in search(phone, words).all()]
    assert program in hrefs[0], hrefs


def test_staff_help_is_not_in_parents_results(phone, base_url):
    phone.goto(base_url)
    hrefs = [a.get_attribute("href") for a in search(phone, "班级").all()]
    assert hrefs and not any("help/" in href for href in hrefs), hrefs


def test_result_snippet_keeps_labels_apart(phone, base_url):
    phone.goto(base_url)
    search(phone, "榫卯")
    text = phone.locator(".md-search-result__item").first.inner_text().replace("\u200b", "")
    assert "主办：" in text and re.search(r"。\s*地区：", text), text
    assert "sunmao" not in text, "the pinyin terms must stay invisible"


def test_filters_by_audience_free_month_and_tag(phone, base_url):
    phone.goto(base_url)
    open_filters(phone)
    phone.select_option("select[name=audience]", "workers")
    assert visible_cards(phone) == ["新余市总工会青年夜校（新就业形态劳动者专班）"]
    phone.select_option("select[name=audience]", "")
    phone.select_option("select[name=month]", "2027-03")
    assert len(visible_cards(phone)) == 1
    phone.select_option("select[name=month]", "")
    phone.select_option("select[name=tag]", "榫卯")
    phone.check("input[name=free]")
    assert visible_cards(phone) == ["三里屯街道总工会“筑梦成长营”寒假托管班"]
    phone.select_option("select[name=place]", "山东省威海市文登区|")
    assert visible_cards(phone) == [] and phone.locator(".cat-none").is_visible()


def test_live_places_fill_in_when_the_app_answers(phone, base_url):
    answer(phone, json.dumps(AVAILABILITY))
    phone.goto(base_url + "classes/xinyu-youth-night-school-2027-spring/")
    media = phone.locator('[data-places="xinyu-youth-night-school-2027-spring/spring-media"]')
    media.filter(has_text="3 个").wait_for()
    assert media.inner_text() == "3 个"  # under the 剩余名额 heading: 剩余名额：3 个
    assert phone.locator('[data-places="xinyu-youth-night-school-2027-spring/spring-driving"]').inner_text() == "已满，可候补"
    assert phone.locator('[data-enrol$="spring-driving"]').inner_text() == "候补报名"
    assert phone.locator('[data-places="xinyu-youth-night-school-2027-spring"]').inner_text() == "剩余 3 个名额"

    phone.goto(base_url + "classes/wangjing-2027-winter/")
    phone.locator('[data-places="wangjing-2027-winter/week-1"]').filter(has_text="报名未开始").wait_for()
    assert phone.locator('[data-places="wangjing-2027-winter/week-2"]').inner_text() == "报名已截止"
    closed = phone.locator('[data-enrol="wangjing-2027-winter/week-2"]')
    assert closed.get_attribute("aria-disabled") == "true" and closed.get_attribute("href") is None


def test_a_lottery_never_claims_places_left_before_its_draw(phone, base_url):
    """Before the draw all 25 places are drawn among every entry: 剩余 25 个名额 would be false."""
    answer(phone, json.dumps(AVAILABILITY))
    phone.goto(base_url)
    card = phone.locator('.cat-card [data-places="sanlitun-2027-winter"]')
    card.filter(has_text="名额 25").wait_for()
    assert card.inner_text() == "名额 25，截止后摇号"
    phone.goto(base_url + "classes/sanlitun-2027-winter/")
    cell = phone.locator('[data-places="sanlitun-2027-winter/winter"]')
    cell.filter(has_text="名额 25").wait_for()
    assert "剩余" not in phone.locator("table.cat-sessions").inner_text()
    assert phone.locator("table.cat-sessions th").nth(5).inner_text() == "报名情况"

    entered = json.loads(json.dumps(AVAILABILITY))
    entered["sanlitun-2027-winter"]["winter"]["entered"] = 41
    answer(phone, json.dumps(entered))
    phone.goto(base_url + "classes/sanlitun-2027-winter/")
    cell.filter(has_text="已报名").wait_for()
    assert cell.inner_text() == "已报名 41 人 / 名额 25"


def test_an_ended_class_says_ended_not_closed(phone, base_url):
    answer(phone, json.dumps(AVAILABILITY))
    phone.goto(base_url + "archive/")
    phone.wait_for_load_state("networkidle")
    assert phone.locator(".cat-card .cat-places").inner_text() == "已结束"


@pytest.mark.parametrize("status, body", [(503, "{}"), (200, "not json"), (200, '{"wangjing-2027-winter": {"week-1": {"state": "open"}}}')])
def test_a_down_or_confused_app_changes_nothing(phone, base_url, status, body):
    answer(phone, body, status)
    phone.goto(base_url + "classes/wangjing-2027-winter/")
    phone.wait_for_load_state("networkidle")
    assert phone.locator('[data-places="wangjing-2027-winter/week-1"]').inner_text() == "以报名页为准"
    assert phone.locator('[data-enrol="wangjing-2027-winter/week-1"]').get_attribute("href") == "/enrol/wangjing-2027-winter/week-1"


def test_dark_mode_and_poster(browser, base_url, artifacts):
    context = browser.new_context(viewport={"width": 360, "height": 740}, color_scheme="dark")
    page = context.new_page()
    page.goto(base_url + "classes/sanlitun-2027-winter/")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    page.screenshot(path=artifacts / "program-dark.png", full_page=True)
    context.close()


def test_poster_prints_on_one_a4_page(browser, base_url, artifacts):
    page = browser.new_page()
    page.goto(base_url + "classes/wendeng-wenqixing-2027-winter/poster.html")
    pdf = page.pdf(path=artifacts / "poster.pdf", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.close()


def test_printed_poster_qr_code_scans_to_the_program_page(browser, base_url, artifacts):
    """What a union office prints: Chromium's A4 PDF, rasterised at 150 dpi as a phone camera would
    see the sheet, must decode to the program's address (a cropped code does not decode at all)."""
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    page = browser.new_page()
    page.goto(base_url + "classes/wendeng-wenqixing-2027-winter/poster.html")
    pdf = page.pdf(format="A4")
    page.close()
    document = pdfium.PdfDocument(pdf)
    try:
        assert len(document) == 1
        image = document[0].render(scale=150 / 72).to_pil().convert("L")
    finally:
        document.close()
    image.save(artifacts / "poster-a4.png")
    texts = [result.text for result in zxingcpp.read_barcodes(image)]
    assert texts == ["https://classes.example.cn/classes/wendeng-wenqixing-2027-winter/"]


@pytest.fixture(params=[360, 320], ids=["360px", "320px"])
def wechat(browser, request):
    """WeChat's in-app browser on a small Android phone, in Chinese."""
    context = browser.new_context(viewport={"width": request.param, "height": 640}, device_scale_factor=2, locale="zh-CN",
                                  user_agent=WECHAT, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def test_filters_survive_program_and_back_in_wechat(wechat, base_url):
    wechat.goto(base_url)
    assert no_horizontal_scroll(wechat)
    first = wechat.locator(".cat-card").first.bounding_box()
    assert first["y"] < 640, "the first class is not on the first screen"
    open_filters(wechat)
    wechat.locator("input[name=age]").fill("8")
    wechat.select_option("select[name=tag]", "花饽饽")
    assert visible_cards(wechat) == ["文登区总工会“文启星”职工子女托管班"]
    assert "age=8" in wechat.url and "tag=%E8%8A%B1" in wechat.url
    assert wechat.locator(".cat-filter-active").inner_text() == "（已选 2 项）"

    wechat.locator(".cat-card:visible .cat-card__title a").first.click()
    wechat.wait_for_url("**/classes/wendeng-wenqixing-2027-winter/")
    wechat.go_back()
    wechat.wait_for_url("**/?age=8&tag=*")
    assert visible_cards(wechat) == ["文登区总工会“文启星”职工子女托管班"]
    assert wechat.locator("input[name=age]").input_value() == "8"
    assert no_horizontal_scroll(wechat)


def test_a_shared_filtered_link_opens_filtered(wechat, base_url):
    wechat.goto(base_url + "?age=8&tag=花饽饽")
    assert visible_cards(wechat) == ["文登区总工会“文启星”职工子女托管班"]
    assert wechat.locator(".cat-count").inner_text() == "共 1 个班"
    wechat.goto(base_url + "?audience=workers&free=1&month=nonsense")
    assert visible_cards(wechat) == ["新余市总工会青年夜校（新就业形态劳动者专班）"]


def test_without_javascript_the_filters_are_hidden_and_every_class_shows(browser, base_url):
    context = browser.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(base_url)
    assert not page.locator("details.cat-filter-panel").is_visible()
    assert not page.locator("form.cat-filters").is_visible()
    assert page.locator(".cat-card:visible").count() == 6
    context.close()
