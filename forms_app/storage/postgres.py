"""Enrolments in one PostgreSQL database that several app servers share.

Every write that decides a place first locks its session's row in `places`
(SELECT ... FOR UPDATE) and only then counts, in the same transaction as its
insert or update. A second writer for that session, from any worker on any
machine, waits at the lock and, under READ COMMITTED, counts the first one's
row once it goes on: capacity and waitlist order hold across app instances as
BEGIN IMMEDIATE makes them hold in one SQLite file, while different sessions
no longer wait for each other.

Each process keeps one connection pool (created after gunicorn forks), so a
request borrows a connection for one transaction and never holds it between
requests. Schema steps are serialised across servers by an advisory lock that
ends with their transaction.
"""
import os
import threading
from contextlib import contextmanager

from psycopg.rows import dict_row, tuple_row
from psycopg_pool import ConnectionPool

from .. import capacity
from ..references import new_code
from . import Counts, Duplicate, Storage, UnknownSession, migrations, records

POOL_SIZE = 8
POOL_TIMEOUT_SECONDS = 30
MIGRATION_LOCK = 0x666F726D  # "form": with the schema's hash, keys the advisory lock

_shared, _shared_lock = {}, threading.Lock()


def connect(url):
    """This process's storage for `url`; its pool serves every thread, and a forked child builds its own."""
    key = (os.getpid(), url)
    with _shared_lock:
        if key not in _shared:
            _shared[key] = PostgresStorage(url)
        return _shared[key]


class PostgresStorage(Storage):
    def __init__(self, url, size=POOL_SIZE):
        self.pool = ConnectionPool(
            url, min_size=1, max_size=size, timeout=POOL_TIMEOUT_SECONDS, open=True,
            kwargs={"autocommit": True, "row_factory": dict_row}, check=ConnectionPool.check_connection,
        )

    def close(self):
        self.pool.close()

    def release(self):
        """Nothing to end: every method returned its connection to the pool when it finished."""

    @contextmanager
    def _read(self):
        with self.pool.connection() as conn:
            yield conn

    @contextmanager
    def _write(self):
        with self.pool.connection() as conn, conn.transaction():
            yield conn

    def create_schema(self):
        """Apply pending migrations in one transaction; app servers starting together queue on the advisory lock."""
        with self._write() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", [MIGRATION_LOCK])
            cursor = conn.cursor(row_factory=tuple_row)
            return migrations.apply(cursor.execute, "postgresql", records.now())

    def sync_places(self, places, stamp, actor):
        promoted = []
        with self._write() as conn:
            for place in places:
                before = self._lock(conn, place.program, place.session)
                conn.execute(
                    """
                    INSERT INTO places (program, session, capacity, mode) VALUES (%s, %s, %s, %s)
                    ON CONFLICT (program, session) DO UPDATE SET capacity = excluded.capacity, mode = excluded.mode
                    """,
                    [place.program, place.session, place.capacity, place.mode],
                )
                if before and before["capacity"] != place.capacity:
                    detail = {"program": place.program, "session": place.session, "from": before["capacity"], "to": place.capacity}
                    self._event(conn, None, "capacity_changed", actor, detail)
                promoted += self._promote(conn, place.program, place.session, actor)
            self._set_meta(conn, "catalogue_stamp", stamp)
        return promoted

    def catalogue_stamp(self):
        with self._read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'catalogue_stamp'").fetchone()
        return row["value"] if row else None

    def enrol(self, applicant, submission, actor):
        with self._write() as conn:
            place = self._lock(conn, applicant.program, applicant.session)
            replay = self._one(conn, "request_key = %s", [records.request_key(applicant, submission)])
            if replay:
                return replay, True
            existing = self._one(
                conn,
                "program = %s AND session = %s AND phone = %s AND name = %s AND coalesce(birthdate, '') = %s AND status <> 'cancelled'",
                [applicant.program, applicant.session, applicant.phone, applicant.name, records.birthdate_text(applicant) or ""],
            )
            if existing:
                raise Duplicate(existing)
            if place is None:
                raise UnknownSession(f"{applicant.program}/{applicant.session}")
            confirmed, waiting = self._tally(conn, applicant.program, applicant.session)
            status = capacity.status_for_new(place["mode"], place["capacity"], confirmed, waiting)
            row = self._insert_enrolment(conn, applicant, submission, status)
            self._event(conn, row["id"], "enrolled", actor, {"status": status})
        return records.enrolment(row, waiting + 1 if status == capacity.WAITLISTED else None), False

    def cancel(self, reference, actor):
        with self._write() as conn:
            found = self._locked_enrolment(conn, reference)
            if found is None or found.status == capacity.CANCELLED:
                return found, []
            self._set_status(conn, found.id, capacity.CANCELLED)
            self._event(conn, found.id, "cancelled", actor, {"from": found.status})
            promoted = self._promote(conn, found.program, found.session, actor)
            return self._one(conn, "id = %s", [found.id]), promoted

    def ping(self):
        with self._write() as conn:
            self._set_meta(conn, "healthz", records.now())

    def backup(self, path):
        raise NotImplementedError(
            "PostgreSQL 数据库不能用 flask backup 备份，请用 pg_dump，例如："
            "pg_dump --format=custom --file=forms.dump \"$FORMS_APP_DATABASE\"；恢复用 pg_restore。"
        )

    def get(self, reference):
        with self._read() as conn:
            return self._one(conn, "reference = %s", [reference])

    def find(self, phone, code):
        with self._read() as conn:
            found = self._one(conn, "code = %s", [code])
        return found if found and found.phone == phone else None

    def submission(self, submission):
        with self._read() as conn:
            return self._many(conn, "submission = %s ORDER BY id", [submission])

    def counts(self):
        with self._read() as conn:
            rows = conn.execute(
                """
                SELECT p.program, p.session, p.capacity,
                       count(e.id) FILTER (WHERE e.status = 'confirmed') AS confirmed,
                       count(e.id) FILTER (WHERE e.status = 'waitlisted') AS waitlisted
                FROM places p LEFT JOIN enrolments e
                  ON e.program = p.program AND e.session = p.session AND e.status IN ('confirmed', 'waitlisted')
                GROUP BY p.program, p.session
                """
            ).fetchall()
        return {(r["program"], r["session"]): Counts(r["capacity"], r["confirmed"], r["waitlisted"]) for r in rows}

    def _lock(self, conn, program, session):
        """The session's places row, locked until the transaction ends: the one lock every place decision takes."""
        return conn.execute(
            "SELECT capacity, mode FROM places WHERE program = %s AND session = %s FOR UPDATE", [program, session]
        ).fetchone()

    def _locked_enrolment(self, conn, reference):
        """The enrolment read again once its session is locked, so its status is the one the lock protects."""
        found = self._one(conn, "reference = %s", [reference])
        while found is not None:
            self._lock(conn, found.program, found.session)
            again = self._one(conn, "reference = %s", [reference])
            if (again.program, again.session) == (found.program, found.session):
                return again
            found = again
        return None

    def _tally(self, conn, program, session):
        row = conn.execute(
            """
            SELECT count(*) FILTER (WHERE status = 'confirmed') AS confirmed,
                   count(*) FILTER (WHERE status = 'waitlisted') AS waitlisted
            FROM enrolments WHERE program = %s AND session = %s AND status IN ('confirmed', 'waitlisted')
            """,
            [program, session],
        ).fetchone()
        return row["confirmed"], row["waitlisted"]

    def _insert_enrolment(self, conn, applicant, submission, status):
        """Insert with a fresh short code, drawing again in the rare case another session's newcomer took it."""
        while True:
            row = records.new_enrolment(applicant, submission, status, new_code())
            inserted = conn.execute(
                f"""
                INSERT INTO enrolments ({', '.join(row)}) VALUES ({', '.join(['%s'] * len(row))})
                ON CONFLICT (code) DO NOTHING RETURNING id
                """,
                list(row.values()),
            ).fetchone()
            if inserted:
                return {**row, "id": inserted["id"]}

    def _promote(self, conn, program, session, actor):
        """Fill free places from the waitlist in arrival order, under the session lock the caller holds."""
        place = self._lock(conn, program, session)
        if place is None or place["mode"] == "lottery":
            return []
        fill = capacity.places_to_fill(place["capacity"], *self._tally(conn, program, session))
        lucky = self._many(
            conn, "program = %s AND session = %s AND status = 'waitlisted' ORDER BY id LIMIT %s", [program, session, fill]
        )
        for enrolment in lucky:
            self._set_status(conn, enrolment.id, capacity.CONFIRMED)
            self._event(conn, enrolment.id, "promoted", actor, {"from": capacity.WAITLISTED})
            message = records.promoted_message(enrolment)
            conn.execute(
                f"INSERT INTO outbox ({', '.join(message)}) VALUES ({', '.join(['%s'] * len(message))})", list(message.values())
            )
        return [self._one(conn, "id = %s", [e.id]) for e in lucky]

    def _set_status(self, conn, enrolment_id, status):
        conn.execute("UPDATE enrolments SET status = %s, updated_at = %s WHERE id = %s", [status, records.now(), enrolment_id])

    def _set_meta(self, conn, key, value):
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value]
        )

    def _event(self, conn, enrolment_id, action, actor, detail):
        conn.execute(
            "INSERT INTO events (at, enrolment_id, action, actor, detail) VALUES (%s, %s, %s, %s, %s)",
            [records.now(), enrolment_id, action, actor, records.dumps(detail)],
        )

    def _one(self, conn, where, params):
        found = self._many(conn, where + " LIMIT 1", params)
        return found[0] if found else None

    def _many(self, conn, where, params):
        rows = conn.execute(
            f"""
            SELECT e.*, CASE WHEN e.status = 'waitlisted' THEN (
                SELECT count(*) FROM enrolments w
                WHERE w.program = e.program AND w.session = e.session AND w.status = 'waitlisted' AND w.id <= e.id
            ) END AS position
            FROM enrolments e WHERE {where}
            """,
            params,
        ).fetchall()
        return [records.enrolment(row) for row in rows]
