"""The Content-Security-Policy every catalogue page carries in a meta tag.

The catalogue is static and served by whatever hosts it, so the policy
travels inside each page. Even if markup from a program file slipped past
escaping, no inline script, inline handler or foreign script could run:
scripts come only from the site's own files (the theme's inline bits are
moved into site_src/static/assets/ by site_src/overrides/). Pages may fetch
only from the site itself (Material's search index) and the enrolment app
(places.js asks /api/availability).

It is also an MkDocs hook: on_config hands the policy to the theme templates.
"""

import hashlib
from base64 import b64encode
from urllib.parse import urlsplit


def enrol_origin(enrol_base):
    """'https://baoming.example.cn' for a full enrol_base; None when the app shares the site's origin."""
    parts = urlsplit(enrol_base or "")
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def site_policy(enrol_base):
    connect = " ".join(filter(None, ["'self'", enrol_origin(enrol_base)]))
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "worker-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "manifest-src 'self'",
            f"connect-src {connect}",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
            "frame-src 'none'",
        ]
    )


def poster_policy(style):
    """The A4 poster is one page of its own: its one inline stylesheet, by hash, and the print button's script."""
    digest = b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            f"style-src 'sha256-{digest}'",
            "img-src 'self' data:",
            "base-uri 'none'",
            "object-src 'none'",
            "form-action 'none'",
        ]
    )


def allowing_script(html, script):
    """`html` (bytes) whose policy also lets the one inline `script` (bytes) run, by its hash:
    how `serve` keeps MkDocs' live-reload script working (catalogue/preview.py). Nothing else
    inline is allowed, whatever the page holds."""
    source = b"&#39;sha256-" + b64encode(hashlib.sha256(script).digest()) + b"&#39;"
    # The meta tag's value is HTML-escaped (site_src/overrides/main.html).
    return html.replace(b"script-src &#39;self&#39;", b"script-src &#39;self&#39; " + source, 1)


def on_config(config, **kwargs):
    config.extra["content_security_policy"] = site_policy(config.extra.get("enrol_base"))
    return config
