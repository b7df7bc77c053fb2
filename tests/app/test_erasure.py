"""A parent deletes their data from the result page: 查询码 + phone, CSRF, an explicit
confirmation; the place goes to the next in line and no personal data is left, not even
in the SQLite file's bytes."""

import sqlite3

import pytest

from tests.app.helpers import api_child, csrf_token, rows


def erase_page(client, reference):
    return client.get(f"/r/{reference}/erase")


def erase(client, reference, **fields):
    token = csrf_token(erase_page(client, reference).get_data(as_text=True))
    return client.post(f"/r/{reference}/erase", data={"csrf_token": token, **fields})


def test_a_parent_erases_a_live_enrolment_and_the_next_in_line_gets_the_place(client, database):
    mine = client.post("/api/enrolments", json=api_child(name="王小明", phone="13912340001")).get_json()
    client.post("/api/enrolments", json=api_child(name="李小红", phone="13912340002"))
    waiting = client.post("/api/enrolments", json=api_child(name="张小刚", phone="13912340003")).get_json()
    assert waiting["status"] == "waitlisted"
    assert "删除我的信息" in client.get(f"/r/{mine['reference']}").get_data(as_text=True)

    assert erase(client, mine["reference"], phone="13912340009", code=mine["code"], confirm="y").status_code == 404
    assert erase(client, mine["reference"], phone="13912340001", code=mine["code"]).status_code == 422
    no_csrf = client.post(f"/r/{mine['reference']}/erase", data={"phone": "13912340001", "code": mine["code"], "confirm": "y"})
    assert no_csrf.status_code == 400
    assert client.get(f"/api/enrolments/{mine['reference']}").get_json()["status"] == "confirmed"

    done = erase(client, mine["reference"], phone="139 1234 0001", code=mine["code"].lower(), confirm="y")
    assert done.status_code == 303
    page = client.get(f"/r/{mine['reference']}").get_data(as_text=True)
    assert "已取消这次报名，并删除了您和孩子的个人信息。" in page and "王小明" not in page
    assert client.get(f"/api/enrolments/{mine['reference']}").get_json()["status"] == "cancelled"
    assert client.get(f"/api/enrolments/{waiting['reference']}").get_json()["status"] == "confirmed"
    stored = rows(
        database, f"SELECT name, phone, birthdate, guardian_name, employer, answers FROM enrolments WHERE code = '{mine['code']}'"
    )
    assert stored[0][0].startswith("已清除") and not any(stored[0][1:])
    events = rows(database, "SELECT action, detail FROM events WHERE action IN ('erased', 'cancelled')")
    assert ("erased", "{}") in events and "王小明" not in str(events) and "13912340001" not in str(events)
    assert erase_page(client, mine["reference"]).status_code == 200


@pytest.mark.sqlite_only
def test_after_erasure_and_a_checkpoint_the_file_holds_neither_name_nor_phone(client, database):
    mine = client.post("/api/enrolments", json=api_child(name="欧阳娜娜", phone="13987654321", guardian_name="欧阳建国")).get_json()
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = database.read_bytes()
    assert "欧阳娜娜".encode() in before and b"13987654321" in before
    assert erase(client, mine["reference"], phone="13987654321", code=mine["code"], confirm="y").status_code == 303
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    files = [database, database.with_name(database.name + "-wal")]
    data = b"".join(path.read_bytes() for path in files if path.exists())
    for secret in ("欧阳娜娜", "13987654321", "欧阳建国"):
        assert secret.encode() not in data, secret
