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

from markupsafe import Markup, escape

_SPECIAL = "&<>\"'`*_[](){}!\\|"
_REFERENCES = {ord(char): f"&#{ord(char)};" for char in _SPECIAL}


def as_html(value):
    """Jinja's finalize: plain values become inert HTML; Markup (finished HTML) passes as it is."""
    if isinstance(value, Markup):
        return value
    return Markup(str(value).translate(_REFERENCES))


def join(values, separator=""):
    """Jinja's join, with every item escaped like any other value."""
    return Markup(as_html(separator)).join(as_html(value) for value in values)


def front_matter(value):
    """A YAML value (JSON is YAML) holding HTML-escaped text, for themes that print it raw."""
    if isinstance(value, (list, tuple)):
        return Markup(json.dumps([str(escape(item)) for item in value], ensure_ascii=False))
    return Markup(json.dumps(str(escape(value)), ensure_ascii=False))
