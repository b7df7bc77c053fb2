"""A hostile program file built into the site: every field arrives as text, nothing can run.

The file (tests/site/hostile.py) is built as if it had slipped past `check`
(the `hostile_site` fixture switches its markup rule off), so the pages
themselves are what is tested; the last tests are about `check`.
"""
import json
import re
import subprocess
import sys

import yaml
from PIL import Image

from catalogue.policy import site_policy
from catalogue.site import ROOT
from programs.loader import load_catalogue
from tests.app.helpers import program_data
from tests.site.conftest import HOSTILE as PROGRAM
from tests.site.hostile import hostile_program, write_hostile
from tests.site.scan import dangers, parse

SITE_NAME = "工会托管班与职工夜校"


def pages(site):
    return sorted(site.rglob("*.html"))


def meta(page, **wanted):
    return next(attrs["content"] for tag, attrs in page.elements if tag == "meta" and wanted.items() <= attrs.items())


def test_no_page_has_a_script_a_handler_or_a_script_link_from_the_file(hostile_site):
    found = {str(path.relative_to(hostile_site)): dangers(path.read_text(encoding="utf-8")) for path in pages(hostile_site)}
    assert len(found) > 10
    assert {page: problems for page, problems in found.items() if problems} == {}


def test_title_summary_and_tags_reach_title_meta_and_open_graph_as_text(hostile_site):
    data = hostile_program()
    html = (hostile_site / "classes" / PROGRAM / "index.html").read_text(encoding="utf-8")
    page = parse(html)
    # What a browser shows: the file's text, character for character, and no element made of it.
    assert page.text("title").strip() == f"{data['title']} - {SITE_NAME}"
    assert page.text("h1") == data["title"]
    assert data["title"] in page.text("header")
    assert meta(page, property="og:title") == data["title"]
    assert meta(page, name="description") == data["summary"]
    assert meta(page, property="og:description") == data["summary"]
    assert data["tags"][0] in page.text("p") and data["organizer"] in page.text("dd")
    unions = parse((hostile_site / "unions" / "index.html").read_text(encoding="utf-8"))
    assert data["organizer"] in unions.text("li")


def test_search_index_holds_the_fields_as_text(hostile_site):
    index = json.loads((hostile_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = [doc for doc in index["docs"] if doc["location"].startswith(f"classes/{PROGRAM}/")]
    assert docs and any("三里屯托管班" in doc["title"].replace("\u200b", "") for doc in docs)
    for doc in docs:
        # Material puts title and text into the results with innerHTML: they must be markup-free HTML.
        for field in (doc["title"], doc["text"], " ".join(doc.get("tags", []))):
            assert dangers(field) == [], field
            assert not {tag for tag, _ in parse(field).elements} & {"script", "img", "svg", "iframe", "a"}, field
    assert any("&lt;script&gt;" in doc["title"] for doc in docs)


def test_description_keeps_markdown_formatting_and_safe_links_only(hostile_site):
    html = (hostile_site / "classes" / PROGRAM / "index.html").read_text(encoding="utf-8")
    intro = html[html.index('class="cat-intro"'):html.index("</div>", html.index('class="cat-intro"'))]
    assert "<strong>加粗的字</strong>" in intro
    links = {attrs.get("href") for tag, attrs in parse(intro).elements if tag == "a"}
    assert links == {"https://example.cn/", "tel:010-84701234"}
    assert "查看详情" in intro and "引用式" in intro  # a refused link keeps its words
    assert "&lt;iframe" in intro and "&lt;script&gt;fetch(" in intro


def test_only_reencoded_photos_are_published(hostile_site, tmp_path):
    folder = hostile_site / "classes" / PROGRAM
    assert sorted(path.name for path in folder.iterdir()) == ["image-1.png", "index.html", "poster.html", "qr.svg", "week-1.ics"]
    for path in hostile_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".svg", ".png", ".jpg"):
            assert b"html-file" not in path.read_bytes() and b"svg-file" not in path.read_bytes(), path
    with Image.open(folder / "image-1.png") as photo:
        assert photo.format == "PNG" and photo.size == (40, 30)
        assert "Comment" not in photo.info
    assert b"<script>hidden</script>" not in (folder / "image-1.png").read_bytes()
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert 'src="image-1.png"' in html and "image-2" not in html


def test_every_page_carries_a_policy_that_forbids_inline_script(hostile_site):
    for path in pages(hostile_site):
        html = path.read_text(encoding="utf-8")
        head = parse(html[:html.index("</head>")])
        first_meta_or_script = next((tag, attrs) for tag, attrs in head.elements if tag in ("script", "meta", "style")
                                    and attrs.get("charset") is None and attrs.get("name") != "viewport")
        tag, attrs = first_meta_or_script
        assert (tag, attrs.get("http-equiv")) == ("meta", "Content-Security-Policy"), path
        policy = attrs["content"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        assert "object-src 'none'" in policy and "base-uri 'none'" in policy, path
        if path.name != "poster.html":
            assert re.search(r"connect-src 'self'(;|$)", policy), path


def test_connect_src_reaches_only_the_site_and_the_enrolment_app():
    assert "connect-src 'self' https://baoming.example.cn;" in site_policy("https://baoming.example.cn/enrol-app")
    assert "connect-src 'self';" in site_policy("")


def test_check_names_every_field_with_markup_in_chinese_at_its_line(tmp_path):
    path = write_hostile(tmp_path / "classes")
    result = subprocess.run([sys.executable, "build.py", "check", "--classes", str(tmp_path / "classes")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    lines = path.read_text(encoding="utf-8").splitlines()
    reported = {}
    for found in re.finditer(rf"^{re.escape(str(path))}:(\d+): (\S+?)（", result.stdout, re.M):
        reported[found.group(2)] = int(found.group(1))
    expected = {"title": "title:", "organizer": "organizer:", "summary": "summary:", "tags[0]": "<svg",
                "description": "description:", "location.address": "  address:", "location.map_url": "  map_url:",
                "courses[0].name": "- name:", "registration.eligibility": "  eligibility:", "images[0]": "- evil.html",
                "images[1]": "- evil.svg"}
    for field, start in expected.items():
        assert field in reported, (field, result.stdout)
        assert lines[reported[field] - 1].lstrip(" -").startswith(start.lstrip(" -")), (field, lines[reported[field] - 1])
    assert "HTML 标签" in result.stdout and "javascript: 链接" in result.stdout and "不是 JPEG、PNG 或 WebP 图片" in result.stdout
    assert "images[2]" not in result.stdout


def test_check_accepts_plain_text_autolinks_and_email_addresses(tmp_path):
    classes = tmp_path / "classes"
    classes.mkdir()
    plain = program_data(description="详见 <https://example.cn/>，或写信到 <zhang@example.cn>。6<8 岁也可。JavaScript：入门课")
    (classes / "plain.yaml").write_text(yaml.safe_dump(plain, allow_unicode=True), encoding="utf-8")
    catalogue = load_catalogue(classes)
    assert catalogue.ok, catalogue.problems
