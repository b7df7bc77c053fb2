"""Accounts from the browser: only the district admin manages them, everyone changes
their own password, every change is audited and takes effect on open sessions."""

from forms_app.db import get_db
from tests.staff.conftest import PASSWORD, SANLITUN, WANGJING, login, token


def create(admin, **fields):
    data = {"csrf_token": token(admin, "/staff/accounts"), "username": "wj2", "organizer": WANGJING, "password": "another good one"}
    return admin.post("/staff/accounts", data={**data, **fields})


def test_only_the_admin_reaches_the_accounts_page(wangjing, admin):
    assert wangjing.get("/staff/accounts").status_code == 404
    assert wangjing.post("/staff/accounts/sl/disable", data={"csrf_token": token(wangjing)}).status_code == 404
    assert wangjing.post("/staff/accounts/sl/reset", data={"csrf_token": token(wangjing), "password": "x" * 12}).status_code == 404
    page = admin.get("/staff/accounts").get_data(as_text=True)
    assert f'<option value="{WANGJING}">' in page and SANLITUN in page


def test_the_admin_creates_disables_and_resets_an_account_each_audited(app, admin):
    assert create(admin).status_code == 303
    with app.app_context():
        assert get_db().staff("wj2").organizer == WANGJING
    newcomer = app.test_client()
    assert login(newcomer, "wj2", "another good one").status_code == 303

    first = admin.post("/staff/accounts/wj2/disable", data={"csrf_token": token(admin, "/staff/accounts")})
    assert "确定停用账号 wj2 吗" in first.get_data(as_text=True)
    with app.app_context():
        assert not get_db().staff("wj2").disabled
    done = admin.post("/staff/accounts/wj2/disable", data={"csrf_token": token(admin, "/staff/accounts"), "confirmed": "yes"})
    assert done.status_code == 303
    assert newcomer.get("/staff/").status_code == 303  # the open session ended at once
    assert login(app.test_client(), "wj2", "another good one").status_code == 401

    reset = admin.post("/staff/accounts/wj2/reset", data={"csrf_token": token(admin, "/staff/accounts"), "password": "fresh password 1"})
    assert reset.status_code == 303
    assert login(app.test_client(), "wj2", "fresh password 1").status_code == 303

    page = admin.get("/staff/accounts").get_data(as_text=True)
    for sentence in ("新建账号 wj2", "停用账号 wj2", "重设账号 wj2 的密码"):
        assert sentence in page
    assert page.count("工作人员 district") >= 3


def test_bad_account_forms_are_answered_in_chinese_and_change_nothing(app, admin):
    assert "已存在" in create(admin, username="wj").get_data(as_text=True)
    assert "至少 10 个字符" in create(admin, password="short").get_data(as_text=True)
    assert "请从列表中选择" in create(admin, organizer="某某街道总工会").get_data(as_text=True)
    assert "不能有空格" in create(admin, username="a b").get_data(as_text=True)
    assert create(admin, csrf_token="").status_code == 400
    with app.app_context():
        assert [a.username for a in get_db().all_staff()] == ["district", "sl", "wj"]
    own = admin.post("/staff/accounts/district/disable", data={"csrf_token": token(admin, "/staff/accounts"), "confirmed": "yes"})
    assert own.status_code == 303
    with app.app_context():
        assert not get_db().staff("district").disabled


def test_staff_change_their_own_password(app, wangjing):
    form = {
        "csrf_token": token(wangjing, "/staff/password"),
        "current": "wrong one!!",
        "password": "new password 1",
        "again": "new password 1",
    }
    assert "现在的密码不对" in wangjing.post("/staff/password", data=form).get_data(as_text=True)
    mismatch = wangjing.post("/staff/password", data={**form, "current": PASSWORD, "again": "other password"})
    assert mismatch.status_code == 400 and "两次输入的新密码不一样" in mismatch.get_data(as_text=True)
    done = wangjing.post("/staff/password", data={**form, "current": PASSWORD})
    assert done.status_code == 303 and done.headers["Location"].endswith("/staff/login")
    assert login(app.test_client(), "wj", PASSWORD).status_code == 401
    assert login(app.test_client(), "wj", "new password 1").status_code == 303
    with app.app_context():
        [event] = [e for e in get_db().audit(":accounts", "") if e.action == "staff_password_changed"]
        assert event.actor == "staff:wj"
