"""MkDocs hook: finished HTML that Python-Markdown need not parse.

Program pages and listings are mostly raw HTML blocks (fact lists, session
tables, hundreds of cards). Markdown would run two HTML parsers over each
only to pass it through unchanged, and that was a fifth of a build. So a
generated page may end with SPLIT and its finished HTML parts, separated by
PART: the hook takes them off before Markdown runs, and once Markdown is done
puts part N where the page's slot(N) comment is. A part the search index
leaves out anyway (sessions table, buttons) goes in only after the search
plugin has read the page, so that plugin does not parse it either. One file
per page, so `serve`'s dirty rebuild still sees every change by the page's
timestamp.

MkDocs also builds a new Python-Markdown parser, extensions and all, for
every page, which cost a sixth of what converting the page does; on_config
has it reuse one parser per configuration instead (see ReusedMarkdown).
"""

from pathlib import Path

import markdown as markdown_module
import material
import mkdocs.structure.pages
from jinja2 import ChoiceLoader, FileSystemBytecodeCache, FileSystemLoader, PrefixLoader
from markupsafe import Markup
from mkdocs.utils import get_relative_url

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"

SPLIT = "\n<!-- cat:html follows -->\n"
PART = "\n<!-- cat:html part -->\n"


def slot(number, searched=True):
    """The comment Markdown passes through and the hook replaces with part `number`:
    before the search plugin reads the page, or after it when not `searched`."""
    return f"<!-- cat:html {number} -->" if searched else f"<!-- cat:html {number} unsearched -->"


def with_html(markdown, parts):
    """A page's Markdown (containing slot(0) ... slot(len(parts) - 1)) plus its HTML parts."""
    return markdown + SPLIT + PART.join(parts) if parts else markdown


def on_page_markdown(markdown, page, **kwargs):
    markdown, split, tail = markdown.partition(SPLIT)
    page.catalogue_html = tail.split(PART) if split else []
    return markdown


def on_page_content(html, page, **kwargs):
    return _fill(html, page, searched=True)


def on_post_page(output, page, **kwargs):
    return _fill(output, page, searched=False)


def _fill(html, page, searched):
    for number, part in enumerate(getattr(page, "catalogue_html", ())):
        html = html.replace(slot(number, searched), part, 1)
    return html


def on_env(env, config, files):
    """Keep the theme's compiled templates on disk: `serve` makes a new environment for every
    edit, and compiling Material's templates again cost 0.4 s of each preview refresh.

    Also lets an override include the template it replaces ("material/partials/nav.html"), and
    gives the overrides their cache of rendered theme parts (`shared`), new each build."""
    env.bytecode_cache = FileSystemBytecodeCache()
    env.loader = ChoiceLoader([env.loader, PrefixLoader({"material": FileSystemLoader(str(MATERIAL_TEMPLATES))})])
    env.globals["shared"] = SharedParts()
    return env


# Stands for the page's title in a shared header; no title contains it.
TITLE = "\x00cat:title\x00"


class SharedParts:
    """Parts of Material's layout rendered once for all the pages that would get the same ones.

    A page outside the nav marks nothing in the primary navigation as current, and has no previous
    or next page for the footer, so its navigation, header, footer, styles, scripts and theme
    configuration differ from another such page's only in their links, which are relative to the
    page. Pages whose links to the site root and to every nav page come out the same get the same
    parts, rendered once: a thousand program pages share one of each. The header also shows the
    page's title; it is rendered with TITLE in its place, and each page's put in. The table of
    contents links only within the page, so pages with the same headings below the title (every
    program page with the same sections) share it.

    Shared parts may link only to the site root, to nav pages and to the theme's assets/: a page
    under assets/ would reach those by other relative links, so it renders its own."""

    def __init__(self):
        self.rendered = {}

    def __call__(self, name, page, nav, caller, titled=False, contents=False):
        if page is None or nav is None or page in nav.pages or page.url.startswith("assets/"):
            return caller()
        if contents:
            key = (name, _headings(page.toc))
        else:
            key = (name, get_relative_url("", page.url), tuple(get_relative_url(item.url, page.url) for item in nav.pages))
        if key not in self.rendered:
            self.rendered[key] = Markup(_with_title(page, TITLE, caller) if titled else caller())
        shown = self.rendered[key]
        # As the theme prints the title: raw (MkDocs' environment does not autoescape), meta first.
        return Markup(str(shown).replace(TITLE, str(page.meta.get("title") or page.title))) if titled else shown


def _headings(toc):
    """What Material's partials/toc.html shows of a table of contents: a lone h1 (the page title)
    stands for its sections, which are listed without it."""
    first = next(iter(toc), None)
    items = first.children if first is not None and first.level == 1 else toc
    return _outline(items)


def _outline(items):
    return tuple((item.url, item.title, getattr(item, "typeset", None), _outline(item.children)) for item in items)


def _with_title(page, title, render):
    """render() while the page's front matter title is `title`, which is what the theme shows."""
    missing = object()
    kept = page.meta.get("title", missing)
    page.meta["title"] = title
    try:
        return render()
    finally:
        if kept is missing:
            del page.meta["title"]
        else:
            page.meta["title"] = kept


class ReusedMarkdown:
    """The `markdown` module as mkdocs.structure.pages sees it, except that Markdown(...) hands
    back one parser per set of extensions, reset, instead of building a new one per page.

    MkDocs (1.6) registers its per-page processors on the parser by name, which replaces the
    previous page's; reset() clears what the extensions keep (toc's tokens, link references)."""

    def __init__(self):
        self.parsers = []

    def __getattr__(self, name):
        return getattr(markdown_module, name)

    def Markdown(self, extensions=(), extension_configs=None, **options):  # noqa: N802 (the module's name)
        for known, configs, kept, parser in self.parsers:
            if known == extensions and configs == extension_configs and kept == options:
                return parser.reset()
        parser = markdown_module.Markdown(extensions=extensions, extension_configs=extension_configs, **options)
        self.parsers.append((extensions, extension_configs, options, parser))
        return parser


def on_config(config, **kwargs):
    mkdocs.structure.pages.markdown = ReusedMarkdown()
    return config
