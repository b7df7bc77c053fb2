"""PostgreSQL crashing right after a parent was told 报名成功: the answer still holds.

The enrolment commits asynchronously so its session's lock is free before the fsync
(`PostgresDatabase.insert_locked`); what makes the answer honest is the synchronous commit
that follows it before anyone is answered. This runs a private cluster whose WAL writer
waits 10 s between flushes, so an enrolment that relied on the WAL writer alone is still in
shared memory when the server is stopped the way a crash stops it (`pg_ctl stop -m
immediate`: no shutdown checkpoint, unwritten WAL is gone).
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from forms_app.storage import Places
from forms_app.storage.postgres import PostgresStorage
from tests.contract.test_storage import person


def _binaries():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found or shutil.which("su") is None:
        pytest.skip("NOT TESTED: PostgreSQL's initdb is not installed (Debian's postgresql package; .ci/run installs it)")
    return os.path.dirname(found[-1])


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A throwaway cluster owned by the `postgres` user when run as root, as Debian's is."""

    def __init__(self, folder):
        self.bin, self.data, self.port = _binaries(), folder / "data", _free_port()
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        self._run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{folder}'\n")
            conf.write("wal_writer_delay = 10s\nwal_writer_flush_after = 0\nfsync = on\n")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool, *args):
        command = [os.path.join(self.bin, tool), *map(str, args)]
        if os.geteuid() == 0:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{part}'" for part in command)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if done.returncode:
            raise RuntimeError(f"{tool} failed: {done.stdout}{done.stderr}")

    def start(self):
        self._run("pg_ctl", "-D", self.data, "-w", "-l", self.data / "log", "start")

    def crash(self):
        self._run("pg_ctl", "-D", self.data, "-m", "immediate", "stop")

    def stop(self):
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "stop")


@pytest.fixture
def cluster():
    if os.geteuid() == 0:
        try:
            subprocess.run(["id", "postgres"], check=True, capture_output=True)
        except subprocess.CalledProcessError:
            pytest.skip("NOT TESTED: no postgres user to run a private cluster as")
    # Not under pytest's tmp_path: its parents are closed to the postgres user.
    folder = Path(tempfile.mkdtemp(prefix="forms-app-pg-"))
    made = Cluster(folder)
    made.start()
    yield made
    try:
        made.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_an_answered_enrolment_survives_a_server_crash_right_after_the_answer(cluster):
    storage = PostgresStorage(cluster.url, size=2)
    storage.create_schema()
    storage.sync_places([Places("winter", "week-1", 2, "first_come")], "stamp-1", "test")
    answered = [storage.enrol(person(n), f"submission-{n}", "parent")[0] for n in range(3)]
    cluster.crash()
    storage.close()

    cluster.start()
    with psycopg.connect(cluster.url) as conn:
        stored = dict(conn.execute("SELECT reference, status FROM enrolments").fetchall())
        logged = conn.execute("SELECT count(*) FROM events WHERE action = 'enrolled'").fetchone()[0]
        messages = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    assert stored == {enrolment.reference: enrolment.status for enrolment in answered}
    assert [e.status for e in answered] == ["confirmed", "confirmed", "waitlisted"]
    assert logged == 3 and messages == 3
