"""Issue 13: one child is one entry however the name is typed. Look-alike spellings (spaces,
traditional characters, Kangxi radicals, combining marks, variation selectors) were six
lottery tickets for one child; now each is refused as 已经报过, through HTTP."""

from datetime import datetime, timedelta

import pytest

from programs.model import SHANGHAI
from tests.app.helpers import api_child, born, child, rows, submit_form

VARIANTS = ["王 小红", "王小紅", "王\u2f29红", "王小红\u0301", "王小红\ufe00", "王小\u200b红", "王小红"]
FORM = "/enrol/wangjing-winter/week-1"


@pytest.fixture
def lottery_open(classes):
    now = datetime.now(SHANGHAI)
    classes.write("wangjing-winter", mode="lottery", capacity=2, opens=now - timedelta(hours=1), closes=now + timedelta(days=3))


def test_in_a_lottery_every_look_alike_name_is_refused_whatever_the_phone(lottery_open, client):
    first = client.post("/api/enrolments", json=api_child(name="王小红", phone="13912340001"))
    assert first.status_code == 201 and first.get_json()["status"] == "lottery"
    for number, name in enumerate(VARIANTS, 2):
        again = client.post("/api/enrolments", json=api_child(name=name, phone=f"139123400{number:02d}"))
        assert again.status_code == 409, name
        assert again.get_json()["error"] == "duplicate" and "已经报过" in again.get_json()["message"], name


def test_the_form_refuses_the_look_alikes_too(lottery_open, client):
    response, _ = submit_form(client, FORM, **child(name="王小红", phone="13912340001"))
    assert response.status_code == 303
    for number, name in enumerate(VARIANTS, 2):
        response, _ = submit_form(client, FORM, **child(name=name, phone=f"139123400{number:02d}"))
        assert response.status_code == 409 and "已经报过" in response.get_data(as_text=True), name


def test_first_come_refuses_look_alikes_from_the_same_phone(client):
    assert client.post("/api/enrolments", json=api_child(name="王小红")).status_code == 201
    for name in VARIANTS:
        again = client.post("/api/enrolments", json=api_child(name=name))
        assert (again.status_code, again.get_json()["error"]) == (409, "duplicate"), name


def test_different_children_still_enrol(lottery_open, client):
    assert client.post("/api/enrolments", json=api_child(name="王小红")).status_code == 201
    assert client.post("/api/enrolments", json=api_child(name="王小虹")).status_code == 201
    assert client.post("/api/enrolments", json=api_child(name="王小红", birthdate=born(9).isoformat())).status_code == 201


def test_a_cancelled_entry_frees_the_name_again(lottery_open, client):
    first = client.post("/api/enrolments", json=api_child(name="王小红")).get_json()
    client.post(f"/api/enrolments/{first['reference']}/cancel")
    assert client.post("/api/enrolments", json=api_child(name="王小紅", phone="13912340009")).status_code == 201


@pytest.mark.sqlite_only
def test_an_upgraded_database_keys_its_old_enrolments(make_app, database, client):
    """Migration 5 on a database from before it: old rows get their key, so look-alikes of them
    are refused too; an old look-alike pair cannot block the upgrade."""
    import sqlite3

    assert client.post("/api/enrolments", json=api_child(name="王小红")).status_code == 201
    with sqlite3.connect(database) as conn:
        conn.executescript(
            """
            DROP INDEX one_live_person;
            ALTER TABLE enrolments DROP COLUMN person_key;
            DELETE FROM schema_migrations WHERE version = 5;
            INSERT INTO enrolments (reference, code, program, session, status, name, birthdate, guardian_name, phone,
                employer, answers, consent, submission, request_key, created_at, queue)
            SELECT 'old-twin', 'TWIN2345', program, session, status, '王小紅', birthdate, guardian_name, phone,
                employer, answers, consent, 'old-twin-sub', 'old-twin-key', created_at, queue + 1 FROM enrolments;
            """
        )
    upgraded = make_app().test_client()
    assert rows(database, "SELECT name, person_key IS NULL FROM enrolments ORDER BY id") == [("王小红", 0), ("王小紅", 1)]
    again = upgraded.post("/api/enrolments", json=api_child(name="王 小红"))
    assert (again.status_code, again.get_json()["error"]) == (409, "duplicate")
