"""Data tasks in the browser for the district admin: retention shown, purge previewed then run after a
confirmation, backup status read from the folder the scheduled backup writes; nobody else sees them."""

import os

import pytest

from forms_app import backups
from forms_app.clock import now
from forms_app.db import get_db
from forms_app.staff import accounts
from tests.staff.conftest import PASSWORD, enrol, login, token
from tests.staff.test_purge import ended_program


def test_the_admin_previews_the_purge_and_runs_it_only_after_confirming(app, admin, classes):
    ended_program(classes, days_ago=200)
    app.test_cli_runner().invoke(args=["reload"])
    old = [enrol(app, name, program="wangjing-old", phone=f"1391234000{n}") for n, name in enumerate(["甲", "乙"], 1)]
    current = enrol(app, "王小明")

    page = admin.get("/staff/data/").get_data(as_text=True)
    assert "班次结束满 <strong>180</strong> 天" in page and "取消满 <strong>30</strong> 天" in page
    assert "wangjing-old" in page and "中 2 人" in page and "wangjing-winter" not in page

    asked = admin.post("/staff/data/purge", data={"csrf_token": token(admin, "/staff/data/")})
    assert "确定现在清除这些个人信息吗" in asked.get_data(as_text=True)
    with app.app_context():
        assert get_db().get(old[0].reference).name == "甲"

    done = admin.post("/staff/data/purge", data={"csrf_token": token(admin, "/staff/data/"), "confirmed": "yes"}, follow_redirects=True)
    assert "已结束班次中 2 人" in done.get_data(as_text=True)
    with app.app_context():
        assert get_db().get(old[0].reference).name.startswith("已清除")
        assert get_db().get(current.reference).name == "王小明"
        assert [e.actor for e in get_db().audit("wangjing-old", "week-1")][-1] == "staff:district"
    assert "现在没有到期的个人信息" in admin.get("/staff/data/").get_data(as_text=True)


def test_organizer_staff_do_not_see_the_data_page_nor_can_purge(app, wangjing, classes):
    ended_program(classes, days_ago=200)
    app.test_cli_runner().invoke(args=["reload"])
    old = enrol(app, "甲", program="wangjing-old")
    assert wangjing.get("/staff/data/").status_code == 404
    answer = wangjing.post("/staff/data/purge", data={"csrf_token": token(wangjing), "confirmed": "yes"})
    assert answer.status_code == 404
    with app.app_context():
        assert get_db().get(old.reference).name == "甲"
    assert "个人信息与备份" not in wangjing.get("/staff/").get_data(as_text=True)


@pytest.mark.sqlite_only
def test_backup_status_shows_the_newest_backup_its_size_and_folder(make_app, tmp_path):
    folder = tmp_path / "backups"
    app = make_app(BACKUP_DIR=str(folder))
    with app.app_context():
        get_db().save_staff(accounts.new_account("district", PASSWORD, None, True))
    client = app.test_client()
    assert login(client, "district").status_code == 303

    assert "没有找到任何备份" in client.get("/staff/data/").get_data(as_text=True)
    folder.mkdir()
    (folder / "forms-2020-01-01-0300.sqlite3").write_bytes(b"x" * 10)
    assert "超过一天没有新的备份" in client.get("/staff/data/").get_data(as_text=True)

    with app.app_context():
        get_db().backup(str(backups.target(folder, now())))
    newest = max(folder.iterdir(), key=lambda path: path.name)
    page = client.get("/staff/data/").get_data(as_text=True)
    assert newest.name in page and str(folder) in page and "共 2 份" in page
    assert f"{os.path.getsize(newest) / 1048576:.1f} MB" in page and "超过一天" not in page


def test_without_a_backup_folder_the_page_says_what_to_set(admin):
    page = admin.get("/staff/data/").get_data(as_text=True)
    assert "FORMS_APP_BACKUP_DIR" in page and "后台不知道备份放在哪里" in page
