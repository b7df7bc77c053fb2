"""Retention that runs itself in real gunicorn workers, and dated backups that are pruned."""

import re
import time

from forms_app.db import get_db
from tests.app.helpers import TODAY, dates_since, flask_command, rows
from tests.staff.conftest import enrol
from tests.staff.test_purge import ended_program


def test_gunicorn_workers_run_the_daily_retention_without_anyone_asking(classes, make_app, serve, database):
    ended_program(classes, days_ago=200)
    app = make_app(RETENTION_AUTOMATIC=False)
    old = enrol(app, "甲", program="wangjing-old")
    with app.app_context():
        get_db().release()
    serve()  # its start-up requests are the first each worker answers
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and rows(database, "SELECT purged_at FROM enrolments WHERE id = ?", (old.id,)) == [(None,)]:
        time.sleep(0.2)
    assert rows(database, "SELECT name FROM enrolments WHERE id = ?", (old.id,))[0][0].startswith("已清除")
    [(ran_on,)] = rows(database, "SELECT value FROM meta WHERE key = 'retention_ran_on'")
    assert ran_on in dates_since(TODAY)
    assert rows(database, "SELECT count(*) FROM events WHERE action = 'purged' AND actor = 'system:retention'") == [(1,)]


def test_backups_carry_their_date_and_old_ones_are_pruned(classes, database, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    for name in ("forms-2020-01-01-0300.sqlite3", "forms-2020-02-01-0300.sqlite3", "notes.txt"):
        (folder / name).write_text("old", encoding="utf-8")
    done = flask_command(database, classes, "backup", str(folder), "--prune", "30")
    assert done.returncode == 0, done.stderr
    names = sorted(path.name for path in folder.iterdir())
    assert "notes.txt" in names and not [n for n in names if n.startswith("forms-2020")]
    [fresh] = [n for n in names if n.startswith("forms-")]
    stamp = re.fullmatch(r"forms-(\d{4}-\d\d-\d\d)-\d{4}\.sqlite3", fresh)
    assert stamp and stamp[1] in dates_since(TODAY), fresh
    assert done.stdout.count("已删除 30 天前的备份") == 2 and f"已备份到 {folder / fresh}" in done.stdout
