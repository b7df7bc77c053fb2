"""Retention: personal data of sessions that ended long ago is wiped on command; counts stay."""

from datetime import timedelta

from forms_app.db import get_db
from tests.app.helpers import TODAY, dates_since, program_data, rows
from tests.staff.conftest import enrol


def ended_program(classes, days_ago):
    data = program_data()
    session = {
        **data["sessions"][0],
        "start": (TODAY - timedelta(days=days_ago + 4)).isoformat(),
        "end": (TODAY - timedelta(days=days_ago)).isoformat(),
    }
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

    personal = rows(
        database, "SELECT name, phone, birthdate, guardian_name, employer, answers FROM enrolments WHERE program = 'wangjing-old'"
    )
    assert all(row[0].startswith("已清除") and not any(row[1:]) for row in personal)
    assert not any(enrolment.name in str(personal) for enrolment in old)
    assert (
        rows(
            database,
            "SELECT recipient FROM outbox WHERE recipient IS NOT NULL AND enrolment_id IN (SELECT id FROM enrolments WHERE program = 'wangjing-old')",
        )
        == []
    )
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


def cancelled_days_ago(app, database, name, days, phone):
    """An enrolment cancelled `days` ago (its cancellation stamp moved back in time)."""
    from datetime import datetime

    from programs.model import SHANGHAI

    enrolment = enrol(app, name, phone=phone)
    with app.app_context():
        get_db().cancel(enrolment.reference, "parent")
    at = (datetime.now(SHANGHAI) - timedelta(days=days)).isoformat(timespec="milliseconds")
    _run(database, f"UPDATE enrolments SET updated_at = '{at}' WHERE id = {enrolment.id}")
    return enrolment


def _run(database, sql):
    import sqlite3

    import psycopg

    if str(database).startswith("postgresql://"):
        with psycopg.connect(str(database)) as conn:
            conn.execute(sql)
    else:
        with sqlite3.connect(database) as conn:
            conn.execute(sql)


def test_cancelled_enrolments_are_cleared_after_the_grace_period_and_dry_run_changes_nothing(app, classes, database):
    ended_program(classes, days_ago=200)
    app.test_cli_runner().invoke(args=["reload"])
    enrol(app, "甲", program="wangjing-old")
    long_ago = cancelled_days_ago(app, database, "乙", 31, "13912340002")
    recent = cancelled_days_ago(app, database, "丙", 29, "13912340003")
    live = enrol(app, "丁", phone="13912340004")

    preview = app.test_cli_runner().invoke(args=["purge", "--dry-run"])
    assert preview.exit_code == 0, preview.output
    assert "wangjing-old/week-1：班次已结束 1 人，已取消 0 人" in preview.output
    assert "wangjing-winter/week-1：班次已结束 0 人，已取消 1 人" in preview.output
    assert "试运行，没有改动" in preview.output
    assert rows(database, "SELECT count(*) FROM enrolments WHERE purged_at IS NOT NULL") == [(0,)]

    done = app.test_cli_runner().invoke(args=["purge"])
    assert "1 人的个人信息；各班次人数统计保留" in done.output and "取消的 1 人的个人信息" in done.output
    with app.app_context():
        assert get_db().get(long_ago.reference).name.startswith("已清除") and get_db().get(long_ago.reference).phone == ""
        assert get_db().get(recent.reference).name == "丙"
        assert get_db().get(live.reference).name == "丁"
        assert "purged_cancelled" in [e.action for e in get_db().audit("wangjing-winter", "week-1")]


def test_retention_runs_itself_once_a_day_after_a_request(app, classes, database):
    from forms_app import retention

    ended_program(classes, days_ago=200)
    app.test_cli_runner().invoke(args=["reload"])
    enrol(app, "甲", program="wangjing-old")
    cancelled_days_ago(app, database, "乙", 31, "13912340002")
    assert retention.run_if_due(app) == (1, 1)
    enrol(app, "丙", program="wangjing-old", phone="13912340003")
    assert retention.run_if_due(app) is None  # today's run already happened, in any worker
    [(ran_on,)] = rows(database, "SELECT value FROM meta WHERE key = 'retention_ran_on'")
    assert ran_on in dates_since(TODAY)


def test_the_privacy_notice_states_the_configured_periods(make_app):
    page = make_app(RETENTION_DAYS=90, CANCELLED_GRACE_DAYS=14, BACKUP_KEEP_DAYS=7).test_client().get("/privacy")
    text = page.get_data(as_text=True)
    assert "班次结束满 90 天后" in text and "取消满 14 天后" in text and "最多保留 7 天" in text
    assert "不超过一年" not in text
