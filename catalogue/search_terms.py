"""MkDocs hook: search terms a Chinese parent types that jieba's words alone miss,
and jieba's cut of each run of Han characters made once per build.

The theme's search (lunr) matches whole words, or their beginnings, and the
index holds the words jieba cut. A parent also types part of a word (饽饽 in
花饽饽, 窗花 in 剪窗花), or pinyin without tones on a phone keyboard (huabobo)
or its initials (hbb). After the search plugin has written the index, each
program section gets those extra terms appended: jieba's search-mode
sub-words, and each word's pinyin and initials. They never appear on the
page, only in search/search_index.json; the snippet a parent reads is cut
from the start of the text, before them.

Typos cannot be listed ahead: each page's theme configuration is pointed at
assets/javascripts/workers/catalogue-search.js, which runs the theme's own
search worker and mends a mistyped Chinese word against the index first.

The search plugin cuts every Han run of every section with jieba, and the
programs of a catalogue repeat most of theirs (labels, headings, union and
district names, shared wording); on_config replaces the plugin's cutting with
the same cut remembered per distinct run, so the index comes out the same.
"""

import functools
import json
import re
from pathlib import Path

import jieba
from backrefs import bre
from material.plugins.search.plugin import SearchIndex
from pypinyin import lazy_pinyin

HAN = re.compile(r"^[\u4e00-\u9fff]{2,}$")
ZWSP = "\u200b"
# The theme's worker as named in each page's __config JSON ("search": "../assets/…/search.<hash>.min.js").
WORKER = re.compile(r'("search": "[^"]*assets/javascripts/workers/)(search\.[0-9a-f]{8}\.min\.js)"')


def on_post_page(output, **kwargs):
    return WORKER.sub(r'\1catalogue-search.js?worker=\2"', output, count=1)


def extra_terms(text):
    """Sub-words, pinyin and pinyin initials of every Chinese word in `text`, once each.

    The search plugin has already cut the text with jieba (words joined by U+200B), so only each
    distinct word is looked at again, and its terms are cached: programs share most of their words,
    and 3,000 programs would otherwise spend seconds cutting and romanising the same ones."""
    plain = re.sub(r"<[^>]+>", " ", text)
    seen, found = set(), []
    for word in sorted(set(re.split(r"[\s\u200b]+", plain))):
        if not HAN.match(word):
            continue
        for term in _terms(word):
            if term not in seen:
                seen.add(term)
                found.append(term)
    return found


@functools.lru_cache(maxsize=100_000)
def _terms(word):
    terms = []
    for part in [word, *(w for w in jieba.cut_for_search(word) if w != word and HAN.match(w))]:
        syllables = lazy_pinyin(part, errors="ignore")
        terms += [part, "".join(syllables), "".join(s[0] for s in syllables if s)]
    return tuple(t for t in terms if t)


# What the search plugin (material/plugins/search/plugin.py, _segment_chinese) looks for.
_HAN_RUN = bre.compile(r"(\p{script: Han}+)", bre.UNICODE)


@functools.lru_cache(maxsize=200_000)
def _cut(run):
    """One Han run as the plugin writes it: jieba's words between U+200B marks."""
    return ZWSP + ZWSP.join(jieba.cut(run)) + ZWSP


def segment_chinese(index, data):
    """SearchIndex._segment_chinese with each distinct run cut once."""
    return _HAN_RUN.sub(lambda found: _cut(found.group(0)), data).strip(ZWSP)


def on_config(config, **kwargs):
    SearchIndex._segment_chinese = segment_chinese
    return config


def on_post_build(config, **kwargs):
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    pages = {}
    for doc in index["docs"]:
        if doc["location"].startswith("classes/"):
            pages.setdefault(doc["location"].split("#")[0], []).append(doc)
    for sections in pages.values():
        terms = extra_terms(" ".join(d["title"] + " " + d["text"] for d in sections))
        sections[0]["text"] += f"<span hidden>{ZWSP}{ZWSP.join(terms)}</span>"
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
