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
import json
import os
import threading
from contextlib import contextmanager

from psycopg.rows import dict_row, tuple_row
from psycopg_pool import ConnectionPool

from programs import lottery

from .. import capacity
from ..references import new_code
from . import Counts, Duplicate, Event, Lottery, StaffAccount, Storage, UnknownSession, migrations, records

POOL_SIZE = 8
POOL_TIMEOUT_SECONDS = 30
MIGRATION_LOCK = 0x666F726D  # "form": with the schema's hash, keys the advisory lock

STAFF_COLUMNS = "username, organizer, admin, password_hash, disabled"
LOTTERY_COLUMNS = "program, session, seed, commitment, committed_at, drawn_at, publication"

_shared, _shared_lock = {}, threading.Lock()


def connect(url):
    """This process's storage for `url`; its pool serves every thread, and a forked child builds its own."""
    key = (os.getpid(), url)
    with _shared_lock:
        if key not in _shared:
            _shared[key] = PostgresStorage(url)
        return _shared[key]


def disconnect(url):
    """Close this process's pool for `url`, before its database or schema is dropped."""
    with _shared_lock:
        storage = _shared.pop((os.getpid(), url), None)
    if storage is not None:
        storage.close()


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
                    INSERT INTO places (program, session, capacity, mode, ends) VALUES (%s, %s, %s, %s, %s)
                    ON CONFLICT (program, session) DO UPDATE
                        SET capacity = excluded.capacity, mode = excluded.mode, ends = excluded.ends
                    """,
                    [place.program, place.session, place.capacity, place.mode, place.ends.isoformat() if place.ends else None],
                )
                if before and before["capacity"] != place.capacity:
                    detail = {"from": before["capacity"], "to": place.capacity}
                    self._event(conn, place.program, place.session, None, "capacity_changed", actor, detail)
                if place.mode == "lottery":
                    self._commit_seed(conn, place.program, place.session)
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
            self._refuse_duplicate(conn, applicant, applicant.session)
            if place is None:
                raise UnknownSession(f"{applicant.program}/{applicant.session}")
            confirmed, waiting = self._tally(conn, applicant.program, applicant.session, place["capacity"])
            status = capacity.status_for_new(place["mode"], place["capacity"], confirmed, waiting)
            row = self._insert_enrolment(conn, applicant, submission, status)
            self._event(conn, applicant.program, applicant.session, row["id"], "enrolled", actor, {"status": status})
        return records.enrolment(row, waiting + 1 if status == capacity.WAITLISTED else None), False

    def cancel(self, reference, actor):
        with self._write() as conn:
            found = self._locked_enrolment(conn, reference)
            if found is None or found.status == capacity.CANCELLED:
                return found, []
            self._set_status(conn, found.id, capacity.CANCELLED)
            self._event(conn, found.program, found.session, found.id, "cancelled", actor, {"from": found.status})
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

    def status_counts(self):
        counts = {}
        with self._read() as conn:
            rows = conn.execute("SELECT program, session, status, count(*) AS n FROM enrolments GROUP BY program, session, status")
            for row in rows:
                counts.setdefault((row["program"], row["session"]), {})[row["status"]] = row["n"]
        return counts

    def roster(self, program, session):
        with self._read() as conn:
            return self._many(
                conn,
                "program = %s AND session = %s ORDER BY CASE status WHEN 'confirmed' THEN 0 WHEN 'lottery' THEN 1 "
                "WHEN 'waitlisted' THEN 2 ELSE 3 END, queue, id",
                [program, session],
            )

    def promote(self, reference, actor):
        with self._write() as conn:
            found = self._locked_enrolment(conn, reference)
            if found is None or found.status != capacity.WAITLISTED:
                return found
            place = self._lock(conn, found.program, found.session)
            confirmed, _waiting = self._tally(conn, found.program, found.session, place["capacity"])
            if capacity.by_hand(place["capacity"], confirmed) == capacity.CONFIRMED:
                self._confirm(conn, found, actor)
            else:
                conn.execute(
                    """
                    UPDATE enrolments SET queue = (
                        SELECT min(queue) - 1 FROM enrolments WHERE program = %s AND session = %s AND status = 'waitlisted'
                    ), updated_at = %s WHERE id = %s
                    """,
                    [found.program, found.session, records.now(), found.id],
                )
                self._event(conn, found.program, found.session, found.id, "queued_first", actor, {"from": found.position})
            return self._one(conn, "id = %s", [found.id])

    def move(self, reference, session, actor):
        with self._write() as conn:
            found = self._locked_enrolment(conn, reference, also=session)
            if found is None or found.status == capacity.CANCELLED or found.session == session:
                return found, []
            place = self._lock(conn, found.program, session)
            if place is None:
                raise UnknownSession(f"{found.program}/{session}")
            self._refuse_duplicate(conn, found, session)
            confirmed, waiting = self._tally(conn, found.program, session, place["capacity"])
            drawn = self._lottery(conn, found.program, session)
            status = capacity.status_for_new(place["mode"], place["capacity"], confirmed, waiting, bool(drawn and drawn["drawn_at"]))
            conn.execute(
                "UPDATE enrolments SET session = %s, status = %s, queue = %s, updated_at = %s WHERE id = %s",
                [session, status, self._queue_end(conn, found.program, session), records.now(), found.id],
            )
            self._event(conn, found.program, found.session, found.id, "moved_out", actor, {"to": session, "status": found.status})
            self._event(conn, found.program, session, found.id, "moved_in", actor, {"from": found.session, "status": status})
            promoted = self._promote(conn, found.program, found.session, actor)
            return self._one(conn, "id = %s", [found.id]), promoted

    def attendance(self, program, session):
        with self._read() as conn:
            rows = conn.execute(
                """
                SELECT a.enrolment_id, a.day, a.present FROM attendance a JOIN enrolments e ON e.id = a.enrolment_id
                WHERE e.program = %s AND e.session = %s
                """,
                [program, session],
            ).fetchall()
        return {(row["enrolment_id"], row["day"]): bool(row["present"]) for row in rows}

    def mark_attendance(self, reference, day, present, actor):
        with self._write() as conn:
            found = self._one(conn, "reference = %s", [reference])
            conn.execute(
                """
                INSERT INTO attendance (enrolment_id, day, present, actor, at) VALUES (%s, %s, %s, %s, %s)
                ON CONFLICT (enrolment_id, day) DO UPDATE SET present = excluded.present, actor = excluded.actor, at = excluded.at
                """,
                [found.id, day, int(present), actor, records.now()],
            )
            self._event(conn, found.program, found.session, found.id, "present" if present else "absent", actor, {"day": day})

    def log(self, program, session, enrolment_id, action, actor, detail):
        with self._write() as conn:
            self._event(conn, program, session, enrolment_id, action, actor, detail)

    def audit(self, program, session, enrolment_id=None):
        where, params = "program = %s AND session = %s", [program, session]
        if enrolment_id is not None:
            where, params = "enrolment_id = %s", [enrolment_id]
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT at, program, session, enrolment_id, action, actor, detail FROM events WHERE {where} ORDER BY id", params
            ).fetchall()
        return [Event(**{**row, "detail": json.loads(row["detail"] or "{}")}) for row in rows]

    def staff(self, username):
        with self._read() as conn:
            row = conn.execute(f"SELECT {STAFF_COLUMNS} FROM staff WHERE username = %s", [username]).fetchone()
        return _account(row) if row else None

    def save_staff(self, account):
        stamp = records.now()
        with self._write() as conn:
            conn.execute(
                """
                INSERT INTO staff (username, organizer, admin, password_hash, disabled, created_at, updated_at)
                VALUES (%s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT (username) DO UPDATE SET organizer = excluded.organizer, admin = excluded.admin,
                    password_hash = excluded.password_hash, disabled = excluded.disabled, updated_at = excluded.updated_at
                """,
                [account.username, account.organizer, int(account.admin), account.password_hash, int(account.disabled), stamp, stamp],
            )

    def all_staff(self):
        with self._read() as conn:
            rows = conn.execute(f"SELECT {STAFF_COLUMNS} FROM staff ORDER BY username").fetchall()
        return [_account(row) for row in rows]

    def lotteries(self):
        with self._read() as conn:
            rows = conn.execute(f"SELECT {LOTTERY_COLUMNS} FROM lotteries ORDER BY program, session").fetchall()
        return [Lottery(**{**row, "publication": json.loads(row["publication"]) if row["publication"] else None}) for row in rows]

    def draw_lottery(self, program, session, decide, actor):
        with self._write() as conn:
            place = self._lock(conn, program, session)
            drawn = self._lottery(conn, program, session, lock=True)
            if drawn is None:
                raise UnknownSession(f"{program}/{session}")
            if drawn["publication"]:
                return json.loads(drawn["publication"]), False
            entries = self._many(conn, "program = %s AND session = %s AND status = 'lottery' ORDER BY id", [program, session])
            record = decide(drawn["seed"], place["capacity"], entries)
            for entry, status, rank in records.drawn_places(record, entries):
                conn.execute(
                    "UPDATE enrolments SET status = %s, queue = %s, updated_at = %s WHERE id = %s", [status, rank, records.now(), entry.id]
                )
                self._event(conn, program, session, entry.id, "drawn", actor, {"status": status, "rank": rank})
                self._outbox(conn, records.promoted_message(entry, "drawn"))
            conn.execute(
                "UPDATE lotteries SET drawn_at = %s, publication = %s WHERE program = %s AND session = %s",
                [records.now(), records.dumps(record), program, session],
            )
            self._event(conn, program, session, None, "lottery_drawn", actor, {"entries": len(entries)})
            return record, True

    def purge(self, ended_before, actor):
        anonymised = 0
        with self._write() as conn:
            ended = conn.execute(
                "SELECT program, session FROM places WHERE ends < %s ORDER BY program, session", [ended_before.isoformat()]
            ).fetchall()
            for row in ended:
                where, params = "program = %s AND session = %s AND purged_at IS NULL", [row["program"], row["session"]]
                conn.execute(
                    f"UPDATE outbox SET recipient = NULL, payload = NULL WHERE enrolment_id IN (SELECT id FROM enrolments WHERE {where})",
                    params,
                )
                count = conn.execute(
                    f"""
                    UPDATE enrolments SET name = %s || ' ' || code, phone = '', birthdate = NULL, guardian_name = NULL,
                        employer = NULL, answers = NULL, consent = NULL, submission = NULL, request_key = NULL, purged_at = %s
                    WHERE {where}
                    """,
                    [records.PURGED, records.now(), *params],
                ).rowcount
                if count:
                    self._event(conn, row["program"], row["session"], None, "purged", actor, {"people": count})
                anonymised += count
        return anonymised

    def _lock(self, conn, program, session):
        """The session's places row, locked until the transaction ends: the one lock every place decision takes."""
        return conn.execute(
            "SELECT capacity, mode FROM places WHERE program = %s AND session = %s FOR UPDATE", [program, session]
        ).fetchone()

    def _locked_enrolment(self, conn, reference, also=None):
        """The enrolment read again once its session (and `also`, in name order against deadlocks)
        is locked, so its status and place in line are the ones the lock protects."""
        found = self._one(conn, "reference = %s", [reference])
        while found is not None:
            for session in sorted({found.session, also or found.session}):
                self._lock(conn, found.program, session)
            again = self._one(conn, "reference = %s", [reference])
            if again.session == found.session:
                return again
            found = again
        return None

    def _refuse_duplicate(self, conn, person, session):
        """One live enrolment per child (name, birthdate, phone) and session."""
        existing = self._one(
            conn,
            "program = %s AND session = %s AND phone = %s AND name = %s AND coalesce(birthdate, '') = %s AND status <> 'cancelled'",
            [person.program, session, person.phone, person.name, records.birthdate_text(person) or ""],
        )
        if existing:
            raise Duplicate(existing)

    def _tally(self, conn, program, session, up_to):
        """(confirmed counted up to `up_to`, waiting): see capacity.py for why counting stops there."""
        row = conn.execute(
            """
            SELECT (SELECT count(*) FROM (SELECT 1 FROM enrolments
                        WHERE program = %(program)s AND session = %(session)s AND status = 'confirmed' LIMIT %(up_to)s) AS c
                   ) AS confirmed,
                   (SELECT count(*) FROM enrolments
                    WHERE program = %(program)s AND session = %(session)s AND status = 'waitlisted') AS waitlisted
            """,
            {"program": program, "session": session, "up_to": up_to},
        ).fetchone()
        return row["confirmed"], row["waitlisted"]

    def _queue_end(self, conn, program, session):
        """Arrival order: one past the last queue number the session has used."""
        return conn.execute(
            "SELECT coalesce(max(queue), 0) + 1 AS queue FROM enrolments WHERE program = %s AND session = %s", [program, session]
        ).fetchone()["queue"]

    def _insert_enrolment(self, conn, applicant, submission, status):
        """Insert with a fresh short code, drawing again in the rare case another session's newcomer took it."""
        queue = self._queue_end(conn, applicant.program, applicant.session)
        while True:
            row = {**records.new_enrolment(applicant, submission, status, new_code()), "queue": queue}
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
        """Fill free places from the waitlist in queue order, under the session lock the caller holds."""
        place = self._lock(conn, program, session)
        if place is None:
            return []
        fill = capacity.places_to_fill(place["capacity"], *self._tally(conn, program, session, place["capacity"]))
        lucky = self._many(
            conn, "program = %s AND session = %s AND status = 'waitlisted' ORDER BY queue, id LIMIT %s", [program, session, fill]
        )
        for enrolment in lucky:
            self._confirm(conn, enrolment, actor)
        return [self._one(conn, "id = %s", [e.id]) for e in lucky]

    def _confirm(self, conn, enrolment, actor):
        self._set_status(conn, enrolment.id, capacity.CONFIRMED)
        self._event(conn, enrolment.program, enrolment.session, enrolment.id, "promoted", actor, {"from": capacity.WAITLISTED})
        self._outbox(conn, records.promoted_message(enrolment))

    def _outbox(self, conn, message):
        conn.execute(f"INSERT INTO outbox ({', '.join(message)}) VALUES ({', '.join(['%s'] * len(message))})", list(message.values()))

    def _commit_seed(self, conn, program, session):
        """The seed is drawn, and its commitment can be published, when the session is first synced."""
        seed = lottery.new_seed()
        conn.execute(
            """
            INSERT INTO lotteries (program, session, seed, commitment, committed_at) VALUES (%s, %s, %s, %s, %s)
            ON CONFLICT (program, session) DO NOTHING
            """,
            [program, session, seed, lottery.commitment(seed), records.now()],
        )

    def _lottery(self, conn, program, session, lock=False):
        return conn.execute(
            f"SELECT {LOTTERY_COLUMNS} FROM lotteries WHERE program = %s AND session = %s{' FOR UPDATE' if lock else ''}",
            [program, session],
        ).fetchone()

    def _set_status(self, conn, enrolment_id, status):
        conn.execute("UPDATE enrolments SET status = %s, updated_at = %s WHERE id = %s", [status, records.now(), enrolment_id])

    def _set_meta(self, conn, key, value):
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value]
        )

    def _event(self, conn, program, session, enrolment_id, action, actor, detail):
        conn.execute(
            "INSERT INTO events (at, program, session, enrolment_id, action, actor, detail) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [records.now(), program, session, enrolment_id, action, actor, records.dumps(detail)],
        )

    def _one(self, conn, where, params):
        found = self._many(conn, where + " LIMIT 1", params)
        return found[0] if found else None

    def _many(self, conn, where, params):
        rows = conn.execute(
            records.WITH_POSITION + where,
            params,
        ).fetchall()
        return [records.enrolment(row) for row in rows]


def _account(row):
    return StaffAccount(row["username"], row["organizer"], bool(row["admin"]), row["password_hash"], bool(row["disabled"]))
