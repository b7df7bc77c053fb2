"""The build does each piece of shared work once, and the pages come out as if it did it every time.

Build speed itself lives in benchmarks/build_speed.py; these tests pin the
mechanisms it depends on, so a change that quietly brings back per-page work
(cutting the same Chinese text again, building a Markdown parser per
description) fails here instead of only in a benchmark nobody runs.
"""

import collections
import importlib.util
import json
import re
import shutil

import jieba
import markdown
import material.plugins.search.plugin as search_plugin
import pytest

from catalogue.pages import Pages, Settings
from catalogue.richtext import description_html
from catalogue.site import ROOT, build_site, mkdocs_config
from programs.loader import load_catalogue

ZWSP = "\u200b"
EXTRA_TERMS = re.compile(r"<span hidden>.*?</span>$")


def material_segmentation():
    """Material's own SearchIndex._segment_chinese, loaded afresh: the build replaces the one in use."""
    spec = importlib.util.spec_from_file_location("material.plugins.search.unpatched", search_plugin.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SearchIndex._segment_chinese


def twin_catalogue(folder):
    """The shipped programs, each twice under another id: what a catalogue of many similar classes looks like."""
    shutil.copytree(ROOT / "classes", folder)
    for path in sorted(folder.rglob("*.yaml")):
        if path.name != "organizers.yaml":
            shutil.copy(path, path.with_name(f"{path.stem}-again.yaml"))
    catalogue = load_catalogue(folder)
    assert catalogue.ok, catalogue.problems
    return catalogue


def test_search_index_is_cut_as_material_cuts_it(site):
    """Every entry's text is exactly what Material's segmentation makes of the same words."""
    segment = material_segmentation()
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    checked = 0
    for doc in index["docs"]:
        for field in ("title", "text"):
            written = EXTRA_TERMS.sub("", doc[field])
            assert written == segment(None, written.replace(ZWSP, "")), doc["location"]
            checked += ZWSP in written
    assert checked > 20


@pytest.fixture(scope="module")
def twin_build(tmp_path_factory, today):
    """Build the twin catalogue, counting what jieba cuts and how many Markdown parsers are made."""
    work = tmp_path_factory.mktemp("twins")
    catalogue = twin_catalogue(work / "classes")
    cuts, parsers = collections.Counter(), []
    cut, init = jieba.cut, markdown.Markdown.__init__

    def counting_cut(sentence, *args, **kwargs):
        cuts[sentence.decode("utf-8") if isinstance(sentence, bytes) else sentence] += 1
        return cut(sentence, *args, **kwargs)

    def counting_init(self, *args, **kwargs):
        parsers.append(self)
        init(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jieba, "cut", counting_cut)
        patch.setattr(markdown.Markdown, "__init__", counting_init)
        site = build_site(catalogue, out=work / "site", docs_dir=work / "docs", today=today)
    return catalogue, site, cuts, parsers


def test_each_chinese_run_is_cut_once_per_build(twin_build):
    """Twins share every sentence, label and heading: jieba sees each distinct run once."""
    _, site, cuts, _ = twin_build
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "花饽饽" in index and cuts["花饽饽"] <= 1
    repeated = {run: count for run, count in cuts.items() if count > 1}
    assert not repeated, f"cut more than once: {sorted(repeated.items(), key=lambda kv: -kv[1])[:5]}"


def test_pages_share_one_markdown_parser(twin_build):
    """MkDocs would build a parser per page; one per configuration is made (descriptions have their own)."""
    catalogue, site, _, parsers = twin_build
    pages = list(site.rglob("index.html"))
    assert len(pages) > 2 * len(catalogue.programs)
    assert len(parsers) <= 3


def test_reused_parser_keeps_every_page_s_own_anchors(twin_build):
    """A parser that remembered the last page would number repeated headings (sessions_1) or lose a heading."""
    catalogue, site, _, _ = twin_build
    for program in catalogue.programs:
        page = (site / "classes" / program.id / "index.html").read_text(encoding="utf-8")
        assert 'id="sessions"' in page and 'id="sessions_1"' not in page, program.id
        assert page.count('id="place"') == 1 and page.count("<h1") == 1, program.id


@pytest.mark.parametrize(
    "first, second",
    [
        ("见[报名须知][rules]。\n\n[rules]: https://example.cn/rules", "见[报名须知][rules]。"),
        ("| 时间 | 内容 |\n|---|---|\n| 上午 | 书法 |", "上午书法，下午剪纸。"),
    ],
)
def test_one_description_leaves_nothing_behind_for_the_next(first, second):
    """Descriptions share one parser: a link reference defined in one must not turn up as a link in the next."""
    description_html(first)
    again = description_html(second)
    assert "<a" not in again and "<table" not in again
    assert again == description_html(second)


def test_descriptions_share_one_parser(monkeypatch):
    """Building Python-Markdown's processors cost more than converting a description with them."""
    built = []
    init = markdown.Markdown.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(markdown.Markdown, "__init__", counting_init)
    pages = [description_html(f"第 {n} 期：**上午**书法，下午剪纸。") for n in range(5)]
    assert len(built) <= 1
    assert all("<strong>上午</strong>" in page for page in pages)


def primary_nav(site, path):
    page = (site / path).read_text(encoding="utf-8")
    return re.search(r'<nav class="md-nav md-nav--primary".*?</nav>', page, re.S).group(0)


def test_shared_navigation_links_from_where_each_page_is(site, catalogue):
    """Pages outside the nav share one rendered navigation only when its links come out the same:
    every program page alike, while a tag page reaches 标签 one folder up."""
    navs = {primary_nav(site, f"classes/{program.id}/index.html") for program in catalogue.programs}
    assert len(navs) == 1
    links = re.findall(r'href="([^"]*)"', navs.pop())
    assert "../../tags/" in links and "../../unions/" in links
    tag = next(path for path in (site / "tags").iterdir() if path.is_dir())
    tag_links = re.findall(r'href="([^"]*)"', primary_nav(site, tag.relative_to(site) / "index.html"))
    assert "../" in tag_links and "../../tags/" not in tag_links
    home_links = re.findall(r'href="([^"]*)"', primary_nav(site, "index.html"))
    assert "tags/" in home_links


def theme_hooks():
    """catalogue/hooks.py as MkDocs loaded it: a module of its own, not catalogue.hooks."""
    return mkdocs_config().hooks["catalogue/hooks.py"]


def site_files(site):
    return {path.relative_to(site): path.read_bytes() for path in site.rglob("*") if path.is_file() and path.suffix != ".gz"}


def test_shared_theme_parts_leave_every_page_as_rendered_alone(site, catalogue, today, tmp_path):
    """Header, footer, navigation, table of contents, styles, scripts and the theme's configuration,
    rendered once for the pages outside the nav that would get the same, make every file of the site come out byte for byte as when each
    page renders its own (the header with each page's own title)."""
    rendered = collections.Counter()

    def each_page_its_own(self, name, page, nav, caller, **how):
        rendered[name] += 1
        return caller()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(theme_hooks().SharedParts, "__call__", each_page_its_own)
        alone = build_site(catalogue, out=tmp_path / "site", docs_dir=tmp_path / "docs", today=today)
    pages = len(list(site.rglob("index.html")))
    assert set(rendered) == {"nav", "toc", "styles", "header", "footer", "config", "scripts"}
    assert min(rendered.values()) >= pages
    assert site_files(alone) == site_files(site)


def test_a_shared_header_shows_each_page_s_own_title(site, catalogue):
    """The title in the header is the page's, as its Open Graph title is, never another page's."""
    for program in catalogue.programs:
        page = (site / "classes" / program.id / "index.html").read_text(encoding="utf-8")
        topic = re.search(r'data-md-component="header-topic">\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', page, re.S)
        title = re.search(r'<meta property="og:title" content="([^"]*)">', page)
        assert topic.group(1) == title.group(1) and program.title[:4] in topic.group(1), program.id
        assert "\x00" not in page, program.id


@pytest.mark.parametrize("root", ["", "../", "../../"])
def test_a_card_rendered_once_links_from_each_listing_s_depth(catalogue, today, root):
    """One rendering per program serves the home page, the archive and the tag and union pages: each
    gets the card the template makes for its own depth, program text with braces included."""
    pages = Pages(Settings(site_url="https://classes.example.cn/", enrol_base="", today=today))
    programs = pages.shown(catalogue.programs)
    braced = programs[0].model_copy(update={"title": "{root} 班 {x}", "tags": ["{root}"]})
    for program in [*programs, braced]:
        for depth in ("", "../", "../../"):
            pages.cards.card_html(program, depth)
        alone = str(pages.cards.card(program, root, pages.ended(program))) + "\n"
        assert pages.cards.card_html(program, root) == alone, program.id
    assert f'href="{root}classes/' in alone and "&#123;root&#125;" in alone
