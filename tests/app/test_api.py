"""The JSON API through HTTP: availability, enrol, show, cancel, and its OpenAPI description."""

import json
import socket
import threading
from datetime import datetime, timedelta

import jsonschema
import pytest

from programs.model import SHANGHAI
from tests.app.helpers import api_child, born, rows

NOW = datetime.now(SHANGHAI)


def enrol(client, **changes):
    return client.post("/api/enrolments", json=api_child(**changes))


def test_enrolments_are_confirmed_then_waitlisted_with_positions(client):
    answers = [enrol(client, name=f"孩子{n}", phone=f"1391234000{n}") for n in range(4)]
    assert [r.status_code for r in answers] == [201] * 4
    bodies = [r.get_json() for r in answers]
    assert [(b["status"], b["position"]) for b in bodies] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    assert len({b["reference"] for b in bodies}) == 4 and all(len(b["code"]) == 8 for b in bodies)
    assert answers[0].headers["Cache-Control"] == "no-store"


def test_invalid_fields_come_back_as_422_in_chinese(client):
    response = enrol(client, phone="021-12345678", birthdate="2019/01/01", consent="yes", answers={"grade": "九年级"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors == {
        "phone": "请填写有效的大陆手机号，如 13800138000",
        "birthdate": "出生日期应写成 2018-05-01 这样的格式",
        "consent": "请由监护人阅读并同意个人信息保护说明",
        "answers-lunch": "请回答：是否需要午餐",
        "answers-grade": "请从给出的选项中选择：一年级、二年级、三年级",
    }
    assert enrol(client, birthdate=born(5).isoformat()).get_json()["errors"]["birthdate"].endswith("时 5 周岁，不符合本班 6–12 岁的要求")
    assert client.post("/api/enrolments", json=["not", "an", "object"]).status_code == 422


def test_wrong_content_type_and_malformed_json_get_their_own_answers(client):
    wrong = client.post("/api/enrolments", data="name=张三", content_type="application/x-www-form-urlencoded")
    assert (wrong.status_code, wrong.get_json()["error"]) == (415, "unsupported_media_type")
    broken = client.post("/api/enrolments", data='{"name": "张三",', content_type="application/json")
    assert (broken.status_code, broken.get_json()["error"]) == (400, "bad_json")
    assert "JSON" in broken.get_json()["message"]


def test_unknown_program_or_session_is_404(client):
    assert enrol(client, program="nowhere").status_code == 404
    response = enrol(client, session="week-9")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"opens": NOW + timedelta(days=1), "closes": NOW + timedelta(days=2)}, "not_open"),
        ({"opens": NOW - timedelta(days=2), "closes": NOW - timedelta(seconds=60)}, "closed"),
        ({"status": "draft"}, "not_published"),
        ({"status": "archived"}, "not_published"),
    ],
)
def test_closed_windows_and_unpublished_programs_are_409(classes, make_app, changes, code):
    classes.write("wangjing-winter", **changes)
    response = enrol(make_app().test_client())
    assert response.status_code == 409
    assert response.get_json()["error"] == code and response.get_json()["message"]


def test_duplicates_are_409_and_an_idempotent_retry_returns_the_first_answer(client):
    first = client.post("/api/enrolments", json=api_child(), headers={"Idempotency-Key": "k" * 20})
    retry = client.post("/api/enrolments", json=api_child(), headers={"Idempotency-Key": "k" * 20})
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.get_json()["reference"] == first.get_json()["reference"]
    duplicate = enrol(client, phone="+8613912340001")
    assert duplicate.status_code == 409 and duplicate.get_json()["error"] == "duplicate"
    assert "已经报过" in duplicate.get_json()["message"]


def test_show_and_cancel_promote_the_first_waitlisted(client):
    refs = [enrol(client, name=f"孩子{n}", phone=f"1391234000{n}").get_json()["reference"] for n in range(4)]
    shown = client.get(f"/api/enrolments/{refs[3]}").get_json()
    assert (shown["status"], shown["position"], shown["session_name"]) == ("waitlisted", 2, "第一期")
    cancelled = client.post(f"/api/enrolments/{refs[1]}/cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert client.get(f"/api/enrolments/{refs[2]}").get_json()["status"] == "confirmed"
    assert client.get(f"/api/enrolments/{refs[3]}").get_json()["position"] == 1
    assert client.post(f"/api/enrolments/{refs[1]}/cancel").get_json()["status"] == "cancelled"
    assert client.get("/api/enrolments/nope").status_code == 404
    assert client.post("/api/enrolments/nope/cancel").status_code == 404


def test_availability_shows_live_places_and_states(classes, make_app):
    classes.write("lottery-class", mode="lottery")
    classes.write("later", opens=NOW + timedelta(days=1), closes=NOW + timedelta(days=2))
    classes.write("over", opens=NOW - timedelta(days=2), closes=NOW - timedelta(seconds=60))
    classes.write("hidden", status="draft")
    client = make_app(SITE_ORIGIN="https://classes.example.org").test_client()
    for n in range(3):
        enrol(client, name=f"孩子{n}", phone=f"1391234000{n}")
    response = client.get("/api/availability")
    table = response.get_json()
    assert table["wangjing-winter"]["week-1"] == {
        "capacity": 2,
        "confirmed": 2,
        "waitlisted": 1,
        "remaining": 0,
        "state": "full",
    }
    assert table["lottery-class"]["week-1"]["state"] == "open"
    assert table["lottery-class"]["week-1"]["entered"] == 0
    assert "entered" not in table["wangjing-winter"]["week-1"]
    for n in range(3):
        enrol(client, program="lottery-class", name=f"摇号{n}", phone=f"1391234100{n}")
    lottery = client.get("/api/availability").get_json()["lottery-class"]["week-1"]
    assert (lottery["entered"], lottery["remaining"], lottery["capacity"]) == (3, 2, 2)
    assert table["later"]["week-1"]["state"] == "not_open"
    assert table["over"]["week-1"]["state"] == "closed"
    assert "hidden" not in table
    assert response.headers["Cache-Control"] == "public, max-age=5"
    assert response.headers["Access-Control-Allow-Origin"] == "https://classes.example.org"


def test_the_api_answers_exactly_as_its_openapi_description_says(client, app):
    spec = client.get("/api/openapi.json").get_json()
    described = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    served = {
        (rule.rule.replace("<reference>", "{reference}"), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") or rule.rule == "/healthz"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert described == served

    def check(response, path, method):
        operation = spec["paths"][path][method]
        schema = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
        jsonschema.validate(response.get_json(), {**schema, "components": spec["components"]})

    created = enrol(client)
    reference = created.get_json()["reference"]
    check(created, "/api/enrolments", "post")
    check(enrol(client), "/api/enrolments", "post")
    check(enrol(client, phone="1"), "/api/enrolments", "post")
    check(enrol(client, session="x"), "/api/enrolments", "post")
    check(client.get("/api/availability"), "/api/availability", "get")
    check(client.get(f"/api/enrolments/{reference}"), "/api/enrolments/{reference}", "get")
    check(client.post(f"/api/enrolments/{reference}/cancel"), "/api/enrolments/{reference}/cancel", "post")
    check(client.get("/api/enrolments/nope"), "/api/enrolments/{reference}", "get")
    jsonschema.validate(
        api_child(),
        {
            **spec["paths"]["/api/enrolments"]["post"]["requestBody"]["content"]["application/json"]["schema"],
            "components": spec["components"],
        },
    )


def test_enrolments_are_rate_limited_per_phone(make_app):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX="per-phone-test").test_client()
    codes = [enrol(client, name=f"孩子{n}").status_code for n in range(21)]
    assert codes[:20].count(429) == 0 and codes[20] == 429
    assert enrol(client, name="别家孩子", phone="13912349999").status_code == 201
    limited = enrol(client, name="再来一个")
    assert limited.get_json()["error"] == "rate_limited"


def test_one_phone_number_is_counted_across_the_api_and_the_form(make_app):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    assert [enrol(client, name=f"孩子{n}").status_code for n in range(20)] == [201] * 20
    page = client.post("/enrol/wangjing-winter/week-1", data={"phone": api_child()["phone"]})
    assert page.status_code == 429 and "操作太频繁了，请稍后再试。" in page.get_data(as_text=True)


def test_a_limit_store_that_hangs_is_tried_once_then_left_alone(make_app):
    """A Redis that accepts connections and never answers: enrolments go on, counted in memory."""
    hung, connections = socket.socket(), []
    hung.bind(("127.0.0.1", 0))
    hung.listen(16)
    threading.Thread(target=lambda: [connections.append(hung.accept()) for _ in range(16)], daemon=True).start()
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{hung.getsockname()[1]}").test_client()
    codes = [enrol(client, name=f"孩子{n}").status_code for n in range(21)]
    assert codes == [201] * 20 + [429]
    assert len(connections) == 1
    hung.close()


def test_an_unreachable_limit_store_neither_stops_enrolments_nor_lifts_the_limits(make_app, caplog):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1").test_client()
    codes = [enrol(client, name=f"孩子{n}").status_code for n in range(21)]
    assert codes == [201] * 20 + [429]
    assert caplog.text.count("rate-limit store unreachable") == 1


def test_every_error_the_enrolment_endpoint_sends_is_in_its_description(client):
    """Issue 13: 400, 413 and 415 answered with error codes the OpenAPI description did not list."""
    spec = client.get("/api/openapi.json").get_json()
    responses = spec["paths"]["/api/enrolments"]["post"]["responses"]
    answers = [
        client.post("/api/enrolments", data="not json", content_type="text/plain"),
        client.post("/api/enrolments", data="{", content_type="application/json"),
        client.post("/api/enrolments", data='{"name": "' + "x" * 70_000 + '"}', content_type="application/json"),
    ]
    assert [a.status_code for a in answers] == [415, 400, 413]
    for answer in answers:
        assert answer.is_json, answer.status_code
        schema = responses[str(answer.status_code)]["content"]["application/json"]["schema"]
        jsonschema.validate(answer.get_json(), {**schema, "components": spec["components"]})


def test_a_server_failure_under_api_is_described_json(make_app, monkeypatch):
    """Issue 13: an API view that failed answered Flask's HTML 500 page, which no client could read."""
    client = make_app(PROPAGATE_EXCEPTIONS=False).test_client()
    monkeypatch.setattr("forms_app.api.live_places", lambda *args: 1 / 0)
    answer = client.get("/api/availability")
    assert answer.status_code == 500 and answer.is_json
    spec = client.get("/api/openapi.json").get_json()
    schema = spec["paths"]["/api/availability"]["get"]["responses"]["500"]["content"]["application/json"]["schema"]
    jsonschema.validate(answer.get_json(), {**schema, "components": spec["components"]})
    assert "ZeroDivisionError" not in answer.get_data(as_text=True)


def test_a_wrong_method_under_api_is_described_json_and_elsewhere_a_chinese_page(client):
    """Issue 13: a wrong method under /api answered Flask's English HTML 405."""
    answer = client.delete("/api/enrolments")
    assert answer.status_code == 405 and answer.is_json and answer.get_json()["error"] == "method_not_allowed"
    spec = client.get("/api/openapi.json").get_json()
    jsonschema.validate(answer.get_json(), {"$ref": "#/components/schemas/Error", "components": spec["components"]})
    page = client.put("/lookup")
    assert page.status_code == 405 and "这个地址不能这样访问" in page.get_data(as_text=True)


def _against_spec(client, response, status):
    spec = client.get("/api/openapi.json").get_json()
    assert response.status_code == status, response.get_json()
    schema = spec["paths"]["/api/enrolments"]["post"]["responses"][str(status)]["content"]["application/json"]["schema"]
    jsonschema.validate(response.get_json(), {**schema, "components": spec["components"]})
    return response.get_json()


def _request_matches_spec(client, body):
    spec = client.get("/api/openapi.json").get_json()
    schema = spec["paths"]["/api/enrolments"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    jsonschema.validate(body, {**schema, "components": spec["components"]})


SISTER = {"name": "王小红", "birthdate": born(6).isoformat(), "answers": {"lunch": False, "grade": "一年级"}}


def test_siblings_all_or_none_that_do_not_fit_get_409_and_nothing_is_written(client, database):
    enrol(client, name="别家孩子", phone="13912349999")
    body = api_child(children=[SISTER], siblings="all_or_none")
    _request_matches_spec(client, body)
    refused = _against_spec(client, client.post("/api/enrolments", json=body), 409)
    assert refused["error"] == "not_enough" and "只剩 1 个名额" in refused["message"] and "没有为任何孩子报名" in refused["message"]
    assert rows(database, "SELECT name FROM enrolments") == [("别家孩子",)]
    each = _against_spec(client, client.post("/api/enrolments", json={**body, "siblings": "each"}), 201)
    assert (each["status"], [(o["status"], o["position"]) for o in each["others"]]) == ("confirmed", [("waitlisted", 1)])


def test_siblings_all_or_none_that_fit_are_confirmed_with_their_own_answers(client, database):
    body = api_child(children=[SISTER], siblings="all_or_none")
    created = _against_spec(client, client.post("/api/enrolments", json=body, headers={"Idempotency-Key": "k" * 20}), 201)
    assert created["status"] == "confirmed" and [o["status"] for o in created["others"]] == ["confirmed"]
    again = _against_spec(client, client.post("/api/enrolments", json=body, headers={"Idempotency-Key": "k" * 20}), 200)
    assert [again["reference"]] + [o["reference"] for o in again["others"]] == [created["reference"], created["others"][0]["reference"]]
    stored = rows(database, "SELECT name, status, answers FROM enrolments ORDER BY id")
    assert [(name, status, json.loads(answers)) for name, status, answers in stored] == [
        ("王小明", "confirmed", {"lunch": True}),
        ("王小红", "confirmed", {"lunch": False, "grade": "一年级"}),
    ]


def test_a_sibling_s_errors_carry_the_child_s_number(client, database):
    body = api_child(children=[{"name": "", "birthdate": "2019/01/01", "answers": {}}], siblings="maybe")
    assert _against_spec(client, client.post("/api/enrolments", json=body), 422)["errors"] == {
        "siblings": "siblings 只能是 each（能报上的先报上，其余候补）或 all_or_none（名额不够全部报上时都先不报）"
    }
    errors = _against_spec(client, client.post("/api/enrolments", json={**body, "siblings": "each"}), 422)["errors"]
    assert errors == {
        "name-2": "请填写孩子姓名",
        "birthdate-2": "出生日期应写成 2018-05-01 这样的格式",
        "answers-lunch-2": errors["answers-lunch-2"],
    }
    assert errors["answers-lunch-2"]
    assert _against_spec(client, client.post("/api/enrolments", json=api_child(children="王小红")), 422)["errors"].keys() == {"children"}
    assert rows(database, "SELECT count(*) FROM enrolments") == [(0,)]


def test_only_plain_functions_skip_flasks_check_for_coroutines(app):
    """The app hands plain hooks and views back as they are; a coroutine still meets Flask's own
    handling (here: asking for the async extra), never a call that returns an unawaited coroutine."""

    def plain():
        return "ok"

    async def coroutine():
        return "ok"

    assert app.ensure_sync(plain) is plain
    with pytest.raises(RuntimeError, match="async"):
        app.ensure_sync(coroutine)
