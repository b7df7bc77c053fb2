"""Enrolments in one SQLite file, the backend that needs no server.

WAL lets readers run beside the single writer; every write that decides a
place starts with BEGIN IMMEDIATE, so the count it reads cannot change before
its insert commits, across threads, processes and gunicorn workers alike.
synchronous=FULL makes a committed "报名成功" survive a power cut or kill -9.

Writers first queue on an flock() beside the database: SQLite's own busy
handler polls with sleeps of up to 100 ms, which at a 09:00 rush turns a
0.5 ms transaction into a one-second wait; the kernel wakes a lock waiter at
once. The lock only orders writers; BEGIN IMMEDIATE still guarantees
correctness for any process that skips it.
"""
import fcntl
import os
import sqlite3
import threading
from contextlib import contextmanager

import sqlite_utils

from .. import capacity
from ..references import new_code
from . import Counts, Duplicate, Storage, UnknownSession, migrations, records
from .records import now as _now

BUSY_TIMEOUT_SECONDS = 30


_reusable = threading.local()


def connect(path):
    """This thread's open storage for `path`, so a request does not pay for opening
    a connection and closing it does not checkpoint the WAL; keyed by process so a
    connection never crosses a fork."""
    key = (os.getpid(), str(path))
    kept = getattr(_reusable, "kept", None)
    if kept is None or kept[0] != key:
        if kept is not None and kept[0][0] == os.getpid():
            kept[1].close()
        kept = _reusable.kept = (key, SqliteStorage(path))
    return kept[1]


class SqliteStorage(Storage):
    def __init__(self, path, timeout=BUSY_TIMEOUT_SECONDS):
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._writers = os.open(f"{path}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)

    def close(self):
        self.db.close()
        os.close(self._writers)

    def release(self):
        """End of a request: the connection stays open for the next one, with no transaction left."""
        self.db.rollback()

    @contextmanager
    def _write(self):
        fcntl.flock(self._writers, fcntl.LOCK_EX)
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.rollback()
                raise
            self.db.commit()
        finally:
            fcntl.flock(self._writers, fcntl.LOCK_UN)

    def create_schema(self):
        """Apply pending migrations; idempotent, and safe when several workers start at once."""
        self.db.enable_wal()
        with self._write():
            return migrations.apply(self.db.execute, "sqlite", _now())

    def sync_places(self, places, stamp, actor):
        promoted = []
        with self._write():
            for place in places:
                before = self._places(place.program, place.session)
                self.db["places"].upsert(
                    {"program": place.program, "session": place.session, "capacity": place.capacity, "mode": place.mode},
                    pk=("program", "session"),
                )
                if before and before[0] != place.capacity:
                    detail = {"program": place.program, "session": place.session, "from": before[0], "to": place.capacity}
                    self._event(None, "capacity_changed", actor, detail)
                promoted += self._promote(place.program, place.session, actor)
            self.db["meta"].upsert({"key": "catalogue_stamp", "value": stamp}, pk="key")
        return promoted

    def catalogue_stamp(self):
        row = self.db.execute("SELECT value FROM meta WHERE key = 'catalogue_stamp'").fetchone()
        return row[0] if row else None

    def enrol(self, applicant, submission, actor):
        birthdate = records.birthdate_text(applicant)
        with self._write():
            replay = self._one("request_key = ?", [records.request_key(applicant, submission)])
            if replay:
                return replay, True
            existing = self._one(
                "program = ? AND session = ? AND phone = ? AND name = ? AND ifnull(birthdate, '') = ? AND status != 'cancelled'",
                [applicant.program, applicant.session, applicant.phone, applicant.name, birthdate or ""],
            )
            if existing:
                raise Duplicate(existing)
            place = self._places(applicant.program, applicant.session)
            if place is None:
                raise UnknownSession(f"{applicant.program}/{applicant.session}")
            confirmed, waiting = self._tally(applicant.program, applicant.session)
            status = capacity.status_for_new(place[1], place[0], confirmed, waiting)
            row = records.new_enrolment(applicant, submission, status, self._unused_code())
            row["id"] = self.db.execute(
                f"INSERT INTO enrolments ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
            ).lastrowid
            self._event(row["id"], "enrolled", actor, {"status": status})
            position = waiting + 1 if status == capacity.WAITLISTED else None
        return records.enrolment(row, position), False

    def cancel(self, reference, actor):
        with self._write():
            found = self._one("reference = ?", [reference])
            if found is None or found.status == capacity.CANCELLED:
                return found, []
            self._set_status(found.id, capacity.CANCELLED)
            self._event(found.id, "cancelled", actor, {"from": found.status})
            promoted = self._promote(found.program, found.session, actor)
            return self._one("id = ?", [found.id]), promoted

    def ping(self):
        with self._write():
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('healthz', ?)", [_now()])

    def backup(self, path):
        """SQLite's online backup API: pages are copied in steps while writers carry on."""
        target = sqlite3.connect(path)
        try:
            self.db.conn.backup(target, pages=256)
        finally:
            target.close()

    def get(self, reference):
        return self._one("reference = ?", [reference])

    def find(self, phone, code):
        found = self._one("code = ?", [code])
        return found if found and found.phone == phone else None

    def submission(self, submission):
        return self._many("submission = ? ORDER BY id", [submission])

    def counts(self):
        rows = self.db.execute(
            """
            SELECT p.program, p.session, p.capacity,
                   count(*) FILTER (WHERE e.status = 'confirmed'),
                   count(*) FILTER (WHERE e.status = 'waitlisted')
            FROM places p LEFT JOIN enrolments e
              ON e.program = p.program AND e.session = p.session AND e.status IN ('confirmed', 'waitlisted')
            GROUP BY p.program, p.session
            """
        )
        return {(program, session): Counts(cap, confirmed, waitlisted) for program, session, cap, confirmed, waitlisted in rows}

    def _places(self, program, session):
        return self.db.execute(
            "SELECT capacity, mode FROM places WHERE program = ? AND session = ?", [program, session]
        ).fetchone()

    def _tally(self, program, session):
        return self.db.execute(
            """
            SELECT count(*) FILTER (WHERE status = 'confirmed'), count(*) FILTER (WHERE status = 'waitlisted')
            FROM enrolments WHERE program = ? AND session = ? AND status IN ('confirmed', 'waitlisted')
            """,
            [program, session],
        ).fetchone()

    def _promote(self, program, session, actor):
        """Fill free places from the waitlist in arrival order; runs inside the caller's transaction."""
        place = self._places(program, session)
        if place is None or place[1] == "lottery":
            return []
        confirmed, waiting = self._tally(program, session)
        fill = capacity.places_to_fill(place[0], confirmed, waiting)
        if not fill:
            return []
        lucky = self._many(
            "program = ? AND session = ? AND status = 'waitlisted' ORDER BY id LIMIT ?", [program, session, fill]
        )
        for enrolment in lucky:
            self._set_status(enrolment.id, capacity.CONFIRMED)
            self._event(enrolment.id, "promoted", actor, {"from": capacity.WAITLISTED})
            self.db["outbox"].insert(records.promoted_message(enrolment))
        return [self._one("id = ?", [e.id]) for e in lucky]

    def _set_status(self, enrolment_id, status):
        self.db.execute("UPDATE enrolments SET status = ?, updated_at = ? WHERE id = ?", [status, _now(), enrolment_id])

    def _event(self, enrolment_id, action, actor, detail):
        self.db.execute(
            "INSERT INTO events (at, enrolment_id, action, actor, detail) VALUES (?, ?, ?, ?, ?)",
            [_now(), enrolment_id, action, actor, records.dumps(detail)],
        )

    def _unused_code(self):
        while True:
            code = new_code()
            if not self.db.execute("SELECT 1 FROM enrolments WHERE code = ?", [code]).fetchone():
                return code

    def _one(self, where, params):
        found = self._many(where + " LIMIT 1", params)
        return found[0] if found else None

    def _many(self, where, params):
        rows = self.db.execute(
            f"""
            SELECT e.*, CASE WHEN e.status = 'waitlisted' THEN (
                SELECT count(*) FROM enrolments w
                WHERE w.program = e.program AND w.session = e.session AND w.status = 'waitlisted' AND w.id <= e.id
            ) END AS position
            FROM enrolments e WHERE {where}
            """,
            params,
        )
        columns = [d[0] for d in rows.description]
        return [records.enrolment(dict(zip(columns, row))) for row in rows]

