"""A program's `description`: Markdown from an untrusted file, made into HTML a browser cannot run.

Python-Markdown would pass raw HTML through, so its HTML processors are
removed and any tag in the text shows as text. The result then goes through
nh3's allowlist: only text formatting, lists, tables and links, and links
only to http, https, tel and mailto (no relative ones: a description has no
business pointing into this site or the staff console).
"""

import functools
import re

import markdown
import nh3
from markupsafe import Markup

TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "tel", "mailto"}
# A link nh3 took the address from: keep its words, drop the link a parent could not follow.
_DEAD_LINK = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.S)


@functools.cache
def _markdown():
    """One parser for every description: building Python-Markdown's processors cost more than
    converting a description with them. reset() before each use forgets the previous one."""
    md = markdown.Markdown(extensions=["tables", "sane_lists"])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def description_html(text):
    html = nh3.clean(
        _markdown().reset().convert(text),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        url_relative="deny",
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(_DEAD_LINK.sub(r"\1", html))
