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
import json
import os
import sqlite3
import threading
from contextlib import contextmanager

import sqlite_utils

from programs import lottery

from .. import capacity
from ..references import new_code
from . import Counts, Duplicate, Event, Lottery, StaffAccount, Storage, UnknownSession, migrations, records
from .records import now as _now

BUSY_TIMEOUT_SECONDS = 30

_reusable = threading.local()


def connect(path):
    """This thread's open storage for `path`, so a request does not pay for opening
    a connection and closing it does not checkpoint the WAL; keyed by process so a
    connection never crosses a fork."""
    key = (os.getpid(), str(path))
    kept = getattr(_reusable, "kept", None)
    if kept is None or kept[0] != key or kept[1].closed:
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

    @property
    def closed(self):
        return self._writers is None

    def close(self):
        """Idempotent: a storage kept for reuse may also be closed by whoever opened it."""
        if self.closed:
            return
        self.db.close()
        os.close(self._writers)
        self._writers = None

    def release(self):
        """End of a request: the connection stays open for the next one, with no transaction left."""
        self.db.rollback()

    @contextmanager
    def _writer_turn(self):
        fcntl.flock(self._writers, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._writers, fcntl.LOCK_UN)

    @contextmanager
    def _write(self):
        with self._writer_turn():
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.rollback()
                raise
            self.db.commit()

    def create_schema(self):
        """Apply pending migrations; idempotent, and safe when several workers start at once.

        Switching to WAL needs an exclusive lock that SQLite refuses at once, without
        waiting, when two connections try together: so it too waits for the writer's turn."""
        with self._writer_turn():
            self.db.enable_wal()
        with self._write():
            return migrations.apply(self.db.execute, "sqlite", _now())

    def sync_places(self, places, stamp, actor):
        promoted = []
        with self._write():
            for place in places:
                before = self._places(place.program, place.session)
                self.db["places"].upsert(
                    {
                        "program": place.program,
                        "session": place.session,
                        "capacity": place.capacity,
                        "mode": place.mode,
                        "ends": place.ends.isoformat() if place.ends else None,
                    },
                    pk=("program", "session"),
                )
                if before and before[0] != place.capacity:
                    detail = {"from": before[0], "to": place.capacity}
                    self._event(place.program, place.session, None, "capacity_changed", actor, detail)
                if place.mode == "lottery":
                    self._commit_seed(place.program, place.session)
                promoted += self._promote(place.program, place.session, actor)
            self.db["meta"].upsert({"key": "catalogue_stamp", "value": stamp}, pk="key")
        return promoted

    def catalogue_stamp(self):
        row = self.db.execute("SELECT value FROM meta WHERE key = 'catalogue_stamp'").fetchone()
        return row[0] if row else None

    def enrol(self, applicant, submission, actor):
        with self._write():
            replay = self._one("request_key = ?", [records.request_key(applicant, submission)])
            if replay:
                return replay, True
            self._refuse_duplicate(applicant, applicant.session)
            place = self._places(applicant.program, applicant.session)
            if place is None:
                raise UnknownSession(f"{applicant.program}/{applicant.session}")
            confirmed, waiting = self._tally(applicant.program, applicant.session, place[0])
            status = capacity.status_for_new(place[1], place[0], confirmed, waiting)
            row = records.new_enrolment(applicant, submission, status, self._unused_code())
            row["queue"] = self._queue_end(applicant.program, applicant.session)
            row["id"] = self.db.execute(
                f"INSERT INTO enrolments ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
            ).lastrowid
            self._event(applicant.program, applicant.session, row["id"], "enrolled", actor, {"status": status})
            position = waiting + 1 if status == capacity.WAITLISTED else None
        return records.enrolment(row, position), False

    def cancel(self, reference, actor):
        with self._write():
            found = self._one("reference = ?", [reference])
            if found is None or found.status == capacity.CANCELLED:
                return found, []
            self._set_status(found.id, capacity.CANCELLED)
            self._event(found.program, found.session, found.id, "cancelled", actor, {"from": found.status})
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

    def status_counts(self):
        counts = {}
        for program, session, status, number in self.db.execute(
            "SELECT program, session, status, count(*) FROM enrolments GROUP BY program, session, status"
        ):
            counts.setdefault((program, session), {})[status] = number
        return counts

    def roster(self, program, session):
        return self._many(
            "program = ? AND session = ? ORDER BY CASE status WHEN 'confirmed' THEN 0 WHEN 'lottery' THEN 1 "
            "WHEN 'waitlisted' THEN 2 ELSE 3 END, queue, id",
            [program, session],
        )

    def promote(self, reference, actor):
        with self._write():
            found = self._one("reference = ?", [reference])
            if found is None or found.status != capacity.WAITLISTED:
                return found
            place = self._places(found.program, found.session)
            confirmed, _waiting = self._tally(found.program, found.session, place[0])
            if capacity.by_hand(place[0], confirmed) == capacity.CONFIRMED:
                self._set_status(found.id, capacity.CONFIRMED)
                self._event(found.program, found.session, found.id, "promoted", actor, {"from": capacity.WAITLISTED})
                self.db["outbox"].insert(records.promoted_message(found))
            else:
                front = self.db.execute(
                    "SELECT min(queue) FROM enrolments WHERE program = ? AND session = ? AND status = 'waitlisted'",
                    [found.program, found.session],
                ).fetchone()[0]
                self.db.execute("UPDATE enrolments SET queue = ?, updated_at = ? WHERE id = ?", [front - 1, _now(), found.id])
                self._event(found.program, found.session, found.id, "queued_first", actor, {"from": found.position})
            return self._one("id = ?", [found.id])

    def move(self, reference, session, actor):
        with self._write():
            found = self._one("reference = ?", [reference])
            if found is None or found.status == capacity.CANCELLED or found.session == session:
                return found, []
            place = self._places(found.program, session)
            if place is None:
                raise UnknownSession(f"{found.program}/{session}")
            self._refuse_duplicate(found, session)
            confirmed, waiting = self._tally(found.program, session, place[0])
            status = capacity.status_for_new(place[1], place[0], confirmed, waiting, self._drawn(found.program, session))
            self.db.execute(
                "UPDATE enrolments SET session = ?, status = ?, queue = ?, updated_at = ? WHERE id = ?",
                [session, status, self._queue_end(found.program, session), _now(), found.id],
            )
            self._event(found.program, found.session, found.id, "moved_out", actor, {"to": session, "status": found.status})
            self._event(found.program, session, found.id, "moved_in", actor, {"from": found.session, "status": status})
            promoted = self._promote(found.program, found.session, actor)
            return self._one("id = ?", [found.id]), promoted

    def attendance(self, program, session):
        rows = self.db.execute(
            """
            SELECT a.enrolment_id, a.day, a.present FROM attendance a JOIN enrolments e ON e.id = a.enrolment_id
            WHERE e.program = ? AND e.session = ?
            """,
            [program, session],
        )
        return {(enrolment_id, day): bool(present) for enrolment_id, day, present in rows}

    def mark_attendance(self, reference, day, present, actor):
        with self._write():
            found = self._one("reference = ?", [reference])
            self.db["attendance"].upsert(
                {"enrolment_id": found.id, "day": day, "present": int(present), "actor": actor, "at": _now()},
                pk=("enrolment_id", "day"),
            )
            self._event(found.program, found.session, found.id, "present" if present else "absent", actor, {"day": day})

    def log(self, program, session, enrolment_id, action, actor, detail):
        with self._write():
            self._event(program, session, enrolment_id, action, actor, detail)

    def audit(self, program, session, enrolment_id=None):
        where, params = "program = ? AND session = ?", [program, session]
        if enrolment_id is not None:
            where, params = "enrolment_id = ?", [enrolment_id]
        rows = self.db.execute(
            f"SELECT at, program, session, enrolment_id, action, actor, detail FROM events WHERE {where} ORDER BY id", params
        )
        return [Event(*row[:-1], detail=json.loads(row[-1] or "{}")) for row in rows]

    def staff(self, username):
        row = self.db.execute(
            "SELECT username, organizer, admin, password_hash, disabled FROM staff WHERE username = ?", [username]
        ).fetchone()
        return _account(row) if row else None

    def save_staff(self, account):
        stamp = _now()
        with self._write():
            self.db.execute(
                """
                INSERT INTO staff (username, organizer, admin, password_hash, disabled, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (username) DO UPDATE SET organizer = excluded.organizer, admin = excluded.admin,
                    password_hash = excluded.password_hash, disabled = excluded.disabled, updated_at = excluded.updated_at
                """,
                [account.username, account.organizer, int(account.admin), account.password_hash, int(account.disabled), stamp, stamp],
            )

    def all_staff(self):
        rows = self.db.execute("SELECT username, organizer, admin, password_hash, disabled FROM staff ORDER BY username")
        return [_account(row) for row in rows]

    def lotteries(self):
        rows = self.db.execute(
            "SELECT program, session, seed, commitment, committed_at, drawn_at, publication FROM lotteries ORDER BY program, session"
        )
        return [Lottery(*row[:-1], publication=json.loads(row[-1]) if row[-1] else None) for row in rows]

    def draw_lottery(self, program, session, decide, actor):
        with self._write():
            row = self.db.execute(
                "SELECT seed, publication FROM lotteries WHERE program = ? AND session = ?", [program, session]
            ).fetchone()
            if row is None:
                raise UnknownSession(f"{program}/{session}")
            if row[1]:
                return json.loads(row[1]), False
            entries = self._many("program = ? AND session = ? AND status = 'lottery' ORDER BY id", [program, session])
            record = decide(row[0], self._places(program, session)[0], entries)
            for entry, status, rank in records.drawn_places(record, entries):
                self.db.execute(
                    "UPDATE enrolments SET status = ?, queue = ?, updated_at = ? WHERE id = ?", [status, rank, _now(), entry.id]
                )
                self._event(program, session, entry.id, "drawn", actor, {"status": status, "rank": rank})
                self.db["outbox"].insert(records.promoted_message(entry, "drawn"))
            self.db.execute(
                "UPDATE lotteries SET drawn_at = ?, publication = ? WHERE program = ? AND session = ?",
                [_now(), records.dumps(record), program, session],
            )
            self._event(program, session, None, "lottery_drawn", actor, {"entries": len(entries)})
            return record, True

    def purge(self, ended_before, actor):
        anonymised = 0
        with self._write():
            ended = self.db.execute(
                "SELECT program, session FROM places WHERE ends < ? ORDER BY program, session", [ended_before.isoformat()]
            ).fetchall()
            for program, session in ended:
                where = "program = ? AND session = ? AND purged_at IS NULL"
                self.db.execute(
                    f"UPDATE outbox SET recipient = NULL, payload = NULL WHERE enrolment_id IN (SELECT id FROM enrolments WHERE {where})",
                    [program, session],
                )
                count = self.db.execute(
                    f"""
                    UPDATE enrolments SET name = ? || ' ' || code, phone = '', birthdate = NULL, guardian_name = NULL,
                        employer = NULL, answers = NULL, consent = NULL, submission = NULL, request_key = NULL, purged_at = ?
                    WHERE {where}
                    """,
                    [records.PURGED, _now(), program, session],
                ).rowcount
                if count:
                    self._event(program, session, None, "purged", actor, {"people": count})
                anonymised += count
        return anonymised

    def _places(self, program, session):
        return self.db.execute(
            "SELECT capacity, mode FROM places WHERE program = ? AND session = ?", [program, session]
        ).fetchone()

    def _refuse_duplicate(self, person, session):
        """One live enrolment per child (name, birthdate, phone) and session."""
        existing = self._one(
            "program = ? AND session = ? AND phone = ? AND name = ? AND ifnull(birthdate, '') = ? AND status != 'cancelled'",
            [person.program, session, person.phone, person.name, records.birthdate_text(person) or ""],
        )
        if existing:
            raise Duplicate(existing)

    def _tally(self, program, session, up_to):
        """(confirmed counted up to `up_to`, waiting): see capacity.py for why counting stops there."""
        return self.db.execute(
            """
            SELECT (SELECT count(*) FROM (SELECT 1 FROM enrolments
                        WHERE program = :program AND session = :session AND status = 'confirmed' LIMIT :up_to)),
                   (SELECT count(*) FROM enrolments WHERE program = :program AND session = :session AND status = 'waitlisted')
            """,
            {"program": program, "session": session, "up_to": up_to},
        ).fetchone()

    def _promote(self, program, session, actor):
        """Fill free places from the waitlist in arrival order; runs inside the caller's transaction."""
        place = self._places(program, session)
        if place is None:
            return []
        confirmed, waiting = self._tally(program, session, place[0])
        fill = capacity.places_to_fill(place[0], confirmed, waiting)
        if not fill:
            return []
        lucky = self._many(
            "program = ? AND session = ? AND status = 'waitlisted' ORDER BY queue, id LIMIT ?", [program, session, fill]
        )
        for enrolment in lucky:
            self._set_status(enrolment.id, capacity.CONFIRMED)
            self._event(program, session, enrolment.id, "promoted", actor, {"from": capacity.WAITLISTED})
            self.db["outbox"].insert(records.promoted_message(enrolment))
        return [self._one("id = ?", [e.id]) for e in lucky]

    def _queue_end(self, program, session):
        """Arrival order: one past the last queue number the session has used."""
        return self.db.execute(
            "SELECT coalesce(max(queue), 0) + 1 FROM enrolments WHERE program = ? AND session = ?", [program, session]
        ).fetchone()[0]

    def _commit_seed(self, program, session):
        """The seed is drawn, and its commitment can be published, when the session is first synced, long before `closes`."""
        seed = lottery.new_seed()
        self.db.execute(
            """
            INSERT INTO lotteries (program, session, seed, commitment, committed_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (program, session) DO NOTHING
            """,
            [program, session, seed, lottery.commitment(seed), _now()],
        )

    def _drawn(self, program, session):
        row = self.db.execute("SELECT drawn_at FROM lotteries WHERE program = ? AND session = ?", [program, session]).fetchone()
        return bool(row and row[0])

    def _set_status(self, enrolment_id, status):
        self.db.execute("UPDATE enrolments SET status = ?, updated_at = ? WHERE id = ?", [status, _now(), enrolment_id])

    def _event(self, program, session, enrolment_id, action, actor, detail):
        self.db.execute(
            "INSERT INTO events (at, program, session, enrolment_id, action, actor, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [_now(), program, session, enrolment_id, action, actor, records.dumps(detail)],
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
            records.WITH_POSITION + where,
            params,
        )
        columns = [d[0] for d in rows.description]
        return [records.enrolment(dict(zip(columns, row))) for row in rows]


def _account(row):
    username, organizer, admin, password_hash, disabled = row
    return StaffAccount(username, organizer, bool(admin), password_hash, bool(disabled))
