"""The parents' HTML pages: the form, the answer, siblings, the result page, cancel, lookup."""

import json
import re
from datetime import datetime, timedelta

from dateutil.rrule import rrulestr
from icalendar import Calendar

from programs.model import SHANGHAI
from tests.app.helpers import START, born, child, csrf_token, rows, submit_form

FORM = "/enrol/wangjing-winter/week-1"


def follow(client, response):
    assert response.status_code == 303, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_form_asks_in_chinese_and_is_never_cached(client):
    response = client.get(FORM)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    for label in ("孩子姓名", "出生日期", "监护人姓名", "手机号", "工作单位", "是否需要午餐", "个人信息保护说明"):
        assert label in page
    assert 'href="/privacy"' in page
    assert "个人信息保护说明" in client.get("/privacy").get_data(as_text=True)


def test_confirmed_enrolment_redirects_to_its_reference_page(client):
    response, _ = submit_form(client, FORM, **child())
    assert re.fullmatch(r"/r/[A-Za-z0-9_-]{22,}", response.headers["Location"])
    page = follow(client, response)
    assert "报名成功" in page
    assert "139****0001" in page and "13912340001" not in page
    assert re.search(r'class="code">[2-9A-HJKMNP-Z]{8}<', page)
    assert "李老师" in page and "calendar.ics" in page


def test_errors_appear_beside_fields_and_typed_values_are_kept(client):
    response, _ = submit_form(client, FORM, **child(phone="12345", guardian_name="", consent=None, **{"answers-lunch": None}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写有效的大陆手机号" in page
    assert "请填写监护人（家长）姓名" in page
    assert "请回答：是否需要午餐" in page
    assert "请由监护人阅读并同意个人信息保护说明" in page
    assert 'value="王小明"' in page and 'value="12345"' in page
    assert 'value="北京望京科技有限公司"' in page


def test_a_failed_submit_opens_on_a_focused_summary_and_each_field_names_its_error(client):
    response, _ = submit_form(client, FORM, **child(phone="12345", consent=None))
    page = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary" role="alert" tabindex="-1" autofocus>(.*?)</div>', page, re.S)
    assert summary and "还有 2 处需要改正" in summary.group(1)
    assert '<a href="#phone">手机号：请填写有效的大陆手机号' in summary.group(1) and 'href="#consent"' in summary.group(1)
    assert page.index("error-summary") < page.index('id="name"')
    phone = re.search(r'<input id="phone"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in phone and 'aria-describedby="phone-hint phone-error"' in phone
    assert 'id="phone-error"' in page and 'aria-describedby="consent-error"' in page
    assert "error-summary" not in client.get(FORM).get_data(as_text=True)


def test_a_full_session_says_so_before_the_parent_types(client):
    assert "名额已满" not in client.get(FORM).get_data(as_text=True)
    for number in range(2):
        submit_form(client, FORM, **child(name=f"孩子{number}", phone=f"1391234000{number}"))
    page = client.get(FORM).get_data(as_text=True)
    assert "本班次名额已满（共 2 个）" in page and "现在提交会进入候补" in page and "提交候补报名" in page


def test_a_post_without_the_csrf_token_is_refused(client, database):
    response = client.post(FORM, data=child())
    assert response.status_code == 400
    assert rows(database, "SELECT count(*) FROM enrolments") == [(0,)]


def test_age_outside_the_range_is_refused_beside_the_birthdate(client):
    response, _ = submit_form(client, FORM, **child(birthdate=born(13).isoformat()))
    assert response.status_code == 422
    assert "时 13 周岁，不符合本班 6–12 岁的要求" in response.get_data(as_text=True)


def test_a_full_session_waitlists_in_arrival_order(client):
    for number in range(2):
        submit_form(client, FORM, **child(name=f"孩子{number}", phone=f"1391234000{number}"))
    response, _ = submit_form(client, FORM, **child(name="第三个", phone="13912340009"))
    assert "已进入候补第 1 位" in follow(client, response)
    response, _ = submit_form(client, FORM, **child(name="第四个", phone="13912340008"))
    assert "已进入候补第 2 位" in follow(client, response)


def test_siblings_are_answered_one_by_one(client, database):
    submit_form(client, FORM, **child(name="别家孩子", phone="13912340005"))
    fields = child(**{"name-2": "王小红", "birthdate-2": born(6).isoformat(), "answers-lunch-2": "yes"})
    response, _ = submit_form(client, FORM, **fields)
    page = follow(client, response)
    assert "王小明" in page and "报名成功" in page
    assert "同一次报名的其他孩子" in page and "王小红" in page and "候补第 1 位" in page
    statuses = rows(database, "SELECT name, status, reference FROM enrolments ORDER BY id")
    assert [(name, status) for name, status, _ in statuses] == [
        ("别家孩子", "confirmed"),
        ("王小明", "confirmed"),
        ("王小红", "waitlisted"),
    ]
    assert len({reference for *_, reference in statuses}) == 3


def test_each_child_answers_the_questions_and_keeps_their_own_answers(client, database):
    page = client.get(FORM).get_data(as_text=True)
    for number in (2, 3):
        assert f"第 {number} 个孩子：是否需要午餐" in page and f'name="answers-lunch-{number}"' in page
        details = page.split(f"再报一个孩子（第 {number} 个）")[1].split("</details>")[0]
        assert f'name="answers-grade-{number}"' in details
    fields = child(**{"answers-grade": "三年级", "name-2": "王小红", "birthdate-2": born(6).isoformat()})
    response, _ = submit_form(client, FORM, **fields)
    assert response.status_code == 422
    assert 'id="answers-lunch-2-error"' in response.get_data(as_text=True) and 'id="answers-lunch-error"' not in response.get_data(
        as_text=True
    )
    response, _ = submit_form(client, FORM, **{**fields, "answers-lunch-2": "no", "answers-grade-2": "一年级"})
    assert response.status_code == 303
    answers = rows(database, "SELECT name, answers FROM enrolments ORDER BY id")
    assert [(name, json.loads(given)) for name, given in answers] == [
        ("王小明", {"lunch": True, "grade": "三年级"}),
        ("王小红", {"lunch": False, "grade": "一年级"}),
    ]


def test_the_siblings_choice_is_plain_radios_defaulting_to_each_in_turn(client):
    page = client.get(FORM).get_data(as_text=True)
    assert '<input type="radio" id="siblings" name="siblings" value="each" checked> 能报上的先报上，其余进入候补' in page
    assert '<input type="radio" name="siblings" value="all_or_none"> 名额不够全部报上时，都先不报' in page
    assert "只报一个孩子时不用选" in page and "现在剩余 2 个名额" in page


def test_all_or_none_siblings_that_do_not_fit_write_nothing_and_keep_what_was_typed(client, database):
    submit_form(client, FORM, **child(name="别家孩子", phone="13912340005"))
    fields = child(
        siblings="all_or_none",
        **{"answers-grade": "二年级", "name-2": "王小红", "birthdate-2": born(6).isoformat(), "answers-lunch-2": "no"},
    )
    response, _ = submit_form(client, FORM, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert rows(database, "SELECT name FROM enrolments") == [("别家孩子",)]
    error = re.search(r'<p class="error" id="siblings-error">([^<]*)</p>', page).group(1)
    assert "只剩 1 个名额" in error and "不够 2 个孩子都报上" in error and "没有为任何孩子报名" in error
    assert 'aria-describedby="siblings-hint siblings-error"' in page and 'href="#siblings"' in page
    assert 'value="all_or_none" checked' in page and 'value="王小红"' in page and 'value="王建国"' in page
    assert re.search(r'name="answers-lunch-2" value="no" checked', page) and re.search(r'name="answers-grade" value="二年级" checked', page)
    # Today's rule, chosen again: the first child takes the last place, the second waits.
    response, _ = submit_form(client, FORM, **{**fields, "siblings": "each"})
    assert response.status_code == 303
    assert rows(database, "SELECT name, status FROM enrolments ORDER BY id")[1:] == [("王小明", "confirmed"), ("王小红", "waitlisted")]


def test_all_or_none_siblings_that_fit_are_all_confirmed(client, database):
    fields = child(siblings="all_or_none", **{"name-2": "王小红", "birthdate-2": born(6).isoformat(), "answers-lunch-2": "yes"})
    response, _ = submit_form(client, FORM, **fields)
    page = follow(client, response)
    assert "报名成功" in page and "王小红" in page
    assert rows(database, "SELECT name, status FROM enrolments ORDER BY id") == [("王小明", "confirmed"), ("王小红", "confirmed")]


def test_a_sibling_with_a_wrong_birthdate_shows_the_error_beside_that_child(client, database):
    response, _ = submit_form(client, FORM, **child(**{"name-2": "王小红", "birthdate-2": "2030-13-01"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "出生日期应写成 2018-05-01 这样的格式" in page and "<details open>" in page
    assert rows(database, "SELECT count(*) FROM enrolments") == [(0,)]


def test_resubmitting_the_same_form_creates_one_enrolment(client, database):
    first, form = submit_form(client, FORM, **child())
    again = client.post(FORM, data=form)
    assert again.headers["Location"] == first.headers["Location"]
    assert rows(database, "SELECT count(*) FROM enrolments") == [(1,)]


def test_the_same_child_cannot_enrol_twice(client):
    submit_form(client, FORM, **child())
    response, _ = submit_form(client, FORM, **child(phone="+86 139 1234 0001", employer="别的单位"))
    assert response.status_code == 409
    assert "王小明 已经报过这个班次" in response.get_data(as_text=True)


def test_lottery_programs_register_without_deciding(classes, make_app):
    classes.write("wangjing-winter", mode="lottery")
    client = make_app().test_client()
    response, _ = submit_form(client, FORM, **child())
    assert "已登记，等待摇号" in follow(client, response)


def test_windows_and_publication_refuse_with_the_reason(classes, make_app):
    now = datetime.now(SHANGHAI)
    cases = [
        ({"opens": now + timedelta(days=1), "closes": now + timedelta(days=5)}, "报名还没开始"),
        ({"opens": now - timedelta(days=5), "closes": now - timedelta(minutes=1)}, "报名已于北京时间"),
        ({"status": "draft"}, "这个班目前不接受报名"),
    ]
    for changes, reason in cases:
        classes.write("wangjing-winter", **changes)
        client = make_app().test_client()
        assert reason in client.get(FORM).get_data(as_text=True)
        page = client.get("/lookup").get_data(as_text=True)
        response = client.post(FORM, data={"csrf_token": csrf_token(page), **child()})
        assert response.status_code == 409 and reason in response.get_data(as_text=True)


def test_workers_classes_ask_for_the_worker_not_a_child(classes, make_app, database):
    classes.workers("night-school")
    client = make_app().test_client()
    page = client.get("/enrol/night-school/week-1").get_data(as_text=True)
    assert "本人姓名" in page and "出生日期" not in page and "监护人" not in page
    response, _ = submit_form(client, "/enrol/night-school/week-1", **child(name="刘师傅", birthdate=None, guardian_name=None))
    assert "报名成功" in follow(client, response)
    assert rows(database, "SELECT birthdate, guardian_name FROM enrolments") == [(None, None)]


def test_unknown_program_or_session_is_404(client):
    assert client.get("/enrol/nowhere/week-1").status_code == 404
    assert "没有找到" in client.get("/enrol/wangjing-winter/week-9").get_data(as_text=True)


def test_cancel_promotes_the_first_waitlisted_and_writes_the_outbox(client, database):
    pages = []
    for number in range(4):
        response, _ = submit_form(client, FORM, **child(name=f"孩子{number}", phone=f"1391234000{number}"))
        pages.append(response.headers["Location"])
    asked = client.get(pages[0] + "/cancel").get_data(as_text=True)
    cancelled = client.post(pages[0] + "/cancel", data={"csrf_token": csrf_token(asked)})
    assert "已取消" in follow(client, cancelled)
    assert "报名成功" in client.get(pages[2]).get_data(as_text=True)
    assert "已进入候补第 1 位" in client.get(pages[3]).get_data(as_text=True)
    outbox = rows(
        database, "SELECT o.kind, o.recipient, e.name FROM outbox o JOIN enrolments e ON e.id = o.enrolment_id WHERE o.kind = 'promoted'"
    )
    assert outbox == [("promoted", "13912340002", "孩子2")]
    actions = rows(database, "SELECT action, actor FROM events ORDER BY id")
    assert actions[-2:] == [("cancelled", "parent"), ("promoted", "parent")]


def test_cancelling_asks_first_and_the_question_changes_nothing(client):
    response, _ = submit_form(client, FORM, **child(name="王小明"))
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'<a class="button secondary" href="([^"]+)">取消报名</a>', result).group(1)
    asked = client.get(link)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and asked.headers["Cache-Control"] == "no-store"
    assert "确定取消 王小明 的报名吗？" in page and "不能恢复" in page and "确定取消报名" in page
    assert "报名成功" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_cancel_needs_the_csrf_token(client):
    response, _ = submit_form(client, FORM, **child())
    assert client.post(response.headers["Location"] + "/cancel").status_code == 400
    assert "报名成功" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_result_pages_are_private_and_unknown_references_404(client):
    response, _ = submit_form(client, FORM, **child())
    assert client.get(response.headers["Location"]).headers["Cache-Control"] == "no-store"
    assert client.get("/r/not-a-reference").status_code == 404


def test_calendar_holds_every_class_day(client):
    response, _ = submit_form(client, FORM, **child())
    calendar = client.get(response.headers["Location"] + "/calendar.ics")
    text = calendar.get_data(as_text=True)
    assert calendar.headers["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(text).walk("VEVENT")
    start = event.decoded("dtstart")
    days = [moment.date() for moment in rrulestr(event["rrule"].to_ical().decode(), dtstart=start)]
    assert days == [START + timedelta(days=offset) for offset in range(5) if (START + timedelta(days=offset)).weekday() < 5]
    assert str(start.tzinfo) == "Asia/Shanghai" and "TZID=Asia/Shanghai" in text
    assert response.headers["Location"] in str(event["url"])


def test_app_pages_name_an_icon_and_favicon_ico_finds_it(client):
    assert 'rel="icon" href="/static/favicon.svg"' in client.get(FORM).get_data(as_text=True)
    answer = client.get("/favicon.ico", follow_redirects=True)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("image/svg+xml")
