"""MkDocs hook: search terms a Chinese parent types that jieba's words alone miss.

The theme's search (lunr) matches whole words, or their beginnings, and the
index holds the words jieba cut. A parent also types part of a word (饽饽 in
花饽饽, 窗花 in 剪窗花), or pinyin without tones on a phone keyboard (huabobo)
or its initials (hbb). After the search plugin has written the index, each
program section gets those extra terms appended: jieba's search-mode
sub-words, and each word's pinyin and initials. They never appear on the
page, only in search/search_index.json; the snippet a parent reads is cut
from the start of the text, before them.
"""
import json
import re
from pathlib import Path

import jieba
from pypinyin import lazy_pinyin

HAN = re.compile(r"^[\u4e00-\u9fff]{2,}$")
ZWSP = "\u200b"


def extra_terms(text):
    """Sub-words, pinyin and pinyin initials of every Chinese word in `text`, once each, in order."""
    plain = text.replace(ZWSP, "")
    plain = re.sub(r"<[^>]+>", " ", plain)
    seen, found = set(), []
    words = set(plain.replace(" ", "\n").split(ZWSP)) | set(jieba.cut_for_search(plain))
    for word in sorted(w for w in words if HAN.match(w)):
        syllables = lazy_pinyin(word, errors="ignore")
        for term in (word, "".join(syllables), "".join(s[0] for s in syllables if s)):
            if term and term not in seen:
                seen.add(term)
                found.append(term)
    return found


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
        sections[0]["text"] += f'<span hidden>{ZWSP}{ZWSP.join(terms)}</span>'
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
