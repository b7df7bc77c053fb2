"""Issue 13: the submission id that groups siblings is the server's, not the client's.
Two families that send the same `submission` field or `Idempotency-Key` stay apart, and
neither result page lists the other's child; a real retry still finds its first answer."""

from tests.app.helpers import api_child, child, csrf_token, hidden

FORM = "/enrol/wangjing-winter/week-1"


def post_form(client, submission, **fields):
    page = client.get(FORM).get_data(as_text=True)
    return client.post(FORM, data={"csrf_token": csrf_token(page), "submission": submission, **child(**fields)})


def result_page(client, response):
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_submission_field_the_client_picks_groups_nobody(app):
    chosen = "same-for-everyone-0001"
    a, b = app.test_client(), app.test_client()
    first = post_form(a, chosen, name="张小明", phone="13912340001")
    second = post_form(b, chosen, name="李小红", phone="13912340002")
    assert (first.status_code, second.status_code) == (303, 303)
    assert "张小明" not in result_page(b, second) and "李小红" not in result_page(a, first)


def test_copying_another_familys_signed_token_groups_nobody(app):
    a, b = app.test_client(), app.test_client()
    copied = hidden(a.get(FORM).get_data(as_text=True), "submission")
    first = post_form(a, copied, name="张小明", phone="13912340001")
    second = post_form(b, copied, name="李小红", phone="13912340002")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] != second.headers["Location"]
    assert "张小明" not in result_page(b, second) and "李小红" not in result_page(a, first)


def test_the_form_issues_a_signed_token_and_a_resent_post_finds_its_first_answer(client):
    page = client.get(FORM).get_data(as_text=True)
    token = hidden(page, "submission")
    assert token.count(".") == 2
    fields = {
        "csrf_token": csrf_token(page),
        "submission": token,
        **child(**{"name-2": "王小亮", "birthdate-2": child()["birthdate"], "answers-lunch-2": "yes"}),
    }
    first, again = client.post(FORM, data=fields), client.post(FORM, data=fields)
    assert first.status_code == again.status_code == 303 and first.headers["Location"] == again.headers["Location"]
    assert "王小亮" in result_page(client, first)


def test_one_idempotency_key_from_two_families_makes_two_enrolments(client):
    key = {"Idempotency-Key": "k" * 20}
    first = client.post("/api/enrolments", json=api_child(name="张小明", phone="13912340001"), headers=key)
    second = client.post("/api/enrolments", json=api_child(name="李小红", phone="13912340002"), headers=key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json()["reference"] != second.get_json()["reference"]
    page = client.get(f"/r/{second.get_json()['reference']}").get_data(as_text=True)
    assert "李小红" in page and "张小明" not in page
    retry = client.post("/api/enrolments", json=api_child(name="张小明", phone="13912340001"), headers=key)
    assert retry.status_code == 200 and retry.get_json()["reference"] == first.get_json()["reference"]
