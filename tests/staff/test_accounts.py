"""Accounts live in the CLI; the console opens only to a logged-in, enabled account."""

import pytest

from forms_app.db import get_db
from tests.staff.conftest import PASSWORD, WANGJING, login, token


def cli(app, *args, password=None):
    typed = f"{password}\n{password}\n" if password else None
    return app.test_cli_runner().invoke(args=list(args), input=typed)


def test_staff_add_list_disable_passwd(app):
    added = cli(app, "staff", "add", "wj2", "--organizer", WANGJING, password="another good one")
    assert added.exit_code == 0, added.output
    assert f"已建立账号 wj2（{WANGJING}）" in added.output
    assert cli(app, "staff", "add", "wj2", "--organizer", WANGJING, password="x" * 12).exit_code == 1
    assert cli(app, "staff", "add", "nobody").exit_code == 1

    listing = cli(app, "staff", "list").output
    assert f"wj2\t{WANGJING}\t正常" in listing and "district\t总管理员（全部区县）\t正常" in listing

    assert cli(app, "staff", "disable", "wj2").exit_code == 0
    assert "wj2\t望京街道总工会\t已停用" in cli(app, "staff", "list").output
    assert login(app.test_client(), "wj2", "another good one").status_code == 401

    assert cli(app, "staff", "passwd", "wj2", password="a brand new one").exit_code == 0
    assert login(app.test_client(), "wj2", "a brand new one").status_code == 303


def test_short_passwords_are_asked_again(app):
    result = app.test_cli_runner().invoke(
        args=["staff", "add", "wj3", "--organizer", WANGJING], input="short\nshort\nlong enough now\nlong enough now\n"
    )
    assert result.exit_code == 0 and "密码至少 10 个字符" in result.output


def test_passwords_are_stored_as_argon2id(app):
    with app.app_context():
        stored = get_db().staff("wj").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_wrong_password_and_unknown_user_get_the_same_answer(app):
    client = app.test_client()
    wrong, unknown = login(client, "wj", "not the password"), login(client, "ghost", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.get_data(as_text=True)
    assert client.get("/staff/").status_code == 303


def test_every_console_url_sends_a_stranger_to_the_login_page(app, client):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or rule.endpoint == "staff_auth.login":
            continue
        path = rule.rule.replace("<program_id>", "wangjing-winter").replace("<session_id>", "week-1")
        path = path.replace("<int:enrolment_id>", "1").replace("<day>", "2030-01-01")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(path, method=method)
            assert response.status_code == 303 and response.location.endswith("/staff/login"), (method, path)
    assert client.get("/staff/no-such-page").location.endswith("/staff/login")


@pytest.fixture
def client(app):
    return app.test_client()


def test_session_cookie_is_httponly_strict_scoped_to_the_console_and_secure_over_https(app):
    client = app.test_client()
    page = client.get("/staff/login", base_url="https://localhost").get_data(as_text=True)
    from tests.app.helpers import csrf_token

    response = client.post(
        "/staff/login",
        base_url="https://localhost",
        data={"csrf_token": csrf_token(page), "username": "wj", "password": PASSWORD},
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie
    assert cookie.startswith("staff_session=") and "Path=/staff/" in cookie


def test_console_pages_are_never_cached(wangjing):
    for path in ("/staff/", "/staff/sessions/wangjing-winter/week-1", "/staff/login"):
        assert wangjing.get(path).headers["Cache-Control"] == "no-store"


def test_changing_the_password_or_disabling_ends_open_sessions(app, wangjing):
    assert wangjing.get("/staff/").status_code == 200
    cli(app, "staff", "passwd", "wj", password="changed password")
    assert wangjing.get("/staff/").status_code == 303
    assert login(wangjing, "wj", "changed password").status_code == 303
    cli(app, "staff", "disable", "wj")
    assert wangjing.get("/staff/").status_code == 303


def test_logout_needs_the_form_and_ends_the_session(wangjing):
    assert wangjing.post("/staff/logout").status_code == 303
    assert wangjing.get("/staff/").status_code == 200
    assert wangjing.post("/staff/logout", data={"csrf_token": token(wangjing)}).location.endswith("/staff/login")
    assert wangjing.get("/staff/").status_code == 303


def test_repeated_failures_lock_the_account_even_for_the_right_password(make_app, app):
    locking = make_app(RATELIMIT_ENABLED=True)
    client = locking.test_client()
    answers = [login(client, "wj", f"guess number {n}").status_code for n in range(6)]
    assert answers == [401] * 5 + [429]
    locked = login(client, "wj")
    assert locked.status_code == 429 and "已暂时锁定" in locked.get_data(as_text=True)
    assert login(client, "sl").status_code == 303


def test_one_address_guessing_many_accounts_is_locked_out(make_app, app):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    answers = [login(client, f"user{n}", "guess").status_code for n in range(21)]
    assert answers[:20] == [401] * 20 and answers[20] == 429
    assert login(client, "sl").status_code == 429


def test_a_copied_session_cookie_stops_working_after_logout(app, wangjing):
    """Issue 13: logging out used to clear only the browser's cookie; a copy kept working."""
    copied = app.test_client()
    copied.set_cookie("staff_session", wangjing.get_cookie("staff_session", path="/staff/").value, path="/staff/")
    assert copied.get("/staff/").status_code == 200
    assert wangjing.post("/staff/logout", data={"csrf_token": token(wangjing)}).status_code == 303
    assert copied.get("/staff/").status_code == 303
    assert login(wangjing, "wj").status_code == 303 and wangjing.get("/staff/").status_code == 200
    assert copied.get("/staff/").status_code == 303


def test_guessing_from_elsewhere_never_locks_the_owner_out(make_app, app):
    """Issue 13: failures from anywhere used to lock the account for everyone, its owner included."""
    locking = make_app(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX="owner-lockout")
    attacker, owner = locking.test_client(), locking.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    answers = [login(attacker, "wj", f"guess number {n}").status_code for n in range(7)]
    assert answers == [401] * 5 + [429] * 2
    assert login(attacker, "wj").status_code == 429
    assert login(owner, "wj").status_code == 303
