"""Real gunicorn against a database that cannot be written: the SQLite file on a small tmpfs
filled to the last byte (a read-only database is tests/app/test_unavailable.py); and a second process holding BEGIN IMMEDIATE
past the request budget. Every answer is a Chinese 503 with Retry-After, no worker dies, and
nothing the client was told had failed is in the database."""

import concurrent.futures
import errno
import os
import sqlite3
import subprocess
import time

import pytest
import requests

from tests.app.helpers import api_child, flask_command, rows


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"NOT TESTED: cannot mount a small tmpfs here ({done.stderr.strip()})")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder):
    filler = folder / "filler"
    out = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(out, b"\0" * 4096)
    except OSError as full:
        assert full.errno == errno.ENOSPC
    finally:
        os.close(out)
    return filler


def test_a_full_disk_answers_503_in_chinese_and_keeps_nothing(classes, serve, small_disk, tmp_path):
    database = small_disk / "forms.sqlite3"
    server = serve(FORMS_APP_DATABASE=str(database), FORMS_APP_HEALTHZ_MIN_FREE_MB="1")
    assert requests.post(server.url + "/api/enrolments", json=api_child(), timeout=10).status_code == 201
    assert requests.get(server.url + "/healthz", timeout=10).json() == {"status": "ok"}
    filler = fill(small_disk)

    answers = [
        requests.post(server.url + "/api/enrolments", json=api_child(name=f"孩子{n}", phone=f"1381234{n:04d}"), timeout=20)
        for n in range(6)
    ]
    assert [a.status_code for a in answers] == [503] * 6
    assert all(a.headers["Retry-After"] == "30" and a.json()["error"] == "unavailable" for a in answers)
    assert "系统暂时无法保存" in answers[0].json()["message"]
    form = requests.post(server.url + "/enrol/wangjing-winter/week-1", data={"phone": "13700000001"}, timeout=20)
    assert form.status_code in (400, 503) and "Internal Server Error" not in form.text
    health = requests.get(server.url + "/healthz", timeout=10)
    assert health.status_code == 503 and health.json()["message"] == "数据库无法读写"
    for command in (["backup", str(tmp_path / "rescue.sqlite3")], ["staff", "list"]):  # the way out of a full disk
        done = flask_command(database, classes, *command)
        assert done.returncode == 0, (command, done.stderr)
    with sqlite3.connect(tmp_path / "rescue.sqlite3") as rescued:
        assert rescued.execute("SELECT count(*) FROM enrolments").fetchone() == (1,)

    filler.unlink()
    assert rows(database, "SELECT count(*) FROM enrolments") == [(1,)]
    assert rows(database, "SELECT count(*) FROM events WHERE action = 'enrolled'") == [(1,)]
    assert rows(database, "PRAGMA integrity_check") == [("ok",)]
    low = requests.get(server.url + "/healthz", timeout=10).json()
    assert low == {"status": "ok"}

    assert requests.post(server.url + "/api/enrolments", json=api_child(name="又好了", phone="13812348888"), timeout=10).status_code == 201
    assert rows(database, "SELECT count(*) FROM enrolments") == [(2,)]


def test_free_space_under_the_threshold_is_reported_degraded(classes, serve, small_disk):
    server = serve(FORMS_APP_DATABASE=str(small_disk / "forms.sqlite3"))
    health = requests.get(server.url + "/healthz", timeout=10)
    assert health.status_code == 200 and health.json()["status"] == "degraded"
    assert health.json()["disk"]["min_free_mb"] == 200 and health.json()["disk"]["free_mb"] < 5


def test_a_second_process_holding_the_lock_past_the_budget_gets_503s_and_no_worker_dies(classes, serve, database):
    classes.write("wangjing-winter", capacity=40)
    server = serve(FORMS_APP_DATABASE_TIMEOUT="2")
    workers_before = set(children(server.process.pid))
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    began = time.monotonic()

    def enrol(n):
        response = requests.post(server.url + "/api/enrolments", timeout=40, json=api_child(name=f"孩子{n}", phone=f"1381234{n:04d}"))
        return n, response.status_code, response.headers.get("Retry-After"), time.monotonic() - began

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(enrol, range(8)))
        time.sleep(max(0, 6 - (time.monotonic() - began)))  # the lock is held well past the budget
        holder.rollback()
        holder.close()
    assert [status for _n, status, _retry, _at in answers] == [503] * 8
    assert all(retry == "30" for _n, _status, retry, _at in answers)
    # Writers queue on one lock; had each waited the full 2 s budget again, the last would answer after 8 x 2 s.
    assert max(at for *_rest, at in answers) < 8 * 2
    assert rows(database, "SELECT count(*) FROM enrolments") == [(0,)]
    after = requests.post(server.url + "/api/enrolments", json=api_child(name="之后", phone="13812340099"), timeout=10)
    assert after.status_code == 201
    assert set(children(server.process.pid)) == workers_before
    assert rows(database, "SELECT count(*) FROM enrolments") == [(1,)]


def children(pid):
    return [int(p) for p in open(f"/proc/{pid}/task/{pid}/children").read().split()]
