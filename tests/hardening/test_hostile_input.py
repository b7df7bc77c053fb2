"""Garbage, payloads and tricks in every field: stored as text, shown escaped, never a 500."""

import html
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.app.helpers import api_child, child, csrf_token, hidden, rows, submit_form

FORM = "/enrol/wangjing-winter/week-1"
PAYLOADS = [
    "'; DROP TABLE enrolments; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }}",
    "\u202e\u2066王小明\u2069",
    "王\u200b小\u200d明",
    "👧🏻孩子😀",
    "\x00\x07\x1b[31m",
    "张" * 5000,
]
FIELDS = ["name", "guardian_name", "phone", "employer", "birthdate"]
hostile = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=80), st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
quick = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@quick
@given(field=st.sampled_from(FIELDS + ["answers"]), value=hostile)
def test_api_answers_any_field_without_a_server_error(client, field, value):
    body = api_child(phone="13912340002")
    body[field] = {"lunch": value} if field == "answers" else value
    response = client.post("/api/enrolments", json=body)
    assert response.status_code in (201, 409, 422), response.get_data(as_text=True)[:300]
    if response.status_code == 201:
        reference = response.get_json()["reference"]
        page = client.get(f"/r/{reference}").get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        client.post(f"/api/enrolments/{reference}/cancel")


@quick
@given(
    body=st.one_of(st.binary(max_size=200), st.text(max_size=200)),
    content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""]),
)
def test_api_survives_any_body_and_content_type(client, body, content_type):
    response = client.post("/api/enrolments", data=body, content_type=content_type)
    assert response.status_code in (400, 415, 422, 404, 409), response.status_code
    assert response.is_json and response.get_json()


@quick
@given(field=st.sampled_from(["name", "guardian_name", "employer", "phone", "birthdate", "answers-lunch"]), value=hostile)
def test_form_keeps_what_was_typed_and_never_errors(client, field, value):
    response, _ = submit_form(client, FORM, **child(**{field: value}))
    assert response.status_code in (303, 409, 422, 400), response.status_code
    if response.status_code == 422:
        page = response.get_data(as_text=True)
        assert "<script>alert(1)" not in page
        typed = value.replace("\x00", "")
        if field in ("name", "employer") and typed.strip() and "\r" not in typed and len(typed) < 200:
            assert html.escape(typed.strip(), quote=True) in page or html.escape(typed.strip(), quote=False) in page


def test_payloads_are_stored_as_text_and_shown_escaped(client, database):
    for number, payload in enumerate(PAYLOADS[:5]):
        body = api_child(name=f"孩子{number}", employer=payload, phone=f"1391234{number:04d}")
        reference = client.post("/api/enrolments", json=body).get_json()["reference"]
        assert rows(database, "SELECT employer FROM enrolments WHERE reference = ?", [reference]) == [(payload,)]
    assert rows(database, "SELECT count(*) FROM enrolments") == [(5,)]


def test_names_are_trimmed_and_nfc_normalised_before_the_duplicate_check(client, database):
    composed = "李小琳"
    decomposed = unicodedata.normalize("NFD", "Zoë 李")
    first = client.post("/api/enrolments", json=api_child(name=composed))
    assert first.status_code == 201
    for twin in (f"  {composed} ", "李\u200b小琳", f"\u2066{composed}\u2069"):
        again = client.post("/api/enrolments", json=api_child(name=twin))
        assert (again.status_code, again.get_json()["error"]) == (409, "duplicate"), twin
    assert client.post("/api/enrolments", json=api_child(name=decomposed)).status_code == 201
    stored = rows(database, "SELECT name FROM enrolments ORDER BY id")
    assert stored == [(composed,), (unicodedata.normalize("NFC", decomposed),)]


def test_missing_or_foreign_csrf_tokens_are_answered_400(client, app):
    page = client.get(FORM).get_data(as_text=True)
    fields = {"name": "王小明", "submission": hidden(page, "submission"), "consent": "y"}
    assert client.post(FORM, data=fields).status_code == 400

    stranger = app.test_client()
    foreign = csrf_token(stranger.get(FORM).get_data(as_text=True))
    replayed = client.post(FORM, data={**fields, "csrf_token": foreign})
    assert replayed.status_code == 400
    assert rows_count(app) == 0


def rows_count(app):
    return rows(app.config["DATABASE"], "SELECT count(*) FROM enrolments")[0][0]
