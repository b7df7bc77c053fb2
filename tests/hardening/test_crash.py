"""kill -9 inside SQLite's own write: nothing is half-written. The kill -9 of gunicorn mid-rush, on
both backends, is in tests/app/test_concurrency.py."""

import subprocess
import sys

from tests.app.helpers import api_child, rows

CRASH_BETWEEN_CANCEL_AND_PROMOTION = """
import os, signal, sys
from forms_app.storage.sqlite import SqliteStorage

storage = SqliteStorage(sys.argv[1])
updates = []

def trace(statement):
    if statement.lstrip().upper().startswith("UPDATE"):
        updates.append(statement)
        if len(updates) == 2:
            os.kill(os.getpid(), signal.SIGKILL)

storage.database.conn.set_trace_callback(trace)
storage.cancel(sys.argv[2], "crash-test")
"""


def test_a_crash_between_a_cancel_and_its_promotion_keeps_both_undone(client, database):
    first = client.post("/api/enrolments", json=api_child(name="甲", phone="13900000001")).get_json()
    client.post("/api/enrolments", json=api_child(name="乙", phone="13900000002"))
    waiting = client.post("/api/enrolments", json=api_child(name="丙", phone="13900000003")).get_json()
    assert (first["status"], waiting["status"]) == ("confirmed", "waitlisted")

    crashed = subprocess.run(
        [sys.executable, "-c", CRASH_BETWEEN_CANCEL_AND_PROMOTION, str(database), first["reference"]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert crashed.returncode == -9, crashed.stderr

    assert rows(database, "PRAGMA integrity_check") == [("ok",)]
    assert client.get(f"/api/enrolments/{first['reference']}").get_json()["status"] == "confirmed"
    still = client.get(f"/api/enrolments/{waiting['reference']}").get_json()
    assert (still["status"], still["position"]) == ("waitlisted", 1)
    assert rows(database, "SELECT count(*) FROM outbox WHERE kind = 'promoted'") == [(0,)]

    client.post(f"/api/enrolments/{first['reference']}/cancel")
    assert client.get(f"/api/enrolments/{waiting['reference']}").get_json()["status"] == "confirmed"
    assert rows(database, "SELECT count(*) FROM outbox WHERE kind = 'promoted'") == [(1,)]
