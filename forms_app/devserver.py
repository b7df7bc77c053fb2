"""One local port for a newcomer: the built catalogue from site/ and this app.

`make run` serves this with gunicorn on 127.0.0.1:8000, so a click on a
program page's 报名 button lands on the form. Production serves site/ from a
web server or CDN and runs the app behind it (docs/enrolment.md; the
compression and cache rules it should copy are in docs/catalogue.md).
"""

import gzip
import re
from pathlib import Path

from werkzeug.middleware.shared_data import SharedDataMiddleware

from . import PROJECT_ROOT, create_app

try:  # brotli is optional: gzip alone is what every phone browser takes.
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

SITE_DIR = PROJECT_ROOT / "site"
COMPRESSIBLE = re.compile(r"^(text/|application/(json|javascript|xml|manifest\+json)|image/svg\+xml)")
# Theme files whose names carry a content hash (bundle.a5f9d56c.min.js): a new build gives a new name.
FINGERPRINTED = re.compile(r"^/assets/(javascripts|stylesheets)/.*\.[0-9a-f]{8}\.min\.(js|css)$")


class SiteIndex:
    """Serve site/<path>/index.html for directory URLs, as a static host would."""

    def __init__(self, app, site_dir):
        self.app, self.site_dir = app, Path(site_dir)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "/")
        on_disk = path.encode("latin-1").decode("utf-8", "replace").lstrip("/")
        if path.endswith("/") and (self.site_dir / on_disk / "index.html").is_file():
            environ["PATH_INFO"] = path + "index.html"
        return self.app(environ, start_response)


class Compressed:
    """Brotli or gzip for text responses, and cache lifetimes for the site's files, as the production
    web server is configured to do: a parent on a slow phone connection fetches a quarter of the bytes,
    and theme files named by their hash are never asked for again."""

    def __init__(self, app, site_dir):
        self.app, self.site_dir = app, Path(site_dir)

    def __call__(self, environ, start_response):
        accepted = environ.get("HTTP_ACCEPT_ENCODING", "")
        path = environ.get("PATH_INFO", "/")
        captured = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers, exc_info=exc_info)
            return lambda data: captured.setdefault("written", []).append(data)

        body = self.app(environ, capture)
        if "status" not in captured:  # an app that calls start_response only once iterated
            body = [next(iter(body), b"")] + list(body)
        headers = list(captured["headers"])
        names = {name.lower(): value for name, value in headers}
        if self._is_site_file(path):
            policy = "public, max-age=31536000, immutable" if FINGERPRINTED.match(path) else "no-cache"
            headers = [(n, v) for n, v in headers if n.lower() != "cache-control"] + [("Cache-Control", policy)]
        encoding = "br" if brotli and "br" in accepted else "gzip" if "gzip" in accepted else None
        if (
            not encoding
            or "content-encoding" in names
            or not COMPRESSIBLE.match(names.get("content-type", ""))
            or names.get("content-type", "").startswith("text/event-stream")
        ):
            start_response(captured["status"], headers, captured["exc_info"])
            return body
        try:
            data = b"".join(captured.get("written", []) + list(body))
        finally:
            if hasattr(body, "close"):
                body.close()
        packed = brotli.compress(data, quality=5) if encoding == "br" else gzip.compress(data, compresslevel=6)
        headers = [(n, v) for n, v in headers if n.lower() not in ("content-length", "vary")]
        headers += [("Content-Encoding", encoding), ("Content-Length", str(len(packed))), ("Vary", "Accept-Encoding")]
        start_response(captured["status"], headers, captured["exc_info"])
        return [packed]

    def _is_site_file(self, path):
        relative = path.encode("latin-1").decode("utf-8", "replace").lstrip("/")
        target = self.site_dir / relative
        return (target / "index.html").is_file() if path.endswith("/") else bool(relative) and target.is_file()


def site_and_app(site_dir=SITE_DIR):
    app = create_app()
    return Compressed(SiteIndex(SharedDataMiddleware(app, {"/": str(site_dir)}, cache=False), site_dir), site_dir)
