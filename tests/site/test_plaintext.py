"""Any text at all, printed by the page templates, reaches the page as that text and nothing else:
through the Markdown the program page is (with mkdocs.yml's extensions) and inside attributes."""
import markdown
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from catalogue.plaintext import as_html
from tests.site.scan import dangers, parse

EXTENSIONS = ["attr_list", "tables", "toc"]
# The places a program page's Markdown puts a field (catalogue/templates/program.md.j2).
CONTEXTS = {
    "heading": ("# {}", "h1"),
    "list item": ("- **{}**（授课：{}）：{}", "li"),
    "line after a hard break": ("**名称**  \n{}", "p"),
    "paragraph": ("{}", "p"),
}
ALLOWED = {"h1", "ul", "li", "strong", "p", "br"}
text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80)
PAYLOADS = ["[x](javascript:alert(1))", "{ onclick=alert(1) }", "<script>alert(1)</script>", "标题 ###",
            "![i](javascript:1)", "[r]\n\n[r]: javascript:1", "`code` *em* _em_ \\*", "a | b\n--|--\nc | d",
            "&lt;script&gt;", "<https://x.cn>", "    缩进\n\n    代码", "> 引用", "1. 第一期", "# 3号楼"]


def shown(words):
    return " ".join(words.split())


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.sampled_from(PAYLOADS), text), context=st.sampled_from(sorted(CONTEXTS)))
def test_text_in_markdown_stays_text(value, context):
    value = value.strip()  # as the model stores every field (str_strip_whitespace)
    assume(value)
    template, tag = CONTEXTS[context]
    html = markdown.markdown(template.format(*[as_html(value)] * template.count("{}")), extensions=EXTENSIONS)
    page = parse(html)
    assert {element for element, _ in page.elements} <= ALLOWED, html
    assert not any(attrs for element, attrs in page.elements if element != "h1"), html
    assert shown(value) in shown(page.text(tag)), html


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(st.sampled_from(PAYLOADS), text))
def test_text_in_an_attribute_stays_that_attribute(value):
    page = parse(f'<img alt="{as_html(value)}" data-tags="{as_html(value)}">')
    [(element, attrs)] = page.elements
    assert element == "img" and set(attrs) == {"alt", "data-tags"} and dangers(f"<p>{as_html(value)}</p>") == []
    assert attrs["alt"] == value.replace("\n", " ").replace("\r", " ")
