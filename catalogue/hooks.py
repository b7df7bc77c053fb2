"""MkDocs hook: finished HTML that Python-Markdown need not parse.

A listing page carries hundreds of cards of raw HTML. Markdown would run
two HTML parsers over every card only to pass them through unchanged, and
that was a fifth of a build. So a generated page may end with SPLIT followed
by finished HTML: the hook takes that tail off before Markdown runs and puts
it where the page's SLOT comment is once Markdown is done. One file per page,
so `serve`'s dirty rebuild still sees every change by the page's timestamp.
"""
SLOT = "<!-- cat:html -->"
SPLIT = "\n<!-- cat:html follows -->\n"


def with_html(markdown, html):
    """A page's Markdown (containing SLOT) plus the HTML that replaces SLOT."""
    return markdown + SPLIT + html


def on_page_markdown(markdown, page, **kwargs):
    markdown, _, page.catalogue_html = markdown.partition(SPLIT)
    return markdown


def on_page_content(html, page, **kwargs):
    tail = getattr(page, "catalogue_html", "")
    return html.replace(SLOT, tail, 1) if tail else html
