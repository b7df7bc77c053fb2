"""kill -9 at the worst moments: nothing acknowledged is lost, nothing is half-written, nobody is overbooked."""

import subprocess
import sys
import threading
import time
from collections import Counter

import requests

from tests.app.helpers import api_child, rows

CAPACITY = 40
CLIENTS = 50


def _enrol_until_stopped(url, client, acknowledged, stop):
    attempt = 0
    while not stop.is_set():
        body = api_child(name=f"孩子{client}-{attempt}", phone=f"139{client:02d}{attempt:06d}")
        try:
            response = requests.post(url + "/api/enrolments", json=body, timeout=10)
        except requests.RequestException:
            return
        if response.status_code == 201:
            acknowledged.append(response.json())
        attempt += 1


def test_kill_9_of_master_and_workers_mid_rush_loses_no_acknowledged_enrolment(classes, serve, database):
    classes.write("wangjing-winter", capacity=CAPACITY)
    server = serve()
    acknowledged, stop = [], threading.Event()
    clients = [threading.Thread(target=_enrol_until_stopped, args=(server.url, n, acknowledged, stop)) for n in range(CLIENTS)]
    for thread in clients:
        thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()
    stop.set()
    for thread in clients:
        thread.join()
    assert len(acknowledged) >= 150

    restarted = serve()
    stored = dict(rows(database, "SELECT reference, status FROM enrolments"))
    counted = Counter(reference for (reference,) in rows(database, "SELECT reference FROM enrolments"))
    assert rows(database, "PRAGMA integrity_check") == [("ok",)]
    for answer in acknowledged:
        assert counted[answer["reference"]] == 1
        assert stored[answer["reference"]] == answer["status"]
    confirmed = [ref for ref, status in stored.items() if status == "confirmed"]
    assert len(confirmed) == CAPACITY
    half_written = rows(
        database,
        "SELECT count(*) FROM enrolments e WHERE NOT EXISTS (SELECT 1 FROM events v WHERE v.enrolment_id = e.id AND v.action = 'enrolled')",
    )
    assert half_written == [(0,)]
    places = requests.get(restarted.url + "/api/availability", timeout=10).json()["wangjing-winter"]["week-1"]
    assert (places["confirmed"], places["waitlisted"]) == (CAPACITY, len(stored) - CAPACITY)
    positions = sorted(
        requests.get(f"{restarted.url}/api/enrolments/{a['reference']}", timeout=10).json()["position"]
        for a in acknowledged
        if a["status"] == "waitlisted"
    )
    assert positions == sorted(set(positions)) and positions[-1] <= len(stored) - CAPACITY


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
