"""The search index is fetched when a parent first opens search (catalogue/lazy_search.py):
reading a page costs none of it, and search still finds a class once opened."""

from tests.site.test_browser import search


def index_requests(page):
    seen = []
    page.on("request", lambda request: seen.append(request.url) if "search_index" in request.url else None)
    return seen


def test_a_page_loads_without_the_search_index_and_search_still_finds_a_class(phone, base_url):
    seen = index_requests(phone)
    phone.goto(base_url + "classes/sanlitun-2027-winter/")
    phone.wait_for_load_state("networkidle")
    assert seen == []
    hrefs = [a.get_attribute("href") for a in search(phone, "花饽饽").all()]
    assert len(seen) == 1
    assert any("wendeng-wenqixing-2027-winter" in href for href in hrefs), hrefs


def test_every_page_names_the_lazy_bundle_and_the_theme_copy_is_gone(site):
    bundles = sorted(path.name for path in (site / "assets" / "javascripts").glob("bundle.*.min.js"))
    assert len(bundles) == 1
    for page in ("index.html", "classes/sanlitun-2027-winter/index.html", "404.html"):
        assert bundles[0] in (site / page).read_text(encoding="utf-8"), page
