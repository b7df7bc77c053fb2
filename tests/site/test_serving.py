"""`make run`'s static side: compressed text and cache lifetimes, as production is told to serve."""
import gzip
import re

import pytest
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.test import Client
from werkzeug.wrappers import Response

from forms_app.devserver import Compressed, SiteIndex


@pytest.fixture
def client(site):
    def app(environ, start_response):
        return Response('{"ok": true}', content_type="application/json")(environ, start_response)
    return Client(Compressed(SiteIndex(SharedDataMiddleware(app, {"/": str(site)}, cache=False), site), site))


def bundle(site):
    return "/" + next(site.glob("assets/javascripts/bundle.*.min.js")).relative_to(site).as_posix()


def test_pages_are_gzipped_and_revalidated(client, site):
    plain = (site / "index.html").read_bytes()
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip" and response.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(response.get_data()) == plain
    assert int(response.headers["Content-Length"]) < len(plain) / 3
    assert response.headers["Cache-Control"] == "no-cache"


def test_brotli_when_the_browser_takes_it(client, site):
    brotli = pytest.importorskip("brotli")
    response = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.get_data()) == (site / "index.html").read_bytes()


def test_fingerprinted_theme_files_are_cached_for_a_year(client, site):
    response = client.get(bundle(site), headers={"Accept-Encoding": "gzip"})
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/assets/filters.js").headers["Cache-Control"] == "no-cache"


def test_no_encoding_asked_none_given_and_images_untouched(client, site):
    response = client.get("/")
    assert "Content-Encoding" not in response.headers and response.get_data() == (site / "index.html").read_bytes()
    image = client.get("/assets/share.png", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in image.headers


def test_app_answers_are_compressed_but_not_given_site_cache_rules(client):
    response = client.get("/api/availability", headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(response.get_data()) == b'{"ok": true}'
    assert "Cache-Control" not in response.headers or not re.search("max-age=31536000", response.headers["Cache-Control"])


def test_the_service_worker_is_served_as_script_and_always_revalidated(client):
    """A worker kept by a long cache would keep parents on an old catalogue; one served as anything
    but JavaScript is refused by the browser, and offline reading never starts."""
    response = client.get("/sw.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(("text/javascript", "application/javascript"))
    assert response.headers["Cache-Control"] == "no-cache"
    assert b"addEventListener" in gzip.decompress(response.get_data())
