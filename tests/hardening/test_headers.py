"""Every kind of page the app answers carries the security headers, and personal pages are never cached."""

import pytest

from tests.app.helpers import api_child, submit_form

FORM = "/enrol/wangjing-winter/week-1"


@pytest.fixture
def pages(client):
    created = client.post("/api/enrolments", json=api_child()).get_json()
    reference = created["reference"]
    return {
        "form": client.get(FORM),
        "form with errors": submit_form(client, FORM, name="")[0],
        "missing csrf": client.post(FORM, data={}),
        "result": client.get(f"/r/{reference}"),
        "calendar": client.get(f"/r/{reference}/calendar.ics"),
        "lookup": client.get("/lookup"),
        "privacy": client.get("/privacy"),
        "not found": client.get("/no/such/page"),
        "too large": client.post(FORM, data={"name": "x" * 100_000}),
        "api enrolment": client.get(f"/api/enrolments/{reference}"),
        "api error": client.get("/api/enrolments/nothing-here"),
        "api availability": client.get("/api/availability"),
        "openapi": client.get("/api/openapi.json"),
        "health": client.get("/healthz"),
    }


def test_security_headers_on_every_kind_of_page(pages):
    for kind, response in pages.items():
        policy = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, kind
        assert "frame-ancestors 'none'" in policy, kind
        assert response.headers["X-Content-Type-Options"] == "nosniff", kind
        assert response.headers["Referrer-Policy"] == "no-referrer", kind


def test_personal_pages_are_never_cached(pages):
    for kind in ("form", "form with errors", "result", "calendar", "api enrolment", "lookup"):
        assert pages[kind].headers["Cache-Control"] == "no-store", kind


def test_a_huge_body_is_refused_with_413_in_chinese(pages, client):
    assert pages["too large"].status_code == 413
    assert "提交的内容太大了" in pages["too large"].get_data(as_text=True)
    api = client.post("/api/enrolments", data='{"name": "' + "张" * 70_000 + '"}', content_type="application/json")
    assert api.status_code == 413 and api.get_json()["error"] == "too_large"


def test_no_debug_and_no_shared_default_secret(make_app, tmp_path):
    first = make_app(SECRET_KEY=None)
    assert first.debug is False
    assert first.config["SECRET_KEY"] and len(first.config["SECRET_KEY"]) >= 32
    from forms_app.secret import instance_secret

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert instance_secret(str(tmp_path / "a")) != instance_secret(str(tmp_path / "b"))
    assert instance_secret(str(tmp_path / "a")) == instance_secret(str(tmp_path / "a"))
