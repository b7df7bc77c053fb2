"""Retention: personal data of sessions that ended long ago is wiped on command; counts stay."""
from datetime import timedelta

from forms_app.db import get_db
from tests.app.helpers import TODAY, program_data, rows
from tests.staff.conftest import enrol


def ended_program(classes, days_ago):
    data = program_data()
    session = {**data["sessions"][0], "start": (TODAY - timedelta(days=days_ago + 4)).isoformat(),
               "end": (TODAY - timedelta(days=days_ago)).isoformat()}
    classes.write("wangjing-old", sessions=[session])


def test_purge_anonymises_sessions_ended_before_the_cutoff_and_keeps_counts(app, classes, database):
    ended_program(classes, days_ago=200)
    app.test_cli_runner().invoke(args=["reload"])
    old = [enrol(app, name, program="wangjing-old", phone=f"1391234000{n}") for n, name in enumerate(["甲", "乙", "丙"], 1)]
    current = enrol(app, "王小明")
    with app.app_context():
        counts_before = get_db().counts()[("wangjing-old", "week-1")]

    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and "3 人的个人信息" in result.output

    personal = rows(database, "SELECT name, phone, birthdate, guardian_name, employer, answers FROM enrolments WHERE program = 'wangjing-old'")
    assert all(row[0].startswith("已清除") and not any(row[1:]) for row in personal)
    assert not any(enrolment.name in str(personal) for enrolment in old)
    assert rows(database, "SELECT recipient FROM outbox WHERE recipient IS NOT NULL AND enrolment_id IN (SELECT id FROM enrolments WHERE program = 'wangjing-old')") == []
    with app.app_context():
        assert get_db().counts()[("wangjing-old", "week-1")] == counts_before
        assert get_db().get(current.reference).name == "王小明"
        assert [e.action for e in get_db().audit("wangjing-old", "week-1")][-1] == "purged"
    assert "0 人" in app.test_cli_runner().invoke(args=["purge"]).output


def test_the_cutoff_is_a_number_of_days(app, classes):
    ended_program(classes, days_ago=30)
    app.test_cli_runner().invoke(args=["reload"])
    enrol(app, "甲", program="wangjing-old")
    assert "0 人" in app.test_cli_runner().invoke(args=["purge"]).output
    assert "1 人" in app.test_cli_runner().invoke(args=["purge", "--ended-before", "7"]).output
