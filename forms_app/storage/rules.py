"""Every enrolment transaction, written once for every database.

Each method is one transaction: it takes the session's lock, reads what it
must, asks `forms_app.capacity` who gets a place, and writes the rows, the
audit event and the outbox message together. The database itself is an
adapter (`sqlite.py`, `postgres.py`) that supplies only what truly differs:
how to connect, how a write transaction becomes exclusive, the placeholder
style, and backup. SQL here is written once with `?` placeholders in the
subset both SQLite and PostgreSQL speak.
"""

import hmac
import json
import secrets
from datetime import date
from types import SimpleNamespace

from programs import lottery
from programs.model import SHANGHAI

from .. import capacity, notices
from ..clock import now, stamp
from ..references import new_code, new_link_token
from . import Counts, Duplicate, Event, Lottery, NotEnough, StaffAccount, UnknownSession, Unproven, migrations, outbox, records

STAFF_COLUMNS = "username, organizer, admin, password_hash, disabled, generation, district"
LOTTERY_COLUMNS = "program, session, seed, commitment, committed_at, drawn_at, publication"
# The SQL test for a row that takes one of the session's places, from the one list capacity.py keeps.
HOLDS_PLACE = "status IN ({})".format(", ".join(f"'{status}'" for status in capacity.HOLDS_PLACE))
ROSTER_ORDER = "CASE status {} ELSE {} END".format(
    " ".join(f"WHEN '{status}' THEN {rank}" for rank, status in enumerate(capacity.STATUSES)), len(capacity.STATUSES)
)

# A newcomer is decided, counted and inserted by one statement (see `enrol`). `capacity.status_for_new`
# is spelt here as SQL over the columns DECIDED computes; the contract suite evaluates both on every
# backend over every case and requires the same answer.
STATUS_FOR_NEW = (
    f"CASE WHEN mode = '{capacity.LOTTERY}' AND NOT drawn THEN '{capacity.LOTTERY}' "
    f"WHEN waiting = 0 AND holding < capacity THEN '{capacity.CONFIRMED}' ELSE '{capacity.WAITLISTED}' END"
)
# What status_for_new is asked, read after the session is locked. The rule asks only whether anyone
# waits, so `waiting` is 1 at most and its search stops at the first; once someone waits, the places
# held need no counting. Those are counted in full, not only up to capacity: SQLite cannot take a
# LIMIT from the row being read.
DECIDED = f"""
    SELECT p.capacity AS capacity, p.mode AS mode,
        (SELECT count(*) FROM enrolments e
         WHERE e.program = p.program AND e.session = p.session AND e.{HOLDS_PLACE}) AS holding,
        CASE WHEN EXISTS (SELECT 1 FROM enrolments e
         WHERE e.program = p.program AND e.session = p.session AND e.status = '{capacity.WAITLISTED}') THEN 1 ELSE 0 END AS waiting,
        coalesce((SELECT l.drawn_at IS NOT NULL FROM lotteries l WHERE l.program = p.program AND l.session = p.session), false)
            AS drawn,
        (SELECT coalesce(max(e.queue), 0) + 1 FROM enrolments e WHERE e.program = p.program AND e.session = p.session) AS queue
    FROM places p WHERE p.program = ? AND p.session = ?
"""
# A newcomer queues last, so everyone else waiting is ahead of them (as records.WITH_POSITION counts).
# Its session is given as parameters (program, session): SQLite cannot search an index by a column
# of the row RETURNING returns, and counted every waitlisted row of every session instead.
POSITION_OF_NEW = f"""
    CASE WHEN status = '{capacity.WAITLISTED}' THEN 1 + (
        SELECT count(*) FROM enrolments w WHERE w.program = ? AND w.session = ?
          AND w.status = '{capacity.WAITLISTED}' AND w.id <> enrolments.id
    ) END"""
CODE_DRAWS = 20
# A verification code sent with an enrolment is used up in the enrolment's own transaction, before the
# session's lock: PROVE marks the phone's row with this attempt's token when the code is right, unused,
# unexpired and not burnt (as `check_code` decides), and the enrolling statement inserts only WHERE PROVEN.
PROVE = (
    "UPDATE phone_codes SET code_hash = NULL, expires_at = NULL, proved_by = ?"
    " WHERE phone = ? AND code_hash = ? AND expires_at > ? AND tries < ?"
)
PROVEN = "EXISTS (SELECT 1 FROM phone_codes WHERE phone = ? AND proved_by = ?)"


class Storage:
    """The one storage the app talks to, over a `database` adapter (see sqlite.py for its shape)."""

    def __init__(self, database):
        self.database = database

    # --- the schema and the catalogue -------------------------------------------------------

    def create_schema(self):
        """Apply the pending steps of `migrations`; return the versions applied (none when up to date).

        An up-to-date schema is found by reading alone, so every command (backup above all)
        still starts on a database that cannot be written, such as one on a full disk."""
        if self._schema_is_current():
            return []
        with self.database.migrating() as tx:
            applied = migrations.apply(tx, self.database.dialect, stamp())
            if 5 in applied:
                self._fill_person_keys(tx)
            return applied

    def sync_places(self, places, catalogue_stamp, actor, sources=()):
        """Store capacities from the YAML, promote whoever now fits; return the promoted.

        `sources` are the (program, path, text, fingerprint) of programs whose files passed
        every check: each becomes that program's last good version (`last_good_programs`)."""
        promoted = []
        with self.database.writing() as tx:
            for program, path, text, fingerprint in sources:
                tx.run(
                    """
                    INSERT INTO programs (id, path, source, fingerprint, synced_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET path = excluded.path, source = excluded.source,
                        fingerprint = excluded.fingerprint, synced_at = excluded.synced_at
                    WHERE programs.fingerprint <> excluded.fingerprint OR programs.path <> excluded.path
                    """,
                    [program, path, text, fingerprint, stamp()],
                )
            for place in places:
                before = self._lock(tx, place.program, place.session)
                tx.run(
                    """
                    INSERT INTO places (program, session, capacity, mode, ends, offer_hours) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (program, session) DO UPDATE
                        SET capacity = excluded.capacity, mode = excluded.mode, ends = excluded.ends, offer_hours = excluded.offer_hours
                    """,
                    [
                        place.program,
                        place.session,
                        place.capacity,
                        place.mode,
                        place.ends.isoformat() if place.ends else None,
                        place.offer_hours,
                    ],
                )
                if before and before["capacity"] != place.capacity:
                    detail = {"from": before["capacity"], "to": place.capacity}
                    self._event(tx, place.program, place.session, None, "capacity_changed", actor, detail)
                if place.mode == "lottery":
                    self._commit_seed(tx, place.program, place.session)
                promoted += self._promote(tx, place.program, place.session, actor)
            self._set_meta(tx, "catalogue_stamp", catalogue_stamp)
        return promoted

    def catalogue_stamp(self):
        """The stamp of the catalogue last synced, so every worker can notice a reload."""
        with self.database.reading() as tx:
            row = tx.one("SELECT value FROM meta WHERE key = 'catalogue_stamp'")
        return row["value"] if row else None

    # --- a family's requests ---------------------------------------------------------------

    def enrol(self, applicant, submission, actor, proof=None):
        """(Enrolment, replayed): a repeat of the same submission returns the first answer.
        Raises Duplicate for a second live enrolment of the same person, UnknownSession for
        a session the catalogue never synced. With a `proof` (the parent's SMS code) nothing is
        enrolled unless it proves the phone; it is used up in the same transaction (Unproven,
        after counting the wrong try, when it does not; a repeat needs no code again).

        Every enrolment of a session queues on its lock, so the lock is held for as little as
        possible: the row, its keys and its stamp are made before it, and the decision, the
        count, the insert, its event and its message are one statement (`_admission`) that the
        database runs as a transaction of its own under the lock (`insert_locked` in sqlite.py
        and postgres.py). The replay and duplicate checks are the unique indexes that statement
        meets; only when it inserted nothing does a read afterwards ask which one it was."""
        at = stamp()
        keys = records.person_keys(applicant)
        token = secrets.token_hex(8)
        for _ in range(CODE_DRAWS):
            row = records.new_enrolment(applicant, submission, None, new_code(), at)
            added = self.database.insert_locked(*self._admission(applicant, row, keys, actor, at, proof, token))
            if added:
                return records.enrolment(added[0]), False
            with self.database.reading() as tx:
                replay = self._one(tx, "request_key = ?", [row["request_key"]])
                if replay:
                    return replay, True
                unproven = proof is not None and not tx.one(f"SELECT {PROVEN} AS proven", [proof.phone, token])["proven"]
                if not unproven:
                    place = tx.one("SELECT mode FROM places WHERE program = ? AND session = ?", [applicant.program, applicant.session])
                    self._refuse_duplicate(tx, applicant, applicant.session, place and place["mode"])
                    if place is None:
                        raise UnknownSession(f"{applicant.program}/{applicant.session}")
            if unproven:
                proof = self._unproven(proof)
            # Otherwise nothing held the row back but its code (or what held it went away, such
            # as a cancelled duplicate): draw a new code and try again.
        raise RuntimeError(f"no enrolment inserted after {CODE_DRAWS} tries")

    def _unproven(self, proof):
        """Why a code sent with an enrolment proved nothing, as `check_code` finds it (so the wrong
        try counts): raises Unproven; returns None, no proof needed any more, in the one case
        where `check_code` now accepts it (a new code arrived in between)."""
        reason = self.check_code(proof.phone, proof.code_hash, proof.at, proof.max_tries)
        if reason != "ok":
            raise Unproven(reason)
        return None

    def enrol_together(self, applicants, submission, actor, proof=None):
        """([Enrolment], replayed): siblings in a first-come session, all confirmed or none written.

        A parent who chose "all or none" must never find one child confirmed and another
        waitlisted, so the whole group is decided and written in one transaction under the
        session's lock: a family racing for the same last places sees the group's places
        either all taken or all free. Raises NotEnough (nothing written) when they do not all
        fit now (`capacity.all_fit`), Duplicate when one of them already holds a live
        enrolment, UnknownSession for a session never synced. A resent submission returns
        the first answer. A `proof` is used up as in `enrol`, and stays used up when the
        group is refused, as the phone it proved stays proven."""
        first = applicants[0]
        while True:
            with self.database.writing() as tx:
                proven = proof is None or tx.run(PROVE, self._proving(proof, secrets.token_hex(8))) == 1
                place = self._lock(tx, first.program, first.session)
                if place is None:
                    raise UnknownSession(f"{first.program}/{first.session}")
                if place["mode"] == capacity.LOTTERY:
                    raise ValueError("a lottery session keeps siblings together by its draw, not by enrol_together")
                replays = [self._one(tx, "request_key = ?", [records.request_key(a, submission)]) for a in applicants]
                if all(replays):
                    return replays, True
                if proven:
                    refused, added = self._write_group(tx, applicants, submission, actor, place)
                    break
            proof = self._unproven(proof)
        if refused:
            raise refused
        return added, False

    def _write_group(self, tx, applicants, submission, actor, place):
        """(refusal, [Enrolment]) for `enrol_together`: the refusal is returned, not raised, so that
        the code the group was proven with stays used up when its transaction commits."""
        first = applicants[0]
        keys = set()
        for applicant in applicants:
            try:
                self._refuse_duplicate(tx, applicant, applicant.session, place["mode"])
            except Duplicate as duplicate:
                return duplicate, []
            key = records.person_key(applicant, place["mode"])
            if key in keys:
                raise ValueError("the same child twice in one group")
            keys.add(key)
        held, waiting = self._tally(tx, first.program, first.session, place["capacity"])
        if not capacity.all_fit(place["capacity"], held, waiting, len(applicants)):
            return NotEnough(capacity.remaining(place["capacity"], held) if waiting == 0 else 0), []
        added = []
        for applicant in applicants:
            row = self._insert_enrolment(tx, applicant, submission, capacity.CONFIRMED, records.person_key(applicant, place["mode"]))
            enrolment = self._one(tx, "id = ?", [row["id"]])
            self._event(tx, enrolment.program, enrolment.session, enrolment.id, "enrolled", actor, {"status": capacity.CONFIRMED})
            self._outbox(tx, notices.place_changed(enrolment, notices.CONFIRMED, stamp()))
            added.append(enrolment)
        return None, added

    def _admission(self, applicant, row, keys, actor, at, proof, token):
        """(before, lock, its params, insert, its params, followers) for the database's
        `insert_locked`: the code's use (PROVE) when there is a `proof`; the newcomer's row with
        the status `STATUS_FOR_NEW` gives, last in the queue, unless a unique index (request key,
        person, code) already holds it or the code proved nothing; its `enrolled` event; and the
        message `notices.place_changed` would write for a confirmed or waitlisted newcomer."""
        columns = [column for column in row if column != "status"]
        insert = f"""
            INSERT INTO enrolments ({", ".join(columns)}, status, queue, person_key)
            SELECT {", ".join("?" * len(columns))}, {STATUS_FOR_NEW}, queue, CASE WHEN mode = '{capacity.LOTTERY}' THEN ? ELSE ? END
            FROM ({DECIDED}) AS decided WHERE {PROVEN if proof else "true"}
            ON CONFLICT DO NOTHING
            RETURNING *, {POSITION_OF_NEW} AS position
            """
        json = self.database.json_object
        payload = ", ".join(f"'{field}', {column}" for field, column in notices.PAYLOAD.items())
        followers = [
            (
                "INSERT INTO events (at, program, session, enrolment_id, action, actor, detail)"
                f" SELECT ?, program, session, id, 'enrolled', ?, {json}('status', status) FROM added",
                [at, actor],
            ),
            (
                f"INSERT INTO outbox (created_at, enrolment_id, kind, recipient, payload) SELECT ?, id, status, phone, {json}({payload})"
                f" FROM added WHERE status IN ('{notices.CONFIRMED}', '{notices.WAITLISTED}')",
                [at],
            ),
        ]
        lock = f"SELECT 1 FROM places WHERE program = ? AND session = ?{self.database.for_update}"
        params = [row[column] for column in columns] + keys + [applicant.program, applicant.session]
        before = []
        if proof:
            before, params = [(PROVE, self._proving(proof, token))], params + [proof.phone, token]
        # Placeholders are numbered in the statement's order: RETURNING's (POSITION_OF_NEW) come last.
        params += [applicant.program, applicant.session]
        return before, lock, [applicant.program, applicant.session], insert, params, followers

    @staticmethod
    def _proving(proof, token):
        return [token, proof.phone, proof.code_hash, _iso(proof.at), proof.max_tries]

    def cancel(self, reference, actor, notify=False):
        """(Enrolment or None, [promoted]): cancelling a confirmed place promotes the next in line.
        With `notify` (staff cancelled it, not the family) the family is told by SMS."""
        with self.database.writing() as tx:
            found = self._locked_enrolment(tx, reference)
            if found is None or found.status == capacity.CANCELLED:
                return found, []
            self._set_status(tx, found.id, capacity.CANCELLED)
            self._event(tx, found.program, found.session, found.id, "cancelled", actor, {"from": found.status})
            if notify:
                self._outbox(tx, notices.place_changed(found, notices.CANCELLED, stamp(), status=capacity.CANCELLED))
            promoted = self._promote(tx, found.program, found.session, actor)
            return self._one(tx, "id = ?", [found.id]), promoted

    def accept_offer(self, reference, actor, at):
        """(Enrolment or None, [offered next]): an offer accepted before its deadline is confirmed.
        Past the deadline (the worker has not ended it yet) it ends here as expired, and the place
        is offered to the next in line; anything not on offer is returned unchanged."""
        with self.database.writing() as tx:
            found = self._locked_enrolment(tx, reference)
            if found is None or found.status != capacity.OFFERED:
                return found, []
            if found.offer_expires_at <= _iso(at):
                return self._let_go(tx, found, "offer_expired", actor)
            self._set_status(tx, found.id, capacity.CONFIRMED)
            self._event(tx, found.program, found.session, found.id, "offer_accepted", actor, {"until": found.offer_expires_at})
            return self._one(tx, "id = ?", [found.id]), []

    def decline_offer(self, reference, actor):
        """(Enrolment or None, [offered next]): the family lets an offered place go; it is cancelled
        and offered to the next in line. Anything not on offer is returned unchanged."""
        with self.database.writing() as tx:
            found = self._locked_enrolment(tx, reference)
            if found is None or found.status != capacity.OFFERED:
                return found, []
            return self._let_go(tx, found, "offer_declined", actor)

    def expire_offers(self, at, actor):
        """([ended], [offered next]): every offer whose deadline is at or before `at` (an aware datetime)
        is cancelled and its place offered on, one session per transaction. Each offer is read again
        under its session's lock, so several workers at once end each offer exactly once."""
        when = _iso(at)
        with self.database.reading() as tx:
            # Only offers are read, through the partial index that holds them alone: the status is
            # spelt out rather than a parameter, and the sessions are told apart here, since SQLite
            # would rather scan every enrolment in session order than sort a handful of offers.
            offers = tx.all(
                f"SELECT program, session FROM enrolments WHERE status = '{capacity.OFFERED}' AND offer_expires_at <= ?", [when]
            )
        ended, promoted = [], []
        for program, session in sorted({(row["program"], row["session"]) for row in offers}):
            with self.database.writing() as tx:
                self._lock(tx, program, session)
                due = self._many(
                    tx,
                    "program = ? AND session = ? AND status = ? AND offer_expires_at <= ? ORDER BY queue, id",
                    [program, session, capacity.OFFERED, when],
                )
                for offer in due:
                    self._end_offer(tx, offer, "offer_expired", actor)
                promoted += self._promote(tx, program, session, actor) if due else []
                ended += [self._one(tx, "id = ?", [offer.id]) for offer in due]
        return ended, promoted

    def get(self, reference):
        """The enrolment with its current waitlist position, or None."""
        with self.database.reading() as tx:
            return self._one(tx, "reference = ?", [reference])

    def find(self, phone, code):
        """The enrolment with this short code, only if the phone matches too."""
        with self.database.reading() as tx:
            found = self._one(tx, "code = ?", [code])
        return found if found and found.phone == phone else None

    def submission(self, submission):
        """All enrolments made by one form submission (siblings), in the order answered."""
        with self.database.reading() as tx:
            return self._many(tx, "submission = ? ORDER BY id", [submission])

    # --- what the catalogue and the console read -------------------------------------------

    def counts(self):
        """{(program, session): Counts} for every synced session."""
        with self.database.reading() as tx:
            rows = tx.all(
                f"""
                SELECT p.program, p.session, p.capacity,
                       count(e.id) FILTER (WHERE e.{HOLDS_PLACE}) AS confirmed,
                       count(e.id) FILTER (WHERE e.status = 'waitlisted') AS waitlisted,
                       count(e.id) FILTER (WHERE e.status = 'lottery') AS entered
                FROM places p LEFT JOIN enrolments e
                  ON e.program = p.program AND e.session = p.session AND (e.{HOLDS_PLACE} OR e.status IN ('waitlisted', 'lottery'))
                GROUP BY p.program, p.session
                """
            )
        return {(r["program"], r["session"]): Counts(r["capacity"], r["confirmed"], r["waitlisted"], r["entered"]) for r in rows}

    def session_counts(self, program, session):
        """Counts for one session (None if never synced), cheap enough for every form a parent opens."""
        with self.database.reading() as tx:
            place = tx.one("SELECT capacity FROM places WHERE program = ? AND session = ?", [program, session])
            return Counts(place["capacity"], *self._tally(tx, program, session, place["capacity"])) if place else None

    def status_counts(self):
        """{(program, session): {status: number}} over every status, cancelled included."""
        counts = {}
        with self.database.reading() as tx:
            rows = tx.all("SELECT program, session, status, count(*) AS n FROM enrolments GROUP BY program, session, status")
        for row in rows:
            counts.setdefault((row["program"], row["session"]), {})[row["status"]] = row["n"]
        return counts

    def roster(self, program, session):
        """Every enrolment of one session, any status, with waitlist positions, in queue order."""
        with self.database.reading() as tx:
            return self._many(tx, f"program = ? AND session = ? ORDER BY {ROSTER_ORDER}, queue, id", [program, session])

    # --- staff actions ---------------------------------------------------------------------

    def promote(self, reference, actor):
        """A waitlisted person by hand: confirmed when `capacity.by_hand` finds a place, else first in line."""
        with self.database.writing() as tx:
            found = self._locked_enrolment(tx, reference)
            if found is None or found.status != capacity.WAITLISTED:
                return found
            place = self._lock(tx, found.program, found.session)
            confirmed, _waiting = self._tally(tx, found.program, found.session, place["capacity"])
            if capacity.by_hand(place["capacity"], confirmed) == capacity.CONFIRMED:
                self._confirm(tx, found, actor, notices.PROMOTED)
            else:
                front = tx.one(
                    "SELECT min(queue) AS front FROM enrolments WHERE program = ? AND session = ? AND status = 'waitlisted'",
                    [found.program, found.session],
                )["front"]
                tx.run("UPDATE enrolments SET queue = ?, updated_at = ? WHERE id = ?", [capacity.first_in_line(front), stamp(), found.id])
                self._event(tx, found.program, found.session, found.id, "queued_first", actor, {"from": found.position})
            return self._one(tx, "id = ?", [found.id])

    def move(self, reference, session, actor):
        """(Enrolment, [promoted]): to another session of the same program, admitted there as a newcomer
        would be; the place left behind goes to the next in line. Raises Duplicate or UnknownSession."""
        with self.database.writing() as tx:
            found = self._locked_enrolment(tx, reference, also=session)
            if found is None or found.status == capacity.CANCELLED or found.session == session:
                return found, []
            place = self._lock(tx, found.program, session)
            if place is None:
                raise UnknownSession(f"{found.program}/{session}")
            self._refuse_duplicate(tx, found, session, place["mode"])
            confirmed, waiting = self._tally(tx, found.program, session, place["capacity"])
            status = capacity.status_for_new(place["mode"], place["capacity"], confirmed, waiting, self._drawn(tx, found.program, session))
            tx.run(
                "UPDATE enrolments SET session = ?, status = ?, queue = ?, person_key = ?, updated_at = ? WHERE id = ?",
                [session, status, self._queue_end(tx, found.program, session), records.person_key(found, place["mode"]), stamp(), found.id],
            )
            self._event(tx, found.program, found.session, found.id, "moved_out", actor, {"to": session, "status": found.status})
            self._event(tx, found.program, session, found.id, "moved_in", actor, {"from": found.session, "status": status})
            moved = self._one(tx, "id = ?", [found.id])
            self._outbox(tx, notices.place_changed(moved, notices.MOVED, stamp()))
            promoted = self._promote(tx, found.program, found.session, actor)
            return self._one(tx, "id = ?", [found.id]), promoted

    def attendance(self, program, session):
        """{(enrolment id, ISO day): present} for the session."""
        with self.database.reading() as tx:
            rows = tx.all(
                """
                SELECT a.enrolment_id, a.day, a.present FROM attendance a JOIN enrolments e ON e.id = a.enrolment_id
                WHERE e.program = ? AND e.session = ?
                """,
                [program, session],
            )
        return {(row["enrolment_id"], row["day"]): bool(row["present"]) for row in rows}

    def mark_attendance(self, reference, day, present, actor):
        """Record present/absent for one day, replacing an earlier mark, and log it."""
        with self.database.writing() as tx:
            found = self._one(tx, "reference = ?", [reference])
            tx.run(
                """
                INSERT INTO attendance (enrolment_id, day, present, actor, at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (enrolment_id, day) DO UPDATE SET present = excluded.present, actor = excluded.actor, at = excluded.at
                """,
                [found.id, day, int(present), actor, stamp()],
            )
            self._event(tx, found.program, found.session, found.id, "present" if present else "absent", actor, {"day": day})

    def log(self, program, session, enrolment_id, action, actor, detail):
        """Append an audit event for something that changed nothing, such as reading a phone number."""
        with self.database.writing() as tx:
            self._event(tx, program, session, enrolment_id, action, actor, detail)

    def audit(self, program, session, enrolment_id=None):
        """The session's events, or one enrolment's, oldest first."""
        where, params = "program = ? AND session = ?", [program, session]
        if enrolment_id is not None:
            where, params = "enrolment_id = ?", [enrolment_id]
        with self.database.reading() as tx:
            rows = tx.all(f"SELECT at, program, session, enrolment_id, action, actor, detail FROM events WHERE {where} ORDER BY id", params)
        return [Event(**{**row, "detail": json.loads(row["detail"] or "{}")}) for row in rows]

    # --- staff accounts --------------------------------------------------------------------

    def staff(self, username):
        """The StaffAccount, or None."""
        with self.database.reading() as tx:
            row = tx.one(f"SELECT {STAFF_COLUMNS} FROM staff WHERE username = ?", [username])
        return _account(row) if row else None

    def save_staff(self, account):
        """Create or replace the account with this username."""
        at = stamp()
        with self.database.writing() as tx:
            tx.run(
                """
                INSERT INTO staff (username, organizer, admin, district, password_hash, disabled, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (username) DO UPDATE SET organizer = excluded.organizer, admin = excluded.admin,
                    district = excluded.district, password_hash = excluded.password_hash, disabled = excluded.disabled,
                    updated_at = excluded.updated_at
                """,
                [
                    account.username,
                    account.organizer,
                    int(account.admin),
                    account.district,
                    account.password_hash,
                    int(account.disabled),
                    at,
                    at,
                ],
            )

    def all_staff(self):
        """Every StaffAccount, by username."""
        with self.database.reading() as tx:
            rows = tx.all(f"SELECT {STAFF_COLUMNS} FROM staff ORDER BY username")
        return [_account(row) for row in rows]

    def end_sessions(self, username):
        """Move the account to a new generation: every session opened before, a copied cookie
        included, stops working (the cookie itself cannot be recalled). save_staff leaves
        the generation alone, so only this ends sessions."""
        with self.database.writing() as tx:
            tx.run("UPDATE staff SET generation = generation + 1, updated_at = ? WHERE username = ?", [stamp(), username])

    # --- the lottery -----------------------------------------------------------------------

    def lotteries(self):
        """Every Lottery; sync_places commits a seed (`programs.lottery.new_seed`) for each new lottery session."""
        with self.database.reading() as tx:
            rows = tx.all(f"SELECT {LOTTERY_COLUMNS} FROM lotteries ORDER BY program, session")
        return [Lottery(**{**row, "publication": json.loads(row["publication"]) if row["publication"] else None}) for row in rows]

    def draw_lottery(self, program, session, decide, actor):
        """(publication, fresh): in one transaction, `decide(seed, capacity, entries)` returns the
        `programs.lottery.publication` record for the session's 'lottery' entries, each listed
        under its `programs.lottery.entry_ticket`; winners are confirmed and the rest waitlisted,
        queued in drawn order. A second call returns the first
        record and changes nothing."""
        with self.database.writing() as tx:
            place = self._lock(tx, program, session)
            drawn = self._lottery(tx, program, session)
            if drawn is None:
                raise UnknownSession(f"{program}/{session}")
            if drawn["publication"]:
                return json.loads(drawn["publication"]), False
            entries = self._many(tx, "program = ? AND session = ? AND status = 'lottery' ORDER BY id", [program, session])
            record = decide(drawn["seed"], place["capacity"], entries)
            by_ticket = {lottery.entry_ticket(drawn["seed"], entry.reference): entry for entry in entries}
            for entry, status, rank in capacity.drawn_order(record, by_ticket):
                tx.run("UPDATE enrolments SET status = ?, queue = ?, updated_at = ? WHERE id = ?", [status, rank, stamp(), entry.id])
                self._event(tx, program, session, entry.id, "drawn", actor, {"status": status, "rank": rank})
            for entry in entries:
                self._outbox(tx, notices.place_changed(self._one(tx, "id = ?", [entry.id]), notices.DRAWN, stamp()))
            tx.run(
                "UPDATE lotteries SET drawn_at = ?, publication = ? WHERE program = ? AND session = ?",
                [stamp(), records.dumps(record), program, session],
            )
            self._event(tx, program, session, None, "lottery_drawn", actor, {"entries": len(entries)})
            return record, True

    # --- retention and operations ----------------------------------------------------------

    def purge(self, ended_before, actor, programs=None):
        """Anonymise enrolments of sessions that ended before that date; statuses and counts stay.
        `programs` (ids), when given, limits it to those: a district admin clears only its district's.
        Returns the number of people anonymised."""
        with self.database.writing() as tx:
            return self._purge_ended(tx, ended_before, actor, programs)

    def purge_cancelled(self, cancelled_before, actor, programs=None):
        """Anonymise enrolments cancelled before that moment (an aware datetime), once their grace
        period is over: nobody needs a cancelled child's name. `programs` limits it as for purge.
        Returns the number anonymised."""
        with self.database.writing() as tx:
            return self._purge_cancelled(tx, cancelled_before, actor, programs)

    def purge_due(self, day, ended_before, cancelled_before, actor):
        """The scheduled retention run: both purges at most once per `day` across every worker and
        server. Returns (ended, cancelled) anonymised, or None when this day's run already happened."""
        with self.database.reading() as tx:
            ran = tx.one("SELECT value FROM meta WHERE key = 'retention_ran_on'")
        if ran and ran["value"] >= day.isoformat():
            return None
        with self.database.writing() as tx:
            ran = tx.one(f"SELECT value FROM meta WHERE key = 'retention_ran_on'{self.database.for_update}")
            if ran and ran["value"] >= day.isoformat():
                return None
            done = self._purge_ended(tx, ended_before, actor), self._purge_cancelled(tx, cancelled_before, actor)
            self._set_meta(tx, "retention_ran_on", day.isoformat())
            return done

    def purge_preview(self, ended_before, cancelled_before):
        """[(program, session, ended people, cancelled people)]: what purge and purge_cancelled would
        clear now, for `purge --dry-run`; reads only."""
        with self.database.reading() as tx:
            rows = tx.all(
                """
                SELECT e.program, e.session,
                       count(*) FILTER (WHERE p.ends < ?) AS ended,
                       count(*) FILTER (WHERE NOT (coalesce(p.ends, '9999') < ?) AND e.status = 'cancelled'
                                        AND e.updated_at < ?) AS cancelled
                FROM enrolments e LEFT JOIN places p ON p.program = e.program AND p.session = e.session
                WHERE e.purged_at IS NULL
                GROUP BY e.program, e.session ORDER BY e.program, e.session
                """,
                [ended_before.isoformat(), ended_before.isoformat(), cancelled_before.isoformat(timespec="milliseconds")],
            )
        return [(r["program"], r["session"], r["ended"], r["cancelled"]) for r in rows if r["ended"] or r["cancelled"]]

    def erase(self, reference, actor):
        """A parent's request to delete their data: (Enrolment, [promoted]). A live enrolment is
        cancelled first (its place goes to the next in line), then every personal field is cleared
        at once, outbox messages included; the audit event names no one."""
        with self.database.writing() as tx:
            found = self._locked_enrolment(tx, reference)
            if found is None:
                return None, []
            promoted = []
            if found.status != capacity.CANCELLED:
                self._set_status(tx, found.id, capacity.CANCELLED)
                self._event(tx, found.program, found.session, found.id, "cancelled", actor, {"from": found.status})
                promoted = self._promote(tx, found.program, found.session, actor)
            if self._anonymise(tx, "id = ? AND purged_at IS NULL", [found.id]):
                self._event(tx, found.program, found.session, found.id, "erased", actor, {})
            return self._one(tx, "id = ?", [found.id]), promoted

    def last_good_programs(self):
        """{program id: (path, source text)} of each program's last version that passed every check."""
        with self.database.reading() as tx:
            rows = tx.all("SELECT id, path, source FROM programs ORDER BY id")
        return {row["id"]: (row["path"], row["source"]) for row in rows}

    def settle_lottery(self, program, session, actor):
        """(queued, promoted) for a session drawn before: entries still marked 'lottery' (made when
        a reopened window took them as if no draw had run) join the waitlist behind the drawn order
        in arrival order, then free places go to the waitlist. Changes nothing when all is settled."""
        with self.database.writing() as tx:
            self._lock(tx, program, session)
            if not self._drawn(tx, program, session):
                return [], []
            late = self._many(tx, "program = ? AND session = ? AND status = 'lottery' ORDER BY id", [program, session])
            for entry in late:
                tx.run(
                    "UPDATE enrolments SET status = 'waitlisted', queue = ?, updated_at = ? WHERE id = ?",
                    [self._queue_end(tx, program, session), stamp(), entry.id],
                )
                self._event(tx, program, session, entry.id, "queued_after_draw", actor, {"from": capacity.LOTTERY})
            promoted = self._promote(tx, program, session, actor)
            return [self._one(tx, "id = ?", [entry.id]) for entry in late], promoted

    def ping(self):
        """Read and write the database once, raising when either fails (for /healthz)."""
        with self.database.writing() as tx:
            self._set_meta(tx, "healthz", stamp())

    def backup(self, path):
        """A consistent copy of the whole database at `path`, taken while enrolments go on."""
        self.database.backup(path)

    def release(self):
        """The request is over: end any transaction; the database may keep the connection."""
        self.database.release()

    def close(self):
        self.database.close()

    # --- messages and verification -------------------------------------------------------

    def claim_messages(self, owner, at, lease_until, limit=20):
        """Messages due at `at` (ISO stamp), leased to `owner` until `lease_until`, so another worker
        takes none of them until the lease runs out. A message whose earlier lease ran out with no
        outcome recorded comes back `uncertain`: its worker may have sent it and died before marking it."""
        with self.database.writing() as tx:
            due = tx.all(
                f"""
                SELECT id, lease_owner FROM outbox
                WHERE sent_at IS NULL AND failed_at IS NULL AND recipient IS NOT NULL AND recipient <> ''
                  AND (next_at IS NULL OR next_at <= ?) AND (lease_until IS NULL OR lease_until <= ?)
                ORDER BY id LIMIT ?{self.database.for_update}
                """,
                [at, at, limit],
            )
            claimed = []
            for row in due:
                taken = tx.run(
                    """
                    UPDATE outbox SET lease_owner = ?, lease_until = ?, attempts = attempts + 1, send_key = coalesce(send_key, ?)
                    WHERE id = ? AND sent_at IS NULL AND (lease_until IS NULL OR lease_until <= ?)
                    """,
                    [owner, lease_until, "m" + secrets.token_hex(10), row["id"], at],
                )
                if taken:
                    found = tx.one(
                        f"SELECT {outbox.COLUMNS}, e.name FROM outbox o LEFT JOIN enrolments e ON e.id = o.enrolment_id WHERE o.id = ?",
                        [row["id"]],
                    )
                    claimed.append(outbox.message(found, uncertain=row["lease_owner"] is not None))
        return claimed

    def mark_sent(self, message_id, provider_id, at):
        """The provider accepted the message: record its id (or, after an interrupted send, what the provider found)."""
        with self.database.writing() as tx:
            return tx.run(
                """
                UPDATE outbox SET sent_at = ?, provider_id = ?, lease_owner = NULL, lease_until = NULL, error = NULL
                WHERE id = ? AND sent_at IS NULL
                """,
                [at, provider_id, message_id],
            )

    def mark_failed(self, message_id, owner, reason, at, retry_at=None):
        """The provider refused or could not be reached: try again at `retry_at`, or (None) give up and show staff."""
        with self.database.writing() as tx:
            return tx.run(
                """
                UPDATE outbox SET lease_owner = NULL, lease_until = NULL, error = ?, next_at = ?, failed_at = ?
                WHERE id = ? AND lease_owner = ? AND sent_at IS NULL
                """,
                [reason[:300], retry_at, None if retry_at else at, message_id, owner],
            )

    def messages(self, program, session, enrolment_id=None):
        """{enrolment id: [Message]} for a session's people (or one of them), oldest first."""
        where, params = "e.program = ? AND e.session = ?", [program, session]
        if enrolment_id is not None:
            where, params = "o.enrolment_id = ?", [enrolment_id]
        with self.database.reading() as tx:
            rows = tx.all(
                f"SELECT {outbox.COLUMNS}, e.name FROM outbox o JOIN enrolments e ON e.id = o.enrolment_id WHERE {where} ORDER BY o.id",
                params,
            )
        found = {}
        for row in rows:
            found.setdefault(row["enrolment_id"], []).append(outbox.message(row))
        return found

    def failed_messages(self, limit=50, programs=None):
        """(count, [(program, session, Message)]): messages given up on, newest first, for the admin's
        console; only those of the program ids in `programs` when given (a district's admin)."""
        within, params = "", []
        if programs is not None:
            within, params = f" AND e.program IN ({', '.join('?' * len(programs)) or 'NULL'})", sorted(programs)
        failed = f"FROM outbox o JOIN enrolments e ON e.id = o.enrolment_id WHERE o.failed_at IS NOT NULL{within}"
        with self.database.reading() as tx:
            count = tx.one(f"SELECT count(*) AS n {failed}", params)["n"]
            rows = tx.all(f"SELECT {outbox.COLUMNS}, e.name, e.program, e.session {failed} ORDER BY o.id DESC LIMIT ?", [*params, limit])
        return count, [(row["program"], row["session"], outbox.message(row)) for row in rows]

    def queue_reminders(self, program, session, at):
        """Queue the day-before reminder for each confirmed person of the session, once per enrolment; returns how many."""
        queued = 0
        with self.database.writing() as tx:
            self._lock(tx, program, session)
            for enrolment in self._many(
                tx, "program = ? AND session = ? AND status = 'confirmed' AND phone <> '' ORDER BY id", [program, session]
            ):
                message = notices.place_changed(enrolment, notices.REMINDER, at)
                queued += tx.run(
                    f"INSERT INTO outbox ({', '.join(message)}) VALUES ({', '.join('?' * len(message))}) ON CONFLICT DO NOTHING",
                    list(message.values()),
                )
        return queued

    def issue_code(self, phone, address, code_hash, at, expires_at, limits):
        """Store a new verification code's hash unless a limit says no; returns "ok" or the limit hit:
        "too_soon" (one a minute per phone), "phone_hour", "address_hour". `limits` holds
        (gap, per phone, per address, window) with gap and window as timedeltas. The phone's and
        the address's rows are locked, so two requests at once cannot both slip under a limit."""
        gap, per_phone, per_address, window = limits
        when, until = _iso(at), _iso(expires_at)
        with self.database.writing() as tx:
            tx.run("INSERT INTO phone_codes (phone, window_start) VALUES (?, ?) ON CONFLICT (phone) DO NOTHING", [phone, when])
            tx.run("INSERT INTO code_senders (address, window_start) VALUES (?, ?) ON CONFLICT (address) DO NOTHING", [address, when])
            own = tx.one(f"SELECT sent_at, window_start, window_sends FROM phone_codes WHERE phone = ?{self.database.for_update}", [phone])
            sender = tx.one(f"SELECT window_start, window_sends FROM code_senders WHERE address = ?{self.database.for_update}", [address])
            if own["sent_at"] and own["sent_at"] > _iso(at - gap):
                return "too_soon"
            phone_sends = own["window_sends"] if own["window_start"] > _iso(at - window) else 0
            address_sends = sender["window_sends"] if sender["window_start"] > _iso(at - window) else 0
            if phone_sends >= per_phone:
                return "phone_hour"
            if address_sends >= per_address:
                return "address_hour"
            tx.run(
                """
                UPDATE phone_codes SET code_hash = ?, sent_at = ?, expires_at = ?, tries = 0, window_sends = ?,
                    window_start = CASE WHEN ? = 0 THEN ? ELSE window_start END
                WHERE phone = ?
                """,
                [code_hash, when, until, phone_sends + 1, phone_sends, when, phone],
            )
            tx.run(
                "UPDATE code_senders SET window_sends = ?, window_start = CASE WHEN ? = 0 THEN ? ELSE window_start END WHERE address = ?",
                [address_sends + 1, address_sends, when, address],
            )
        return "ok"

    def withdraw_code(self, phone, address):
        """The provider did not take the code just issued: forget it and give back its place in both
        limits, so the parent may ask again at once rather than wait a minute for a code that never came."""
        with self.database.writing() as tx:
            tx.run(
                "UPDATE phone_codes SET code_hash = NULL, sent_at = NULL, expires_at = NULL,"
                " window_sends = CASE WHEN window_sends > 0 THEN window_sends - 1 ELSE 0 END WHERE phone = ?",
                [phone],
            )
            tx.run(
                "UPDATE code_senders SET window_sends = CASE WHEN window_sends > 0 THEN window_sends - 1 ELSE 0 END WHERE address = ?",
                [address],
            )

    def check_code(self, phone, code_hash, at, max_tries):
        """Returns "ok" once for the right code (then it is used up), else "missing", "expired", "burnt" (too
        many wrong tries) or "wrong"; each wrong try counts, under the phone's lock."""
        with self.database.writing() as tx:
            row = tx.one(f"SELECT code_hash, expires_at, tries FROM phone_codes WHERE phone = ?{self.database.for_update}", [phone])
            if row is None or row["code_hash"] is None:
                return "missing"
            if row["expires_at"] <= _iso(at):
                return "expired"
            if row["tries"] >= max_tries:
                return "burnt"
            if hmac.compare_digest(row["code_hash"], code_hash):
                tx.run("UPDATE phone_codes SET code_hash = NULL, expires_at = NULL WHERE phone = ?", [phone])
                return "ok"
            tx.run("UPDATE phone_codes SET tries = tries + 1 WHERE phone = ?", [phone])
            return "burnt" if row["tries"] + 1 >= max_tries else "wrong"

    def forget_codes(self, before):
        """Drop verification rows (phone numbers, hashed addresses) not used since `before`; returns how many."""
        with self.database.writing() as tx:
            gone = tx.run("DELETE FROM phone_codes WHERE window_start < ? AND (sent_at IS NULL OR sent_at < ?)", [_iso(before)] * 2)
            return gone + tx.run("DELETE FROM code_senders WHERE window_start < ?", [_iso(before)])

    def short_link(self, reference):
        """The short token an SMS carries for this enrolment's result page (made once, then the same)."""
        with self.database.writing() as tx:
            while True:
                tx.run(
                    "INSERT INTO links (token, reference, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    [new_link_token(), reference, stamp()],
                )
                row = tx.one("SELECT token FROM links WHERE reference = ?", [reference])
                if row:
                    return row["token"]

    def link_reference(self, token):
        """The enrolment reference a short link stands for, or None."""
        with self.database.reading() as tx:
            row = tx.one("SELECT reference FROM links WHERE token = ?", [token])
        return row["reference"] if row else None

    # --- the steps transactions share ------------------------------------------------------

    def _purge_ended(self, tx, ended_before, actor, programs=None):
        anonymised = 0
        ended = tx.all("SELECT program, session FROM places WHERE ends < ? ORDER BY program, session", [ended_before.isoformat()])
        for row in _within(ended, programs):
            count = self._anonymise(tx, "program = ? AND session = ? AND purged_at IS NULL", [row["program"], row["session"]])
            if count:
                self._event(tx, row["program"], row["session"], None, "purged", actor, {"people": count})
            anonymised += count
        return anonymised

    def _purge_cancelled(self, tx, cancelled_before, actor, programs=None):
        cutoff = cancelled_before.isoformat(timespec="milliseconds")
        sessions = tx.all(
            """
            SELECT program, session FROM enrolments WHERE status = 'cancelled' AND purged_at IS NULL AND updated_at < ?
            GROUP BY program, session ORDER BY program, session
            """,
            [cutoff],
        )
        anonymised = 0
        for row in _within(sessions, programs):
            where = "program = ? AND session = ? AND status = 'cancelled' AND purged_at IS NULL AND updated_at < ?"
            count = self._anonymise(tx, where, [row["program"], row["session"], cutoff])
            if count:
                self._event(tx, row["program"], row["session"], None, "purged_cancelled", actor, {"people": count})
            anonymised += count
        return anonymised

    def _anonymise(self, tx, where, params):
        """Clear every personal field of the matching enrolments and their outbox messages; the
        row, its status and its place in the counts stay. Returns how many were cleared."""
        tx.run(
            f"UPDATE outbox SET recipient = NULL, payload = NULL WHERE enrolment_id IN (SELECT id FROM enrolments WHERE {where})", params
        )
        return tx.run(
            f"""
            UPDATE enrolments SET name = ? || ' ' || code, phone = '', birthdate = NULL, guardian_name = NULL, person_key = NULL,
                employer = NULL, answers = NULL, consent = NULL, submission = NULL, request_key = NULL, purged_at = ?
            WHERE {where}
            """,
            [records.PURGED, stamp(), *params],
        )

    def _schema_is_current(self):
        try:
            with self.database.reading() as tx:
                applied = {row["version"] for row in tx.all("SELECT version FROM schema_migrations")}
        except Exception:  # no ledger yet: a new database, which migrating() creates
            self.database.release()
            return False
        return not migrations.pending(applied)

    def _lock(self, tx, program, session):
        """The session's places row, locked until the transaction ends: the one lock every place decision takes."""
        return tx.one(
            f"SELECT capacity, mode, offer_hours FROM places WHERE program = ? AND session = ?{self.database.for_update}",
            [program, session],
        )

    def _locked_enrolment(self, tx, reference, also=None):
        """The enrolment read again once its session (and `also`, in name order against deadlocks)
        is locked, so its status and place in line are the ones the lock protects."""
        found = self._one(tx, "reference = ?", [reference])
        while found is not None:
            for session in sorted({found.session, also or found.session}):
                self._lock(tx, found.program, session)
            again = self._one(tx, "reference = ?", [reference])
            if again.session == found.session:
                return again
            found = again
        return None

    def _refuse_duplicate(self, tx, person, session, mode):
        """One live enrolment per person (`records.person_key`) and session; rows from before
        that key (left without one when a look-alike already held it) still count exactly."""
        existing = mode and self._one(
            tx,
            "program = ? AND session = ? AND person_key = ? AND status <> 'cancelled'",
            [person.program, session, records.person_key(person, mode)],
        )
        existing = existing or self._one(
            tx,
            "program = ? AND session = ? AND phone = ? AND name = ? AND coalesce(birthdate, '') = ? AND status <> 'cancelled'",
            [person.program, session, person.phone, person.name, records.birthdate_text(person) or ""],
        )
        if existing:
            raise Duplicate(existing)

    def _fill_person_keys(self, tx):
        """Give enrolments made before migration 5 their person_key, oldest first; a look-alike
        of someone already keyed keeps none (the roster flags both) rather than fail the upgrade."""
        rows = tx.all(
            """
            SELECT e.id, e.program, e.session, e.status, e.name, e.phone, e.birthdate, p.mode
            FROM enrolments e LEFT JOIN places p ON p.program = e.program AND p.session = e.session
            WHERE e.purged_at IS NULL ORDER BY e.id
            """
        )
        taken = set()
        for row in rows:
            birthdate = date.fromisoformat(row["birthdate"]) if row["birthdate"] else None
            key = records.person_key(SimpleNamespace(name=row["name"], phone=row["phone"], birthdate=birthdate), row["mode"])
            if row["status"] != capacity.CANCELLED:
                if (row["program"], row["session"], key) in taken:
                    continue
                taken.add((row["program"], row["session"], key))
            tx.run("UPDATE enrolments SET person_key = ? WHERE id = ?", [key, row["id"]])

    def _tally(self, tx, program, session, up_to):
        """(places held counted up to `up_to`, waiting): see capacity.py for why counting stops there."""
        row = tx.one(
            f"""
            SELECT (SELECT count(*) FROM (SELECT 1 FROM enrolments
                        WHERE program = ? AND session = ? AND {HOLDS_PLACE} LIMIT ?) AS c) AS confirmed,
                   (SELECT count(*) FROM enrolments WHERE program = ? AND session = ? AND status = 'waitlisted') AS waitlisted
            """,
            [program, session, up_to, program, session],
        )
        return row["confirmed"], row["waitlisted"]

    def _queue_end(self, tx, program, session):
        """Arrival order: one past the last queue number the session has used."""
        return tx.one("SELECT coalesce(max(queue), 0) + 1 AS queue FROM enrolments WHERE program = ? AND session = ?", [program, session])[
            "queue"
        ]

    def _insert_enrolment(self, tx, applicant, submission, status, person_key):
        """Insert with a fresh short code, drawing again in the rare case another enrolment holds it."""
        queue = self._queue_end(tx, applicant.program, applicant.session)
        while True:
            row = {**records.new_enrolment(applicant, submission, status, new_code(), stamp()), "queue": queue, "person_key": person_key}
            inserted = tx.one(
                f"INSERT INTO enrolments ({', '.join(row)}) VALUES ({', '.join('?' * len(row))}) "
                "ON CONFLICT (code) DO NOTHING RETURNING id",
                list(row.values()),
            )
            if inserted:
                return {**row, "id": inserted["id"]}

    def _promote(self, tx, program, session, actor):
        """Fill free places from the waitlist in queue order, under the session lock the caller holds:
        each is confirmed, or offered when the session has offer hours (`capacity.promotion`)."""
        place = self._lock(tx, program, session)
        if place is None:
            return []
        fill = capacity.places_to_fill(place["capacity"], *self._tally(tx, program, session, place["capacity"]))
        if not fill:
            return []
        lucky = self._many(tx, "program = ? AND session = ? AND status = 'waitlisted' ORDER BY queue, id LIMIT ?", [program, session, fill])
        for enrolment in lucky:
            if capacity.promotion(place["offer_hours"]) == capacity.OFFERED:
                self._offer(tx, enrolment, actor, place["offer_hours"])
            else:
                self._confirm(tx, enrolment, actor, notices.PROMOTED)
        return [self._one(tx, "id = ?", [e.id]) for e in lucky]

    def _offer(self, tx, enrolment, actor, offer_hours):
        until = _iso(capacity.offer_deadline(now(), offer_hours))
        tx.run(
            "UPDATE enrolments SET status = ?, offer_expires_at = ?, updated_at = ? WHERE id = ?",
            [capacity.OFFERED, until, stamp(), enrolment.id],
        )
        self._event(tx, enrolment.program, enrolment.session, enrolment.id, "offered", actor, {"from": capacity.WAITLISTED, "until": until})
        self._outbox(tx, notices.place_changed(self._one(tx, "id = ?", [enrolment.id]), notices.OFFERED, stamp()))

    def _let_go(self, tx, offer, action, actor):
        """(the ended offer, [offered next]): one family's offer ends and its place moves on at once."""
        self._end_offer(tx, offer, action, actor)
        promoted = self._promote(tx, offer.program, offer.session, actor)
        return self._one(tx, "id = ?", [offer.id]), promoted

    def _end_offer(self, tx, offer, action, actor):
        """An offer declined or run out: the place is let go (the caller promotes the next in line).
        A family whose deadline passed is told by SMS, however the expiry was found (the worker or
        their own late click), so the message never depends on who got there first; a family that
        declined did it on the page and reads the outcome there."""
        self._set_status(tx, offer.id, capacity.CANCELLED)
        self._event(tx, offer.program, offer.session, offer.id, action, actor, {"from": capacity.OFFERED, "until": offer.offer_expires_at})
        if action == "offer_expired":
            self._outbox(tx, notices.place_changed(offer, notices.OFFER_EXPIRED, stamp(), status=capacity.CANCELLED))

    def _confirm(self, tx, enrolment, actor, kind):
        self._set_status(tx, enrolment.id, capacity.CONFIRMED)
        self._event(tx, enrolment.program, enrolment.session, enrolment.id, "promoted", actor, {"from": capacity.WAITLISTED})
        self._outbox(tx, notices.place_changed(enrolment, kind, stamp(), status=capacity.CONFIRMED))

    def _outbox(self, tx, message):
        tx.run(f"INSERT INTO outbox ({', '.join(message)}) VALUES ({', '.join('?' * len(message))})", list(message.values()))

    def _commit_seed(self, tx, program, session):
        """The seed is drawn, and its commitment can be published, when the session is first synced, long before `closes`."""
        seed = lottery.new_seed()
        tx.run(
            """
            INSERT INTO lotteries (program, session, seed, commitment, committed_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (program, session) DO NOTHING
            """,
            [program, session, seed, lottery.commitment(seed), stamp()],
        )

    def _drawn(self, tx, program, session):
        """Whether the session's lottery has been drawn: newcomers then queue as anywhere else."""
        row = tx.one("SELECT drawn_at FROM lotteries WHERE program = ? AND session = ?", [program, session])
        return bool(row and row["drawn_at"])

    def _lottery(self, tx, program, session):
        return tx.one(
            f"SELECT {LOTTERY_COLUMNS} FROM lotteries WHERE program = ? AND session = ?{self.database.for_update}", [program, session]
        )

    def _set_status(self, tx, enrolment_id, status):
        tx.run("UPDATE enrolments SET status = ?, updated_at = ? WHERE id = ?", [status, stamp(), enrolment_id])

    def _set_meta(self, tx, key, value):
        tx.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])

    def _event(self, tx, program, session, enrolment_id, action, actor, detail):
        tx.run(
            "INSERT INTO events (at, program, session, enrolment_id, action, actor, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [stamp(), program, session, enrolment_id, action, actor, records.dumps(detail)],
        )

    def _one(self, tx, where, params):
        found = self._many(tx, where + " LIMIT 1", params)
        return found[0] if found else None

    def _many(self, tx, where, params):
        return [records.enrolment(row) for row in tx.all(records.WITH_POSITION + where, params)]


def _within(rows, programs):
    """The session rows of those program ids, or every row when `programs` is None."""
    return rows if programs is None else [row for row in rows if row["program"] in programs]


def _account(row):
    return StaffAccount(
        row["username"],
        row["organizer"],
        bool(row["admin"]),
        row["password_hash"],
        bool(row["disabled"]),
        row["generation"],
        row["district"],
    )


def _iso(moment):
    """A datetime as the text rows store (Beijing time, milliseconds), so comparisons as text hold."""
    return moment.astimezone(SHANGHAI).isoformat(timespec="milliseconds")
