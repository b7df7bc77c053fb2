"""A database that cannot take a write answers 503 in Chinese with Retry-After, never an English
500, and keeps nothing of the refused request; a lock held past the budget is one of those."""

import threading
import time

import psycopg
import pytest

from tests.app.helpers import api_child, child, rows, submit_form


def hold_the_lock(database, seconds):
    """Another process's writer sitting on the lock: BEGIN IMMEDIATE on SQLite, the session row on PostgreSQL."""
    started = threading.Event()

    def hold():
        if str(database).startswith("postgresql://"):
            with psycopg.connect(str(database)) as conn:
                conn.execute("SELECT * FROM places FOR UPDATE")
                started.set()
                time.sleep(seconds)
                conn.rollback()
        else:
            import sqlite3

            conn = sqlite3.connect(database, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            started.set()
            time.sleep(seconds)
            conn.rollback()
            conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    started.wait(10)
    return thread


def test_a_lock_held_past_the_budget_is_a_clean_503_and_nothing_is_kept(make_app, database):
    app = make_app(DATABASE_TIMEOUT=1)
    client = app.test_client()
    holder = hold_the_lock(database, 3)
    began = time.monotonic()
    answer = client.post("/api/enrolments", json=api_child())
    waited = time.monotonic() - began
    page, _form = submit_form(client, "/enrol/wangjing-winter/week-1", **child(name="李小红", phone="13912340002"))
    holder.join()
    assert answer.status_code == 503 and 0.8 < waited < 2.5
    assert answer.headers["Retry-After"] == "30"
    assert answer.get_json() == {"error": "unavailable", "message": answer.get_json()["message"]}
    assert "系统暂时无法保存" in answer.get_json()["message"]
    assert page.status_code == 503 and "系统暂时无法保存" in page.get_data(as_text=True)
    assert rows(database, "SELECT count(*) FROM enrolments") == [(0,)]
    assert rows(database, "SELECT count(*) FROM events WHERE action = 'enrolled'") == [(0,)]
    assert client.post("/api/enrolments", json=api_child()).status_code == 201


def test_the_default_budget_is_well_inside_gunicorns_worker_timeout(app):
    from forms_app.storage import postgres, sqlite

    gunicorn_timeout = 30
    assert app.config["DATABASE_TIMEOUT"] <= gunicorn_timeout / 3
    assert sqlite.BUSY_TIMEOUT_SECONDS <= gunicorn_timeout / 3 and postgres.POOL_TIMEOUT_SECONDS <= gunicorn_timeout / 3


@pytest.mark.sqlite_only
def test_a_read_only_database_is_a_503_not_an_english_500(app, client, database):
    from forms_app.db import get_db

    with app.app_context():
        get_db().database.conn.execute("PRAGMA query_only = 1")
        try:
            answer = app.test_client().post("/api/enrolments", json=api_child())
        finally:
            get_db().database.conn.execute("PRAGMA query_only = 0")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "30"
    assert answer.get_json()["error"] == "unavailable"


def test_a_bug_is_answered_in_chinese_not_an_english_500(app, monkeypatch):
    from forms_app import api

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api, "live_places", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    answer = app.test_client().get("/api/availability")
    assert answer.status_code == 500 and answer.get_json()["error"] == "server_error"
    assert "系统出错了" in answer.get_json()["message"]


def test_a_lock_released_within_the_budget_is_waited_for_and_the_committed_answer_returned(make_app, database):
    app = make_app(DATABASE_TIMEOUT=5)
    holder = hold_the_lock(database, 1)
    began = time.monotonic()
    answer = app.test_client().post("/api/enrolments", json=api_child())
    holder.join()
    assert answer.status_code == 201 and time.monotonic() - began >= 0.8
    assert rows(database, "SELECT reference, status FROM enrolments") == [(answer.get_json()["reference"], "confirmed")]


@pytest.mark.sqlite_only
def test_a_command_on_a_database_that_cannot_be_written_says_so_without_a_traceback(app):
    from forms_app.db import get_db

    with app.app_context():
        get_db().database.conn.execute("PRAGMA query_only = 1")
        try:
            result = app.test_cli_runner().invoke(args=["reload"])
        finally:
            get_db().database.conn.execute("PRAGMA query_only = 0")
    assert result.exit_code == 1 and "数据库暂时无法读写，没有做任何改动" in result.output
    assert "Traceback" not in result.output
