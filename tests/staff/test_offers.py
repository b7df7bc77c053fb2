"""Offers in the console: the roster and the person page say 待确认 with the deadline, and a
staff cancel of an offered place offers it to the next in line."""

from datetime import datetime

from forms_app.db import get_db
from tests.staff.conftest import enrol, token
from tests.staff.test_roster import ROSTER, actions, person, status


def test_staff_see_an_offer_waiting_with_its_deadline_and_a_cancel_passes_it_on(app, classes, wangjing):
    classes.write("wangjing-winter", capacity=1, offer_hours=24)
    assert app.test_cli_runner().invoke(args=["reload"]).exit_code == 0
    first, second, third = (enrol(app, name, phone=f"1391234000{n}") for n, name in enumerate(["甲", "乙", "丙"], 1))
    with app.app_context():
        get_db().cancel(first.reference, "parent")
        until = datetime.fromisoformat(get_db().get(second.reference).offer_expires_at)
    shown = f"待确认（{until.month}月{until.day}日 {until:%H:%M} 前）"
    assert shown in wangjing.get(ROSTER).get_data(as_text=True)
    assert shown in wangjing.get(person(second)).get_data(as_text=True)
    response = wangjing.post(person(second) + "/cancel", data={"csrf_token": token(wangjing), "confirmed": "yes"})
    assert response.status_code == 303
    assert status(app, second)[0] == "cancelled" and status(app, third)[0] == "offered"
    assert ("cancelled", "staff:wj") in actions(app) and ("offered", "staff:wj") in actions(app)
    log = wangjing.get(ROSTER + "/audit").get_data(as_text=True)
    assert f"候补补上，名额留到 {until.month}月{until.day}日 {until:%H:%M} 等家长确认" in log
