"""The 摇号: committed before registration closes, drawn once after it, reproducible
from the published record alone, never past capacity, waitlist in drawn order."""

import json
import re
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from forms_app import lottery
from forms_app.db import get_db
from programs import lottery as rules
from programs.model import SHANGHAI
from tests.app.helpers import ROOT
from tests.staff.conftest import enrol, token

ROSTER = "/staff/sessions/wangjing-winter/week-1"
FAMILIES = [["甲"], ["乙", "乙弟"], ["丙"], ["丁"], ["戊", "戊妹", "戊弟"], ["己"], ["庚"]]


def lottery_program(classes, closed=True, capacity=3):
    now = datetime.now(SHANGHAI)
    closes = now - timedelta(hours=1) if closed else now + timedelta(days=3)
    data = classes.write("wangjing-winter", mode="lottery", capacity=capacity, opens=now - timedelta(days=5), closes=closes)
    text = data.read_text(encoding="utf-8").replace("mode: lottery", "mode: lottery\n  siblings_together: true")
    data.write_text(text, encoding="utf-8")


@pytest.fixture
def drawn_app(classes, app):
    lottery_program(classes)
    app.test_cli_runner().invoke(args=["reload"])
    for number, family in enumerate(FAMILIES):
        for name in family:
            enrol(app, name, phone=f"139123400{number:02d}", submission=f"family-{number:02d}-submission")
    return app


def statuses(app):
    """{draw ticket: (status, position)}: the record lists tickets, never 查询码."""
    with app.app_context():
        seed = lottery.find("wangjing-winter", "week-1").seed
        return {rules.entry_ticket(seed, e.reference): (e.status, e.position) for e in get_db().roster("wangjing-winter", "week-1")}


def ticket(app, entry):
    with app.app_context():
        return rules.entry_ticket(lottery.find("wangjing-winter", "week-1").seed, entry.reference)


def draw(app):
    return app.test_cli_runner().invoke(args=["lottery", "draw", "wangjing-winter", "week-1"])


def test_the_commitment_is_published_before_closes_and_the_draw_waits_for_it(classes, app, wangjing, published):
    lottery_program(classes, closed=False)
    app.test_cli_runner().invoke(args=["reload"])
    enrol(app, "甲")
    record = json.loads((published / "wangjing-winter" / "week-1.json").read_text(encoding="utf-8"))
    assert set(record) == {"algorithm", "program", "session", "commitment", "committed_at"}
    assert record["commitment"] in wangjing.get(ROSTER).get_data(as_text=True)

    refused = draw(app)
    assert refused.exit_code == 1 and "报名还没有截止" in refused.output
    page = wangjing.post(ROSTER + "/draw", data={"csrf_token": token(wangjing), "confirmed": "yes"}, follow_redirects=True)
    assert "报名还没有截止" in page.get_data(as_text=True)
    assert {status for status, _ in statuses(app).values()} == {"lottery"}


def test_winners_are_confirmed_up_to_capacity_and_the_rest_wait_in_drawn_order(drawn_app, published):
    result = draw(drawn_app)
    assert result.exit_code == 0, result.output
    record = json.loads((published / "wangjing-winter" / "week-1.json").read_text(encoding="utf-8"))
    assert sorted(map(len, record["entries"])) == [1, 1, 1, 1, 1, 2, 3]
    assert len(record["confirmed"]) <= 3 and len(record["confirmed"]) + len(record["waitlisted"]) == 10
    now = statuses(drawn_app)
    assert all(now[code][0] == "confirmed" for code in record["confirmed"])
    assert [now[code] for code in record["waitlisted"]] == [("waitlisted", n) for n in range(1, len(record["waitlisted"]) + 1)]


def test_anyone_can_recompute_the_result_from_the_published_file(drawn_app, published):
    draw(drawn_app)
    path = published / "wangjing-winter" / "week-1.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    again = rules.publication("wangjing-winter", "week-1", record["capacity"], record["seed"], record["entries"])
    assert (again["confirmed"], again["waitlisted"]) == (record["confirmed"], record["waitlisted"])
    checked = subprocess.run([sys.executable, "build.py", "verify-lottery", str(path)], cwd=ROOT, capture_output=True, text=True)
    assert checked.returncode == 0 and "验证通过" in checked.stdout


@pytest.mark.sqlite_only
def test_the_same_entries_and_seed_give_the_same_result(drawn_app, make_app, database, tmp_path):
    twin = tmp_path / "twin.sqlite3"
    with sqlite3.connect(database) as source, sqlite3.connect(twin) as target:
        source.backup(target)
    draw(drawn_app)
    other = make_app(DATABASE=str(twin))
    draw(other)
    with drawn_app.app_context():
        first = lottery.find("wangjing-winter", "week-1").publication
    with other.app_context():
        second = lottery.find("wangjing-winter", "week-1").publication
    assert first == second and statuses(drawn_app) == statuses(other)


def test_running_the_draw_again_changes_nothing(drawn_app, wangjing):
    draw(drawn_app)
    before = statuses(drawn_app)
    with drawn_app.app_context():
        events = len(get_db().audit("wangjing-winter", "week-1"))
    again = draw(drawn_app)
    assert again.exit_code == 0 and "已经摇过号，结果不变" in again.output
    page = wangjing.post(ROSTER + "/draw", data={"csrf_token": token(wangjing), "confirmed": "yes"}, follow_redirects=True)
    assert "已经摇过号" in page.get_data(as_text=True)
    assert statuses(drawn_app) == before
    with drawn_app.app_context():
        assert len(get_db().audit("wangjing-winter", "week-1")) == events


def test_a_cancellation_after_the_draw_promotes_in_drawn_order(drawn_app, wangjing):
    draw(drawn_app)
    with drawn_app.app_context():
        record = lottery.find("wangjing-winter", "week-1").publication
        seed = record["seed"]
        roster = get_db().roster("wangjing-winter", "week-1")
        winner = next(e for e in roster if rules.entry_ticket(seed, e.reference) == record["confirmed"][0])
        get_db().cancel(winner.reference, "parent")
        now = {rules.entry_ticket(seed, e.reference): e.status for e in get_db().roster("wangjing-winter", "week-1")}
    first_waiting = record["waitlisted"][0]
    assert now[first_waiting] == "confirmed"
    assert [now[code] for code in record["waitlisted"][1:]] == ["waitlisted"] * (len(record["waitlisted"]) - 1)
    page = wangjing.get(ROSTER).get_data(as_text=True)
    assert record["seed"] in page and "下载公示数据" in page


@pytest.mark.parametrize("capacity", [1, 2, 4, 6, 20])
def test_winners_never_exceed_capacity(classes, make_app, capacity):
    lottery_program(classes, capacity=capacity)
    app = make_app()
    for number, family in enumerate(FAMILIES):
        for name in family:
            enrol(app, name, phone=f"139123400{number:02d}", submission=f"family-{number:02d}-submission")
    draw(app)
    with app.app_context():
        confirmed = get_db().counts()[("wangjing-winter", "week-1")].confirmed
    assert confirmed <= capacity
    if capacity >= 10:
        assert confirmed == 10


def test_the_published_record_names_no_lookup_code_and_no_link_yet_each_parent_finds_their_ticket(drawn_app, published):
    """Issue 13: a record listing 查询码 let anyone with a winner's phone look the place up and cancel it."""
    draw(drawn_app)
    path = published / "wangjing-winter" / "week-1.json"
    text = path.read_text(encoding="utf-8")
    record = json.loads(text)
    with drawn_app.app_context():
        roster = get_db().roster("wangjing-winter", "week-1")
    assert len(roster) == 10
    for enrolment in roster:
        assert enrolment.code not in text and enrolment.reference not in text
        assert enrolment.name not in text and enrolment.phone not in text
    listed = record["confirmed"] + record["waitlisted"]
    parents = drawn_app.test_client()
    for enrolment in roster:
        page = parents.get(f"/r/{enrolment.reference}").get_data(as_text=True)
        shown = re.search(r'class="code ticket">([0-9a-f]+)<', page).group(1)
        assert shown in listed
        assert ("报名成功" in page) == (shown in record["confirmed"])
    checked = subprocess.run([sys.executable, "build.py", "verify-lottery", str(path)], cwd=ROOT, capture_output=True, text=True)
    assert checked.returncode == 0 and "验证通过" in checked.stdout


def test_a_parent_sees_their_ticket_before_the_draw_too(classes, app, published):
    lottery_program(classes, closed=False)
    app.test_cli_runner().invoke(args=["reload"])
    entry = enrol(app, "甲")
    page = app.test_client().get(f"/r/{entry.reference}").get_data(as_text=True)
    with app.app_context():
        seed = lottery.find("wangjing-winter", "week-1").seed
    assert f'class="code ticket">{rules.entry_ticket(seed, entry.reference)}<' in page
    assert seed not in page and seed not in (published / "wangjing-winter" / "week-1.json").read_text(encoding="utf-8")


def test_an_api_client_reads_the_same_ticket_the_record_lists(drawn_app, published):
    draw(drawn_app)
    record = json.loads((published / "wangjing-winter" / "week-1.json").read_text(encoding="utf-8"))
    client = drawn_app.test_client()
    with drawn_app.app_context():
        roster = get_db().roster("wangjing-winter", "week-1")
    tickets = [client.get(f"/api/enrolments/{e.reference}").get_json()["ticket"] for e in roster]
    assert sorted(tickets) == sorted(record["confirmed"] + record["waitlisted"])


def reopen(classes, app, capacity):
    """Staff extend `closes` after the draw (and perhaps add places), then reload."""
    lottery_program(classes, closed=False, capacity=capacity)
    assert app.test_cli_runner().invoke(args=["reload"]).exit_code == 0


def test_a_lottery_reopened_after_its_draw_waitlists_newcomers_behind_the_drawn_order(classes, drawn_app):
    draw(drawn_app)
    waiting = sum(1 for status, _ in statuses(drawn_app).values() if status == "waitlisted")
    reopen(classes, drawn_app, capacity=3)
    late = enrol(drawn_app, "辛", phone="13912340077")
    assert (late.status, late.position) == ("waitlisted", waiting + 1)
    assert "lottery" not in {status for status, _ in statuses(drawn_app).values()}


def test_a_lottery_reopened_with_free_places_confirms_newcomers_once_nobody_waits(classes, drawn_app, wangjing):
    draw(drawn_app)
    reopen(classes, drawn_app, capacity=30)
    assert {status for status, _ in statuses(drawn_app).values()} == {"confirmed"}  # the free places went to the waitlist
    late = enrol(drawn_app, "辛", phone="13912340077")
    assert late.status == "confirmed"
    again = draw(drawn_app)
    assert again.exit_code == 0 and "已经摇过号，结果不变" in again.output


def test_entries_left_waiting_for_a_draw_that_already_ran_are_settled_by_drawing_again(classes, drawn_app, database, wangjing):
    draw(drawn_app)
    reopen(classes, drawn_app, capacity=30)
    stuck = [enrol(drawn_app, name, phone=f"1391234008{n}") for n, name in enumerate(["壬", "癸"])]
    _stuck_as_before(database, [entry.id for entry in stuck])  # as the enrol path used to leave them
    assert [statuses(drawn_app)[ticket(drawn_app, entry)][0] for entry in stuck] == ["lottery", "lottery"]
    page = wangjing.post(ROSTER + "/draw", data={"csrf_token": token(wangjing), "confirmed": "yes"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "已经摇过号，结果不变" in page and "摇号后报名的 2 人按报名先后排在候补后面" in page and "补上 2 人" in page
    assert [statuses(drawn_app)[ticket(drawn_app, entry)][0] for entry in stuck] == ["confirmed", "confirmed"]


def _stuck_as_before(database, ids):
    import psycopg

    sql = f"UPDATE enrolments SET status = 'lottery' WHERE id IN ({', '.join(str(i) for i in ids)})"
    if str(database).startswith("postgresql://"):
        with psycopg.connect(str(database)) as conn:
            conn.execute(sql)
    else:
        with sqlite3.connect(database) as conn:
            conn.execute(sql)


def test_the_draw_asks_first_and_the_roster_shows_the_record_recomputed(drawn_app, wangjing, database):
    from tests.staff.test_purge import _run

    asked = wangjing.post(ROSTER + "/draw", data={"csrf_token": token(wangjing)}).get_data(as_text=True)
    assert "确定现在为第一期摇号吗" in asked and 'name="confirmed" value="yes"' in asked
    assert {status for status, _ in statuses(drawn_app).values()} == {"lottery"}

    page = wangjing.post(ROSTER + "/draw", data={"csrf_token": token(wangjing), "confirmed": "yes"}, follow_redirects=True)
    assert "摇号完成" in page.get_data(as_text=True)
    assert "验证通过：用公示的种子和名单重新计算了一遍" in wangjing.get(ROSTER).get_data(as_text=True)

    with drawn_app.app_context():
        record = lottery.find("wangjing-winter", "week-1").publication
    forged = {**record, "confirmed": [record["waitlisted"][0], *record["confirmed"][1:]]}
    _run(database, f"UPDATE lotteries SET publication = '{json.dumps(forged)}' WHERE program = 'wangjing-winter'")
    shown = wangjing.get(ROSTER).get_data(as_text=True)
    assert "验证没有通过" in shown and "验证通过：" not in shown
