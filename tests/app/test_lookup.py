"""/lookup: a parent who lost the link finds it with phone and short code; guessing is limited."""

from tests.app.helpers import api_child, csrf_token


def lookup(client, phone, code):
    token = csrf_token(client.get("/lookup").get_data(as_text=True))
    return client.post("/lookup", data={"csrf_token": token, "phone": phone, "code": code})


def test_phone_and_code_find_the_enrolment(client):
    created = client.post("/api/enrolments", json=api_child()).get_json()
    typed = created["code"].lower()[:4] + " " + created["code"].lower()[4:]
    response = lookup(client, "139 1234 0001", typed)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/r/{created['reference']}"


def test_a_code_with_someone_elses_phone_finds_nothing(client):
    created = client.post("/api/enrolments", json=api_child()).get_json()
    response = lookup(client, "13912349999", created["code"])
    assert response.status_code == 404
    assert "手机号和查询码对不上" in response.get_data(as_text=True)


def test_wrong_guesses_are_rate_limited_but_right_answers_are_not_counted(make_app):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX="lookup-test").test_client()
    created = client.post("/api/enrolments", json=api_child()).get_json()
    for _ in range(3):
        assert lookup(client, "13912340001", created["code"]).status_code == 303
    statuses = [lookup(client, "13912340001", "WRONG234").status_code for _ in range(6)]
    assert statuses == [404] * 5 + [429]
    assert "操作太频繁了" in lookup(client, "13912340001", created["code"]).get_data(as_text=True)
