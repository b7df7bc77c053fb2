"""Program files are untrusted input to the site: say so to staff before a build does.

The catalogue prints every field as plain text and renders `description`
through an allowlist (catalogue/plaintext.py, catalogue/richtext.py), so
markup in a file can no longer run. But a tag that shows up as literal
`<b>` on a parent's phone is still a mistake, and a `javascript:` link or an
SVG under `images` is at best a mistake and at worst an attack on whoever
opens the page. `check` reports each at its line, in words staff can act on.
"""

import html
import re

from PIL import Image

from .messages import _NAMES as LABELS
from .messages import key_path

# What the site publishes under `images`, recognised by the bytes (Pillow's format name).
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}

# A tag: `<name` followed by a space, `/` or `>`; so <https://...> autolinks and <a@b.cn> are not tags.
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(?=[\s/>])[^>]*>|<!--|<!\[CDATA\[|<\?")
# A script URL where a link target starts; browsers ignore whitespace and control characters inside it.
_SCRIPT_URL = re.compile(r"(?:^|[(<\"'=]|\]:)(?:java|vb)script:|data:text/html", re.IGNORECASE)
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")


def problems(data, folder):
    """[(key path, message)] for every text field that looks like markup and every image that is not a photo."""
    found = list(_text_problems(data, ()))
    images = data.get("images") if isinstance(data, dict) else None
    for index, name in enumerate(images if isinstance(images, list) else []):
        if isinstance(name, str) and (folder / name).is_file() and image_format(folder / name) not in IMAGE_FORMATS:
            found.append(
                (
                    ("images", index),
                    (
                        f"images[{index}]（图片）“{name}”不是 JPEG、PNG 或 WebP 图片（按文件内容判断，不看扩展名）："
                        "SVG、网页等文件不能作图片，请换成照片或截图"
                    ),
                )
            )
    return found


def image_format(path):
    """Pillow's name for the file's format ('JPEG', 'PNG', ...) from its first bytes, or None."""
    try:
        with Image.open(path) as image:
            return image.format
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _text_problems(value, path):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _text_problems(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _text_problems(item, path + (index,))
    elif isinstance(value, str):
        shown = _shown(path)
        tag = _TAG.search(value)
        if tag:
            text = tag.group(0) if len(tag.group(0)) <= 40 else tag.group(0)[:39] + "…"
            if path == ("description",):
                yield (
                    path,
                    (
                        f"{shown} 含有 HTML 标签“{text}”：网站不显示 HTML，会把它原样显示出来。"
                        "请改用 Markdown，如 **加粗**、[链接文字](https://…)"
                    ),
                )
            else:
                yield (
                    path,
                    (
                        f"{shown} 含有 HTML 标签“{text}”：这里只能写文字，HTML 会原样显示出来。"
                        "请删掉它；加粗、链接等格式只能写在详细介绍（description）里，用 Markdown"
                    ),
                )
        if _SCRIPT_URL.search(_IGNORED_IN_URLS.sub("", html.unescape(value))):
            yield path, f"{shown} 含有 javascript: 链接：网站只允许 http、https、tel、mailto 链接，请改成网址或删掉"


def _shown(path):
    field = next((part for part in reversed(path) if isinstance(part, str)), "")
    label = "课程简介" if path[:1] == ("courses",) and field == "description" else LABELS.get(field)
    return f"{key_path(path)}（{label}）" if label else key_path(path)
