"""What the issue's native speaker asked of the console: the sign-in sheet's column is
接送人签字, and a birthdate is a date without a weekday."""

import re

from tests.staff.conftest import enrol

ROSTER = "/staff/sessions/wangjing-winter/week-1"


def test_the_sign_in_sheet_asks_for_the_signature_of_who_brings_the_child(app, wangjing):
    enrol(app, "王小明")
    day = re.search(r'attendance/(\d{4}-\d\d-\d\d)"', wangjing.get(f"{ROSTER}/attendance").get_data(as_text=True)).group(1)
    sheet = wangjing.get(f"{ROSTER}/attendance/{day}/sheet").get_data(as_text=True)
    assert "接送人签字" in sheet and "送达人" not in sheet


def test_a_birthdate_is_shown_without_a_weekday(app, wangjing):
    child = enrol(app, "王小明")
    page = wangjing.get(f"{ROSTER}/people/{child.id}").get_data(as_text=True)
    shown = re.search(r"<dt>出生日期</dt><dd>([^<]+)</dd>", page).group(1)
    born = child.birthdate
    assert shown.startswith(f"{born.year}年{born.month}月{born.day}日（开班第一天 ")
    assert not re.search(r"周[一二三四五六日]", shown)
