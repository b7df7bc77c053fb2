"""Text from a program file reaches a page as text, never as markup.

Program files are untrusted input. A page is Markdown that Python-Markdown
renders plus finished HTML parts that skip it (hooks.py), and escaping only
`<` and `&` would still hand `[x](javascript:...)` or attr_list's
`{ onclick=... }` to Markdown. So every character that HTML, Markdown or
attr_list gives a meaning is written as a numeric character reference: it
reads the same in Markdown, in raw HTML and inside attribute values, and
means nothing to any of them.

Front matter is different: MkDocs and Material print page.meta values into
<title>, meta tags, the header and the search index without escaping, so
those values are stored HTML-escaped (front_matter).
"""

import json
import re

from markupsafe import Markup, escape

_SPECIAL = "&<>\"'`*_[](){}!\\|#"
# A line break in a field is only whitespace on a page, but in Markdown it could start a
# heading, a quote or a code block: it becomes a space.
_REFERENCES = {**{ord(char): f"&#{ord(char)};" for char in _SPECIAL}, ord("\n"): " ", ord("\r"): " "}
# A value that starts a line of Markdown must not start a list (1. / - / +) or a rule.
_BLOCK_START = re.compile(r"^(\d+)\.|^([-+=])")


def as_html(value):
    """Jinja's finalize: plain values become inert HTML; Markup (finished HTML) passes as it is."""
    if isinstance(value, Markup):
        return value
    text = str(value).translate(_REFERENCES)
    return Markup(_BLOCK_START.sub(lambda found: f"{found[1]}&#46;" if found[1] else f"&#{ord(found[2])};", text, count=1))


def join(values, separator=""):
    """Jinja's join, with every item escaped like any other value."""
    return Markup(as_html(separator)).join(as_html(value) for value in values)


def front_matter(value):
    """A YAML value (JSON is YAML) holding HTML-escaped text, for themes that print it raw."""
    if isinstance(value, (list, tuple)):
        return Markup(json.dumps([str(escape(item)) for item in value], ensure_ascii=False))
    return Markup(json.dumps(str(escape(value)), ensure_ascii=False))
