"""MkDocs hook: the search index is fetched when a parent first opens search, not on every page.

mkdocs-material 9.8.1 fetches search/search_index.json as soon as any page loads and
parses it on the main thread before handing it to its worker. With the pinyin and
sub-word terms (catalogue/search_terms.py) the index is about 1.2 MB raw, 26 KB
compressed, at 300 programs, and grows with every program: most parents open a page
to read it, so that download and that parse only slow their first screen. The theme
itself waits for its search toggle before loading the index when a page is opened from
disk (file:); this hook makes it wait that way everywhere, in a copy of the theme's
bundle named by its own content hash, so it can be cached forever like the original.

The replaced expression is the minified theme's; a theme upgrade that changes it stops
the build here rather than quietly loading the index eagerly again.
"""

import hashlib
from pathlib import Path

import material
from mkdocs.exceptions import PluginError

THEME_SCRIPTS = Path(material.__file__).parent / "templates" / "assets" / "javascripts"
# setupSearchWorker(): merge(of(location.protocol !== "file:"), watchToggle("search")).pipe(first(active => active), ...)
EAGER = 'L($(location.protocol!=="file:"),Je("search"))'
LAZY = 'Je("search")'


def lazy_bundle():
    """(site path, text) of the theme's bundle with the index loaded on the first open of search."""
    bundles = sorted(THEME_SCRIPTS.glob("bundle.*.min.js"))
    if len(bundles) != 1:
        raise PluginError(f"lazy_search: expected one theme bundle in {THEME_SCRIPTS}, found {len(bundles)}")
    text = bundles[0].read_text(encoding="utf-8")
    if text.count(EAGER) != 1:
        raise PluginError(f"lazy_search: {bundles[0].name} no longer loads the search index as 9.8.1 did; update catalogue/lazy_search.py")
    patched = text.replace(EAGER, LAZY)
    digest = hashlib.sha256(patched.encode("utf-8")).hexdigest()[:8]
    return f"assets/javascripts/bundle.{digest}.min.js", patched


def on_config(config, **kwargs):
    config.extra["lazy_bundle"], _text = lazy_bundle()
    return config


def on_post_build(config, **kwargs):
    path, text = lazy_bundle()
    target = Path(config.site_dir) / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    for original in target.parent.glob("bundle.*.min.js"):
        if original != target:  # the theme's own copy, which no page names any more
            original.unlink()
