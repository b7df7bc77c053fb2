"""The built site, read back as files: pages, links, calendars, QR codes, search index."""
import json
import re
import subprocess
import sys
from datetime import date, datetime

import zxingcpp
from icalendar import Calendar
from PIL import Image, ImageDraw

from catalogue.site import ROOT
from programs.model import Program

CURRENT = {
    "jianwai-2027-winter", "sanlitun-2027-winter", "sunhe-2027-winter", "wangjing-2027-winter",
    "wendeng-wenqixing-2027-winter", "xinyu-youth-night-school-2027-spring",
}
ENDED = "wangjing-2026-summer"


def read(site, path):
    return (site / path).read_text(encoding="utf-8")


def card_ids(html):
    return re.findall(r'class="cat-card__title"><a href="(?:\.\./)*classes/([^/]+)/"', html)


def test_home_lists_current_programs_sorted_by_next_start(site):
    ids = card_ids(read(site, "index.html"))
    assert set(ids) == CURRENT
    assert ids[-1] == "xinyu-youth-night-school-2027-spring"


def test_ended_program_moves_to_the_archive(site):
    assert ENDED not in read(site, "index.html").split("cat-cards")[1]
    assert card_ids(read(site, "archive/index.html")) == [ENDED]


def test_card_shows_ages_or_workers_dates_fee_places_and_tags(site):
    html = read(site, "index.html")
    card = html[html.index('data-places="wendeng-wenqixing-2027-winter"') - 900:]
    assert "7–12 岁" in card and "2027年1月25日至2月4日" in card and "免费" in card and "共 25 个名额" in card
    assert 'href="tags/花饽饽/"' in card
    workers = html[html.index('data-audience="workers"'):]
    assert "<li>职工</li>" in workers


def test_program_page_shows_the_yaml(site, catalogue):
    program = catalogue.get("wangjing-2027-winter")
    html = read(site, "classes/wangjing-2027-winter/index.html")
    for text in (program.title, program.organizer, program.location.address, program.contact.name,
                 program.registration.eligibility, "先到先得", "是否需要在托管班用午餐", "剪窗花"):
        assert text in html
    assert 'href="tel:+86-10-6470-0001"' in html
    assert "uri.amap.com/search?keyword=" in html


def test_sessions_table_has_an_enrol_button_and_calendar_per_session(site, catalogue):
    html = read(site, "classes/xinyu-youth-night-school-2027-spring/index.html")
    table = html[html.index('class="cat-sessions"'):html.index("</table>")]
    assert table.count("<tr>") == 3
    for session in catalogue.get("xinyu-youth-night-school-2027-spring").sessions:
        assert f'href="/enrol/xinyu-youth-night-school-2027-spring/{session.id}"' in table
        assert f'href="{session.id}.ics"' in table
    assert "19:30-21:00" in table and "周二、四" in table and "50 人" in table


def test_lottery_mode_is_explained(site):
    html = read(site, "classes/sanlitun-2027-winter/index.html")
    assert "摇号" in html and "随机抽签" in html


def test_ended_sessions_have_no_enrol_button(site):
    html = read(site, f"classes/{ENDED}/index.html")
    assert "/enrol/" not in html and "本班已结束" in html


def test_open_graph_tags(site):
    html = read(site, "classes/wendeng-wenqixing-2027-winter/index.html")
    assert '<meta property="og:title" content="文登区总工会“文启星”职工子女托管班">' in html
    assert 'property="og:description" content="寒假托管+“非遗花饽饽”体验课' in html
    assert '<meta property="og:image" content="https://classes.example.cn/assets/share.png">' in html
    assert '<meta property="og:url" content="https://classes.example.cn/classes/wendeng-wenqixing-2027-winter/">' in html
    assert (site / "assets/share.png").is_file()


def test_ics_parses_back_to_the_class_days(site, catalogue):
    program = catalogue.get("xinyu-youth-night-school-2027-spring")
    session = program.session("spring-media")
    calendar = Calendar.from_ical((site / "classes" / program.id / "spring-media.ics").read_bytes())
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.date() == session.class_dates()[0] == date(2027, 3, 2)
    assert (start.hour, start.minute) == (19, 30) and str(start.tzinfo) == "Asia/Shanghai"
    assert event.decoded("dtend").time().hour == 21
    rule = event["rrule"]
    assert rule["BYDAY"] == ["TU", "TH"] and rule["FREQ"] == ["WEEKLY"]
    assert rule["UNTIL"][0].date() == session.end
    assert program.title in str(event["summary"])


def qr_text(svg):
    """Rasterise segno's path-only SVG and decode it with zxing-cpp."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1)) // 8
    image = Image.new("L", (size * 10, size * 10), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, a, b in re.findall(r"([MmHhVv])(-?[\d.]+)(?:[ ,](-?[\d.]+))?", re.search(r' d="([^"]+)"', svg).group(1)):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        elif command == "h":
            draw.rectangle([x * 10, (y - 0.5) * 10, (x + float(a)) * 10 - 1, (y + 0.5) * 10 - 1], fill=0)
            x += float(a)
    [result] = zxingcpp.read_barcodes(image)
    return result.text


def test_qr_code_decodes_to_the_page_address(site):
    svg = read(site, "classes/sunhe-2027-winter/qr.svg")
    assert qr_text(svg) == "https://classes.example.cn/classes/sunhe-2027-winter/"


def test_poster_is_one_printable_page_with_qr(site):
    html = read(site, "classes/wendeng-wenqixing-2027-winter/poster.html")
    assert "@page { size: A4" in html and "<svg" in html
    for text in ("文登区总工会", "7–12 岁", "文登区职工之家", "报名方式", "2027年1月25日至2月4日"):
        assert text in html


def test_tag_union_pages_and_sitemap(site):
    tag = read(site, "tags/花饽饽/index.html")
    assert card_ids(tag) == ["wendeng-wenqixing-2027-winter"]
    union = read(site, "unions/望京街道总工会/index.html")
    assert card_ids(union) == ["wangjing-2027-winter"] and ENDED in union
    assert "花饽饽" in read(site, "tags/index.html") and "新余市总工会" in read(site, "unions/index.html")
    sitemap = read(site, "sitemap.xml")
    assert all(f"https://classes.example.cn/classes/{pid}/" in sitemap for pid in CURRENT)


def test_every_internal_link_resolves(site):
    for page in site.rglob("*.html"):
        for href in re.findall(r'href="([^"#:?]+)"', page.read_text(encoding="utf-8")):
            if href.startswith(("/enrol/", "//")) or href == "/lookup":
                continue
            target = (site / href.lstrip("/")) if href.startswith("/") else (page.parent / href)
            target = target / "index.html" if href.endswith("/") else target
            assert target.exists(), f"{page.relative_to(site)} links to missing {href}"


def test_search_index_segments_chinese_with_the_domain_dictionary(site):
    index = json.loads(read(site, "search/search_index.json"))
    assert "\\u200b" in index["config"]["separator"]
    words = {w for doc in index["docs"] for w in re.split(index["config"]["separator"], doc["title"] + " " + doc["text"])}
    assert {"花饽饽", "榫卯", "书法", "托管班", "兵马俑", "外卖"} <= words
    assert not any(doc["location"].startswith(("tags/", "unions/", "archive/")) or doc["location"] == "" for doc in index["docs"])


def test_reference_lists_every_field_of_the_model(site):
    html = read(site, "help/reference/index.html")
    for field in Program.model_fields:
        assert f"<code>{field}</code>" in html
    assert "如何发布一个班" in read(site, "help/index.html")


def test_build_refuses_invalid_programs(tmp_path):
    bad = tmp_path / "classes" / "x"
    bad.mkdir(parents=True)
    (bad / "broken.yaml").write_text("title: 缺很多字段\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "build.py", "build", "--classes", str(tmp_path / "classes"), "--out", str(tmp_path / "out")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert re.search(r"broken\.yaml:\d+: ", result.stdout)
    assert not (tmp_path / "out").exists()


def test_every_page_links_to_the_enrolment_lookup(site):
    """A parent who closed WeChat finds the enrolment again from any page: 查找报名 on the app's /lookup."""
    pages = [page for page in site.rglob("*.html") if page.name != "poster.html"]
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert re.search(r'<a href="/lookup">查找报名</a>', html), f"{page.relative_to(site)} has no 查找报名 link"
        assert "Made with" not in html


def test_lookup_link_follows_enrol_base(catalogue, tmp_path):
    from catalogue.site import build_site
    config = tmp_path / "mkdocs.yml"
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace('enrol_base: ""', 'enrol_base: "https://baoming.example.cn/"')
    text = text.replace("docs_dir: site_src/generated", f"docs_dir: {tmp_path / 'docs'}").replace("custom_dir: site_src/", f"custom_dir: {ROOT}/site_src/")
    text = text.replace("jieba_dict_user: site_src/", f"jieba_dict_user: {ROOT}/site_src/")
    text = text.replace("  - catalogue/", f"  - {ROOT}/catalogue/")
    config.write_text(text, encoding="utf-8")
    built = build_site(catalogue, out=tmp_path / "site", docs_dir=tmp_path / "docs", config_file=config, today=date(2026, 12, 1))
    assert '<a href="https://baoming.example.cn/lookup">查找报名</a>' in read(built, "index.html")


def test_parents_read_natural_chinese(site):
    """Wording a native speaker would not change; no English, no instructions to run Python."""
    home = read(site, "index.html")
    assert "跳到正文" in home and "跳转至" not in home
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', home, re.S).group(1))
    assert config["translations"]["search.result.placeholder"] == "输入关键词搜索"
    program = read(site, "classes/wangjing-2027-winter/index.html")
    assert "在地图上查看" in program and "在地图中查看" not in program
    assert ">已结束<" in read(site, "archive/index.html")
    css = read(site, "assets/catalogue.css")
    assert re.search(r"\.md-typeset figcaption[^{]*\{ font-style: normal; \}", css)


def test_lottery_section_explains_in_plain_words(catalogue, today, tmp_path):
    from catalogue.pages import Pages
    from catalogue.site import mkdocs_config, settings_for

    record = {"program": "sanlitun-2027-winter", "session": "winter", "commitment": "ab" * 32}
    pages = Pages(settings_for(mkdocs_config(docs_dir=tmp_path), today), {"sanlitun-2027-winter": {"winter": record}})
    page = pages.files_for(catalogue.get("sanlitun-2027-winter"))["classes/sanlitun-2027-winter/index.md"]
    section = page[page.index("## 摇号公示"):page.index("## 上课地点")]
    assert "python" not in section.lower() and "build.py" not in section
    assert "下载公示数据" in section and "保证公平" in section


def test_pages_load_only_the_scripts_they_use(site):
    """Nothing but two tiny theme helpers blocks the first paint; the rest sits at the end of the body."""
    html = read(site, "index.html")
    head, body = html.split("</head>", 1)
    assert re.findall(r'<script src="([^"]+)"', head) == ["assets/theme/scope.js"]
    scripts = re.findall(r'<script src="([^"]+)"', body)
    assert scripts[0] == "assets/theme/palette.js" and not (site / "assets/theme/content.js").exists()
    assert [s.split("/")[-1].split(".")[0] for s in scripts[1:]] == ["bundle", "filters", "places", "offline"]
    assert body.index("assets/javascripts/bundle.") > body.index('<div class="md-content"')


def test_a_program_with_offer_hours_tells_families_how_long_an_offered_place_waits(catalogue, today, tmp_path):
    from catalogue.pages import Pages
    from catalogue.site import mkdocs_config, settings_for

    program = next(p for p in catalogue.programs if p.status == "published" and p.registration.mode == "first_come")
    pages = Pages(settings_for(mkdocs_config(docs_dir=tmp_path), today))
    plain = pages.files_for(program)[f"classes/{program.id}/index.md"]
    offered = program.model_copy(update={"registration": program.registration.model_copy(update={"offer_hours": 48})})
    page = pages.files_for(offered)[f"classes/{program.id}/index.md"]
    assert "名额先为您保留 48 小时，请在期限内到报名结果页确认" in page and "名额先为您保留" not in plain
