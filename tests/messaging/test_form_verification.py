"""The enrolment form with phone verification, as a browser without JavaScript uses it:
the first submit sends the code and shows the form again with everything typed kept."""

import re

from tests.app.helpers import child, csrf_token, hidden, rows

FORM = "/enrol/wangjing-winter/week-1"


def post(client, fields):
    page = client.get(FORM).get_data(as_text=True)
    return client.post(FORM, data={"csrf_token": csrf_token(page), "submission": hidden(page, "submission"), **fields})


def test_first_submit_sends_the_code_then_the_code_enrols(sms_client, aliyun, database):
    page = sms_client.get(FORM).get_data(as_text=True)
    assert 'name="code"' in page and "获取验证码" in page and 'src="/static/verify.js"' in page
    assert "<script>" not in page, "no inline script: the CSP stays strict"
    fields = {"csrf_token": csrf_token(page), "submission": hidden(page, "submission"), **child(name="王小明")}
    first = sms_client.post(FORM, data=fields)
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "验证码已发送到 139****0001" in html
    assert 'value="王小明"' in html and 'value="北京望京科技有限公司"' in html and 'value="13912340001"' in html
    assert rows(database, "SELECT count(*) FROM enrolments") == [(0,)]
    code = aliyun.sent[-1]["TemplateParam"]["code"]
    wrong = sms_client.post(FORM, data={**fields, "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 422 and "验证码不对" in wrong.get_data(as_text=True)
    done = sms_client.post(FORM, data={**fields, "code": code})
    assert done.status_code == 303 and "/r/" in done.headers["Location"]
    assert rows(database, "SELECT name FROM enrolments") == [("王小明",)]


def test_the_send_code_button_works_without_javascript_and_keeps_what_was_typed(sms_client, aliyun):
    typed = child(name="李小花", **{"name-2": "李小草", "birthdate-2": child()["birthdate"]})
    answer = post(sms_client, {**typed, "action": "send_code"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "收到后填在下面" in html
    assert 'value="李小花"' in html and 'value="李小草"' in html
    assert len(aliyun.sent) == 1
    again = post(sms_client, {**typed, "action": "send_code"})
    assert again.status_code == 429 and "1 分钟后再获取" in again.get_data(as_text=True)


def test_siblings_need_one_code(sms_client, aliyun, database):
    typed = child(
        name="张一",
        **{
            "name-2": "张二",
            "birthdate-2": child()["birthdate"],
            "answers-lunch-2": "yes",
            "name-3": "张三",
            "birthdate-3": child()["birthdate"],
            "answers-lunch-3": "no",
        },
    )
    post(sms_client, {**typed, "action": "send_code"})
    code = aliyun.sent[-1]["TemplateParam"]["code"]
    done = post(sms_client, {**typed, "code": code})
    assert done.status_code == 303
    assert rows(database, "SELECT name FROM enrolments ORDER BY id") == [("张一",), ("张二",), ("张三",)]
    later = post(sms_client, child(name="张四", **{"answers-lunch": "no"}))
    assert later.status_code == 303, "the browser stays verified for this phone"
    assert "短信验证码" not in sms_client.get(FORM).get_data(as_text=True)


def test_a_bad_phone_gets_no_code(sms_client, aliyun):
    answer = post(sms_client, {**child(phone="123"), "action": "send_code"})
    assert answer.status_code == 422 and "请先填写有效的大陆手机号" in answer.get_data(as_text=True)
    assert aliyun.sent == []


def test_the_code_field_is_only_there_when_verification_is_on(make_app):
    page = make_app(VERIFY_PHONE=False).test_client().get(FORM).get_data(as_text=True)
    assert not re.search(r'name="code"', page)
