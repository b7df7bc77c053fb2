"""Phone verification through the real Aliyun SDK and a stand-in server: a place counts
only once an SMS code proves the phone, and made-up numbers fill nothing."""

from datetime import timedelta

import yaml

from forms_app import verification
from forms_app.storage.postgres import PostgresDatabase
from forms_app.storage.sqlite import SqliteDatabase
from tests.app.helpers import api_child, program_data, rows

PHONE = "13912340001"


def sent_code(aliyun, phone=PHONE):
    """The last code the stand-in delivered to `phone`, as the parent reads it."""
    return [s for s in aliyun.sent if s["PhoneNumbers"] == phone][-1]["TemplateParam"]["code"]


def ask(client, phone=PHONE):
    return client.post("/api/verification", json={"phone": phone})


def enrol(client, **changes):
    return client.post("/api/enrolments", json=api_child(**changes))


def test_a_code_is_sent_with_the_code_template_and_proves_the_phone(sms_client, aliyun, database):
    answer = ask(sms_client)
    assert answer.status_code == 202 and answer.get_json()["message"] == "验证码已发送到 139****0001，5 分钟内有效。"
    [message] = aliyun.sent
    assert (message["TemplateCode"], message["SignName"], message["PhoneNumbers"]) == ("SMS_100001", "望京工会", PHONE)
    code = message["TemplateParam"]["code"]
    assert len(code) == 6 and code.isdigit()
    stored = rows(database, "SELECT code_hash FROM phone_codes")
    assert len(stored) == 1 and code not in stored[0][0] and len(stored[0][0]) == 64
    created = enrol(sms_client, code=code)
    assert created.status_code == 201 and created.get_json()["status"] == "confirmed"


def test_without_a_valid_code_the_answer_is_422_and_nothing_is_written(sms_client, aliyun, database):
    assert enrol(sms_client).get_json() == {"errors": {"code": "请先获取短信验证码"}}
    ask(sms_client)
    wrong = "000000" if sent_code(aliyun) != "000000" else "111111"
    answer = enrol(sms_client, code=wrong)
    assert answer.status_code == 422 and answer.get_json() == {"errors": {"code": "验证码不对，请核对短信后重新输入"}}
    assert enrol(sms_client, code="12ab").get_json() == {"errors": {"code": "验证码是 6 位数字"}}
    assert rows(database, "SELECT count(*) FROM enrolments") == [(0,)]
    assert rows(database, "SELECT count(*) FROM outbox") == [(0,)]


def test_a_code_expires_after_five_minutes(sms_client, aliyun, monkeypatch):
    ask(sms_client)
    later = verification.now() + timedelta(minutes=5, seconds=1)
    monkeypatch.setattr(verification, "now", lambda: later)
    assert enrol(sms_client, code=sent_code(aliyun)).get_json() == {"errors": {"code": "验证码已过期，请重新获取"}}


def test_five_wrong_tries_burn_the_code(sms_client, aliyun):
    ask(sms_client)
    right = sent_code(aliyun)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    answers = [enrol(sms_client, code=wrong).get_json()["errors"]["code"] for _ in range(5)]
    assert answers[:4] == ["验证码不对，请核对短信后重新输入"] * 4 and answers[4] == "验证码输错次数太多，已失效，请重新获取"
    assert enrol(sms_client, code=right).get_json() == {"errors": {"code": "验证码输错次数太多，已失效，请重新获取"}}


def test_a_code_works_once_and_the_browser_stays_verified_for_siblings(sms_app, sms_client, aliyun):
    ask(sms_client)
    code = sent_code(aliyun)
    assert enrol(sms_client, code=code).status_code == 201
    assert enrol(sms_client, name="王小红").status_code == 201, "the signed cookie proves the phone for a sibling"
    stranger = sms_app.test_client()
    assert enrol(stranger, name="王小刚", code=code).get_json() == {"errors": {"code": "请先获取短信验证码"}}
    other_phone = enrol(sms_client, name="李小花", phone="13912340002")
    assert other_phone.get_json() == {"errors": {"code": "请先获取短信验证码"}}, "the cookie proves one phone, not any"


def test_one_code_a_minute_and_a_few_an_hour_per_phone(sms_client, aliyun, monkeypatch):
    start = verification.now()
    assert ask(sms_client).status_code == 202
    again = ask(sms_client)
    assert again.status_code == 429 and again.get_json()["message"] == "验证码刚刚发过，请 1 分钟后再获取。"
    answers = []
    for minute in range(1, 6):
        monkeypatch.setattr(verification, "now", lambda minute=minute: start + timedelta(minutes=minute, seconds=1))
        answers.append(ask(sms_client).status_code)
    assert answers == [202, 202, 202, 202, 429]
    monkeypatch.setattr(verification, "now", lambda: start + timedelta(hours=1, minutes=6))
    assert ask(sms_client).status_code == 202
    assert len(aliyun.sent) == 6


def test_thirty_five_made_up_numbers_from_one_address_fill_nothing(sms_client, aliyun, database):
    made_up = [f"139{n:08d}" for n in range(10_000_000, 10_000_035)]
    asked = [ask(sms_client, phone).status_code for phone in made_up]
    assert asked == [202] * 20 + [429] * 15, "one address gets 20 codes an hour"
    guesses = [enrol(sms_client, name=f"孩子{n}", phone=phone, code="123456") for n, phone in enumerate(made_up)]
    plain = [enrol(sms_client, name=f"孩子{n}", phone=phone) for n, phone in enumerate(made_up)]
    assert {answer.status_code for answer in guesses + plain} == {422}
    assert rows(database, "SELECT count(*) FROM enrolments") == [(0,)]
    places = sms_client.get("/api/availability").get_json()["wangjing-winter"]["week-1"]
    assert (places["confirmed"], places["remaining"]) == (0, 2)


def test_a_bad_phone_or_body_is_422_and_sends_nothing(sms_client, aliyun):
    assert sms_client.post("/api/verification", json={"phone": "123"}).get_json() == {
        "errors": {"phone": "请填写有效的大陆手机号，如 13800138000"}
    }
    assert sms_client.post("/api/verification", data="phone=1").status_code == 422
    assert sms_client.post("/api/verification", json=["13912340001"]).status_code == 422
    assert aliyun.sent == []


def test_a_provider_error_is_a_clear_answer_not_a_crash(sms_client, aliyun):
    aliyun.fail_next(1, "isv.AMOUNT_NOT_ENOUGH", "账户余额不足")
    answer = ask(sms_client)
    assert answer.status_code == 503 and answer.get_json()["error"] == "sms_unavailable"
    assert answer.get_json()["message"] == "短信暂时发不出去，请稍后再试，或联系主办方电话报名。"
    assert ask(sms_client).status_code == 202, "a code the provider never took does not count against the parent"
    assert len(aliyun.sent) == 1


def test_a_program_may_turn_verification_off(sms_app, sms_client, classes):
    data = program_data()
    data["registration"]["verify_phone"] = False
    (classes.path / "wangjing-winter.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    sms_app.test_cli_runner().invoke(args=["reload"])
    assert enrol(sms_client).status_code == 201


def test_the_deployment_default_applies_when_a_program_says_nothing(make_app):
    client = make_app(VERIFY_PHONE=False).test_client()
    assert enrol(client).status_code == 201


def test_nothing_a_client_sends_to_verification_gets_a_5xx(sms_client):
    bodies = [
        {"phone": 13912340001},
        {"phone": ["139"]},
        {"phone": None},
        {"phone": "1" * 5000},
        {"phone": {"$gt": ""}},
        {},
        "13912340001",
        7,
        None,
    ]
    answers = [sms_client.post("/api/verification", json=body).status_code for body in bodies]
    answers.append(sms_client.post("/api/verification", data=b"{not json", content_type="application/json").status_code)
    codes = [enrol(sms_client, code=code).status_code for code in (123456, ["1"], {"a": 1}, "１２３４５６", "9" * 5000)]
    assert all(status < 500 for status in answers + codes), (answers, codes)


def test_an_enrolment_with_its_code_takes_one_write_turn(sms_client, aliyun, monkeypatch):
    """At 09:00 every enrolment waits for the writer (SQLite) or its session's lock: checking the
    code in a transaction of its own before the enrolment's put each parent in that queue twice."""
    ask(sms_client)
    turns = []
    # SQLite's insert_locked runs inside its `writing`; PostgreSQL's is a transaction of its own.
    for adapter, methods in ((SqliteDatabase, ["writing"]), (PostgresDatabase, ["writing", "insert_locked"])):
        for name in methods:
            monkeypatch.setattr(adapter, name, _counted(getattr(adapter, name), turns))
    assert enrol(sms_client, code=sent_code(aliyun)).status_code == 201
    assert len(turns) == 1


def _counted(method, turns):
    def counted(*args, **kwargs):
        turns.append(method.__name__)
        return method(*args, **kwargs)

    return counted


def test_a_resent_enrolment_whose_answer_was_lost_gets_that_answer_though_its_code_is_spent(sms_app, sms_client, aliyun):
    ask(sms_client)
    body, key = api_child(code=sent_code(aliyun)), {"Idempotency-Key": "retry-0123456789abcdef"}
    first = sms_client.post("/api/enrolments", json=body, headers=key)
    assert first.status_code == 201
    # A new connection, without the cookie the lost answer would have set.
    again = sms_app.test_client().post("/api/enrolments", json=body, headers=key)
    assert again.status_code == 200 and again.get_json()["reference"] == first.get_json()["reference"]
    other = sms_app.test_client().post("/api/enrolments", json={**body, "name": "王小红"}, headers=key)
    assert other.status_code == 422 and other.get_json() == {"errors": {"code": "请先获取短信验证码"}}
