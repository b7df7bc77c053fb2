"""One local port for a newcomer: the built catalogue from site/ and this app.

`make run` serves this with gunicorn on 127.0.0.1:8000, so a click on a
program page's 报名 button lands on the form. Production serves site/ from a
web server or CDN and runs the app behind it (docs/enrolment.md).
"""
from pathlib import Path

from werkzeug.middleware.shared_data import SharedDataMiddleware

from . import PROJECT_ROOT, create_app

SITE_DIR = PROJECT_ROOT / "site"


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


def site_and_app(site_dir=SITE_DIR):
    app = create_app()
    return SiteIndex(SharedDataMiddleware(app, {"/": str(site_dir)}, cache=False), site_dir)
