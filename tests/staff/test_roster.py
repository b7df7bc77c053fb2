"""The roster: masked phones until one person is opened, search, and every change
going through the parents' own transaction, logged in the audit trail."""

import csv
import io
from datetime import timedelta

import openpyxl

from forms_app.db import get_db
from tests.app.helpers import START, born, child, program_data, submit_form
from tests.staff.conftest import enrol, token

ROSTER = "/staff/sessions/wangjing-winter/week-1"


def person(enrolment):
    return f"/staff/sessions/{enrolment.program}/{enrolment.session}/people/{enrolment.id}"


def status(app, enrolment):
    with app.app_context():
        found = get_db().get(enrolment.reference)
        return found.status, found.session, found.position


def audit_events(app, session="week-1"):
    with app.app_context():
        return get_db().audit("wangjing-winter", session)


def actions(app, session="week-1"):
    with app.app_context():
        return [(e.action, e.actor) for e in get_db().audit("wangjing-winter", session)]


def test_roster_masks_phones_and_opening_one_person_shows_and_logs_it(app, wangjing):
    child = enrol(app, "王小明", phone="13912340001")
    page = wangjing.get(ROSTER).get_data(as_text=True)
    assert "139****0001" in page and "13912340001" not in page
    opened = wangjing.get(person(child)).get_data(as_text=True)
    assert "13912340001" in opened
    assert ("viewed", "staff:wj") in actions(app)


def search(client, words):
    return client.post(ROSTER, data={"csrf_token": token(client, ROSTER), "q": words}).get_data(as_text=True)


def test_search_by_name_phone_or_code(app, wangjing):
    """Search moved from GET ?q= to a logged POST (issue 13); what it finds is unchanged."""
    ming = enrol(app, "王小明", phone="13912340001")
    enrol(app, "李小红", phone="13800005678")
    assert "李小红" not in search(wangjing, "小明")
    found = search(wangjing, "5678")
    assert "李小红" in found and "王小明" not in found
    assert "王小明" in search(wangjing, ming.code.lower())
    assert "王小明" in search(wangjing, "139 1234 0001")
    assert "没有找到" in search(wangjing, "赵")


def test_a_search_cannot_spell_out_a_masked_phone_and_every_search_is_logged(app, wangjing):
    """Issue 13: `q=1391` found whoever's masked number began so, and left no trace."""
    enrol(app, "李小红", phone="13800005678")
    for fragment in ("138", "1380", "13800", "005678", "800005678"):
        assert "李小红" not in search(wangjing, fragment), fragment
    unfiltered = wangjing.get(ROSTER, query_string={"q": "1380"}).get_data(as_text=True)
    assert "李小红" in unfiltered and "没有找到" not in wangjing.get(ROSTER, query_string={"q": "赵"}).get_data(as_text=True)
    logged = [e for e in audit_events(app) if e.action == "searched"]
    assert [(e.actor, e.detail["q"]) for e in logged] == [("staff:wj", f) for f in ("138", "1380", "13800", "005678", "800005678")]
    assert "搜索名单：“1380”" in wangjing.get(ROSTER + "/audit").get_data(as_text=True)
    assert wangjing.post(ROSTER, data={"q": "5678"}).status_code == 400


def test_staff_cancel_promotes_the_next_in_line_like_a_parents_cancel(app, wangjing):
    first, _second, waiting = (enrol(app, name, phone=f"1391234000{n}") for n, name in enumerate(["甲", "乙", "丙"], 1))
    assert status(app, waiting) == ("waitlisted", "week-1", 1)
    response = wangjing.post(person(first) + "/cancel", data={"csrf_token": token(wangjing), "confirmed": "yes"})
    assert response.status_code == 303
    assert status(app, first)[0] == "cancelled" and status(app, waiting)[0] == "confirmed"
    assert ("cancelled", "staff:wj") in actions(app) and ("promoted", "staff:wj") in actions(app)


def test_cancel_asks_once_more_and_changes_nothing_until_confirmed(app, wangjing):
    first, waiting = enrol(app, "甲", phone="13912340001"), None
    for n, name in enumerate(["乙", "丙"], 2):
        waiting = enrol(app, name, phone=f"1391234000{n}")
    asked = wangjing.post(person(first) + "/cancel", data={"csrf_token": token(wangjing)})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "确定取消 甲 的报名吗？" in page and 'name="confirmed" value="yes"' in page
    assert status(app, first)[0] == "confirmed" and status(app, waiting)[0] == "waitlisted"
    assert ("cancelled", "staff:wj") not in actions(app)


def test_changes_need_the_csrf_token(app, wangjing):
    child = enrol(app, "王小明")
    assert wangjing.post(person(child) + "/cancel").status_code == 400
    assert status(app, child)[0] == "confirmed"


def test_promoting_by_hand_never_exceeds_capacity(app, wangjing):
    enrol(app, "甲", phone="13912340001")
    enrol(app, "乙", phone="13912340002")
    early, late = enrol(app, "丙", phone="13912340003"), enrol(app, "丁", phone="13912340004")
    page = wangjing.post(person(late) + "/promote", data={"csrf_token": token(wangjing)}, follow_redirects=True)
    assert "名额已满" in page.get_data(as_text=True)
    assert status(app, late) == ("waitlisted", "week-1", 1) and status(app, early) == ("waitlisted", "week-1", 2)
    with app.app_context():
        assert get_db().counts()[("wangjing-winter", "week-1")].confirmed == 2


def two_sessions(classes, capacity=2):
    data = program_data()
    second = {
        **data["sessions"][0],
        "id": "week-2",
        "name": "第二期",
        "capacity": capacity,
        "start": (START + timedelta(days=7)).isoformat(),
        "end": (START + timedelta(days=11)).isoformat(),
    }
    classes.write("wangjing-winter", sessions=[data["sessions"][0], second])


def test_moving_to_another_session_obeys_its_places_and_frees_this_one(app, classes, wangjing):
    two_sessions(classes, capacity=1)
    app.test_cli_runner().invoke(args=["reload"])
    moving, _staying, waiting = (enrol(app, n, phone=f"1391234000{i}") for i, n in enumerate(["甲", "乙", "丙"], 1))
    taken = enrol(app, "戊", session="week-2", phone="13912340005")
    response = wangjing.post(person(moving) + "/move", data={"csrf_token": token(wangjing), "session": "week-2", "confirmed": "yes"})
    assert response.location.endswith(f"/staff/sessions/wangjing-winter/week-2/people/{moving.id}")
    assert status(app, moving) == ("waitlisted", "week-2", 1)
    assert status(app, waiting)[0] == "confirmed" and status(app, taken)[0] == "confirmed"
    assert ("moved_in", "staff:wj") in actions(app, "week-2") and ("moved_out", "staff:wj") in actions(app)


def test_moving_someone_already_enrolled_there_is_refused(app, classes, wangjing):
    two_sessions(classes)
    app.test_cli_runner().invoke(args=["reload"])
    child = enrol(app, "王小明")
    enrol(app, "王小明", session="week-2", submission="again")
    page = wangjing.post(
        person(child) + "/move", data={"csrf_token": token(wangjing), "session": "week-2", "confirmed": "yes"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "已经报过第二期" in page and status(app, child)[1] == "week-1"


def test_csv_export_has_a_bom_chinese_headers_full_rows_and_is_logged(app, wangjing):
    enrol(app, "王小明")
    enrol(app, "=HYPERLINK(1)", phone="13912340002")
    response = wangjing.get(ROSTER + "/export.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:7] == ["查询码", "姓名", "出生日期", "监护人", "手机号", "工作单位", "状态"] and rows[0][-2:] == [
        "是否需要午餐",
        "年级",
    ]
    assert rows[1][1] == "王小明" and rows[1][4] == "13912340001" and rows[1][6] == "报名成功" and rows[1][-2] == "是"
    assert rows[2][1] == "'=HYPERLINK(1)"
    assert ("exported", "staff:wj") in actions(app)


def test_xlsx_export_opens_in_openpyxl(app, wangjing):
    enrol(app, "王小明")
    response = wangjing.get(ROSTER + "/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.title == "第一期"
    assert [c.value for c in sheet[1]][:2] == ["查询码", "姓名"] and sheet["B2"].value == "王小明"


def test_the_audit_page_shows_who_did_what_and_cannot_be_changed(app, wangjing):
    child = enrol(app, "王小明")
    wangjing.post(person(child) + "/cancel", data={"csrf_token": token(wangjing), "confirmed": "yes"})
    page = wangjing.get(ROSTER + "/audit").get_data(as_text=True)
    assert "家长" in page and "报名：报名成功" in page and "工作人员 wj" in page and "取消报名（原为报名成功）" in page
    assert "<form" not in page.split("操作记录（不可修改）")[1]
    assert wangjing.post(ROSTER + "/audit").status_code == 405


def test_likely_duplicates_from_different_phones_are_flagged(app, wangjing):
    """Issue 13: first-come lets each phone enrol, so staff are shown look-alike names with one birthdate."""
    enrol(app, "王小红", phone="13912340001")
    enrol(app, "王 小紅", phone="13912340002")
    enrol(app, "李小明", phone="13912340003")
    page = wangjing.get(ROSTER).get_data(as_text=True)
    assert page.count("疑似重复</span>") == 2
    row = next(line for line in page.split("<tr") if "李小明" in line)
    assert "疑似重复" not in row


def test_siblings_enrolled_in_one_form_show_each_their_own_answers(app, wangjing):
    """Lunch and allergies are asked per child: staff read each child's own, not the first child's for all."""
    parent = app.test_client()
    fields = child(**{"answers-grade": "三年级", "name-2": "王小红", "birthdate-2": born(6).isoformat(), "answers-lunch-2": "no"})
    assert submit_form(parent, "/enrol/wangjing-winter/week-1", **fields)[0].status_code == 303
    with app.app_context():
        ming, hong = get_db().roster("wangjing-winter", "week-1")
    assert (ming.name, ming.answers, hong.name, hong.answers) == ("王小明", {"lunch": True, "grade": "三年级"}, "王小红", {"lunch": False})
    ming_page, hong_page = (wangjing.get(person(e)).get_data(as_text=True) for e in (ming, hong))
    assert "<dt>年级</dt><dd>三年级</dd>" in ming_page and "<dt>年级</dt>" not in hong_page
    assert "<dt>是否需要午餐</dt><dd>是</dd>" in ming_page and "<dt>是否需要午餐</dt><dd>否</dd>" in hong_page
    rows = list(csv.reader(io.StringIO(wangjing.get(f"{ROSTER}/export.csv").get_data().decode("utf-8-sig"))))
    name, lunch = rows[0].index("姓名"), rows[0].index("是否需要午餐")
    assert sorted((row[name], row[lunch]) for row in rows[1:]) == [("王小明", "是"), ("王小红", "否")]
