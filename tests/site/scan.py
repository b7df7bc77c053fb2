"""Read built pages the way a browser would, for what could run: scripts, handlers, links;
and, for the Chromium tests, a recorder of what the page's policy refused."""
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

SAFE_SCHEMES = {"", "http", "https", "tel", "mailto"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
FORBIDDEN_TAGS = {"iframe", "frame", "object", "embed", "base"}

# Runs before any page script and records what the Content-Security-Policy refused.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.effectiveDirective + " " + (event.blockedURI || "inline"));
});
"""

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.scripts, self._script = [], [], None
        self.texts, self._open = {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag not in VOID:
            self._open.append(tag)
        if tag == "script":
            self._script = [attrs, ""]
            self.scripts.append(self._script)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data):
        if self._script is not None:
            self._script[1] += data
        for tag in set(self._open):
            self.texts[tag] = self.texts.get(tag, "") + data

    def text(self, tag):
        """All text inside `tag` elements, as a browser would show it."""
        return self.texts.get(tag, "")


def parse(html):
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser


def dangers(html):
    """Everything in `html` that a browser would run or follow into script, as readable lines."""
    page, found = parse(html), []
    for tag, attrs in page.elements:
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = urlsplit(_IGNORED_IN_URLS.sub("", value)).scheme.lower()
                if scheme not in SAFE_SCHEMES:
                    found.append(f"<{tag} {name}={value!r}>")
    for attrs, body in page.scripts:
        if "src" not in attrs and attrs.get("type") != "application/json":
            found.append(f"inline <script>{body[:60]}")
    return found
