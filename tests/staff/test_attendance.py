"""Check-in by day on a phone, and the A4 sign-in sheet."""

from forms_app.db import get_db
from tests.staff.conftest import enrol, token

DAYS = "/staff/sessions/wangjing-winter/week-1/attendance"


def first_day(app):
    return app.extensions["catalogue"]["catalogue"].get("wangjing-winter").sessions[0].class_dates()[0].isoformat()


def test_only_class_days_have_a_check_in_page(app, wangjing):
    page = wangjing.get(DAYS).get_data(as_text=True)
    assert page.count("已到 0 / 0") == 5
    assert wangjing.get(f"{DAYS}/{first_day(app)}").status_code == 200
    assert wangjing.get(f"{DAYS}/not-a-day").status_code == 404
    assert wangjing.get(f"{DAYS}/2001-01-01").status_code == 404


def test_tapping_present_and_absent_is_recorded_and_logged(app, wangjing):
    confirmed = enrol(app, "王小明")
    enrol(app, "甲", phone="13912340002")
    waiting = enrol(app, "候补孩子", phone="13912340003")
    day = first_day(app)
    page = wangjing.get(f"{DAYS}/{day}").get_data(as_text=True)
    assert "王小明" in page and "候补孩子" not in page and "未签到" in page
    response = wangjing.post(f"{DAYS}/{day}/{confirmed.id}", data={"csrf_token": token(wangjing), "present": "1"})
    assert response.location.endswith(f"{day}#e{confirmed.id}")
    assert wangjing.post(f"{DAYS}/{day}/{waiting.id}", data={"csrf_token": token(wangjing), "present": "1"}).status_code == 400
    with app.app_context():
        assert get_db().attendance("wangjing-winter", "week-1") == {(confirmed.id, day): True}
        assert ("present", "staff:wj") in [(e.action, e.actor) for e in get_db().audit("wangjing-winter", "week-1")]
    assert "已到 1 / 2" in wangjing.get(DAYS).get_data(as_text=True)


def test_the_sign_in_sheet_lists_confirmed_children_for_print(app, wangjing):
    enrol(app, "王小明")
    day = first_day(app)
    sheet = wangjing.get(f"{DAYS}/{day}/sheet").get_data(as_text=True)
    assert 'class="staff sheet"' in sheet and "签到表" in sheet and "王小明" in sheet and "接回人签字" in sheet
    assert "13912340001" not in sheet
