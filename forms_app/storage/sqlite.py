"""One SQLite file: the database that needs no server.

WAL lets readers run beside the single writer; every write transaction
starts with BEGIN IMMEDIATE, so the count a rule reads cannot change before
its insert commits, across threads, processes and gunicorn workers alike.
synchronous=FULL makes a committed "报名成功" survive a power cut or kill -9.
The file holds children's data, so it is created owner-only (0600) before
SQLite opens it; SQLite gives the -wal and -shm files the database's own mode.
secure_delete overwrites deleted and purged content instead of leaving it in
free pages.
With one writer at a time, the session lock the rules ask for is the write
transaction itself, so `for_update` is empty and `insert_locked` takes no lock.

Writers first queue on an flock() beside the database: SQLite's own busy
handler polls with sleeps of up to 100 ms, which at a 09:00 rush turns a
0.5 ms transaction into a one-second wait; the kernel wakes a lock waiter at
once. The lock only orders writers; BEGIN IMMEDIATE still guarantees
correctness for any process that skips it.

Waits are bounded by the request's budget (`storage.remaining`), well inside
gunicorn's worker timeout: a lock held too long by anyone (a second process in
BEGIN IMMEDIATE, a stuck backup) ends in `Unavailable` and a clean 503, never a
killed worker that might commit after its client was told it failed. When one
writer gives up on such a lock it notes the time in the flock file, so the
writers queued behind it try only briefly instead of each waiting the whole
budget again. A full disk, a read-only file or an I/O error is `Unavailable`
too; the transaction is rolled back whole.
"""

import fcntl
import os
import sqlite3
import struct
import threading
import time
from contextlib import contextmanager

import sqlite_utils

from . import DEFAULT_TIMEOUT_SECONDS, Unavailable, remaining
from .rules import Storage

BUSY_TIMEOUT_SECONDS = DEFAULT_TIMEOUT_SECONDS
PRIVATE = 0o600
# After a writer gave up on a held lock, the next ones within this long try this briefly.
STUCK_MEMORY_SECONDS, STUCK_TRY_SECONDS = 10.0, 0.2
# The SQLite result codes that mean "the database cannot do this now", not a bug in our SQL.
UNAVAILABLE = {
    5: "busy",
    6: "locked",
    7: "out of memory",
    8: "read-only",
    10: "I/O error",
    13: "disk full",
    14: "cannot open",
    15: "lock protocol",
}

_reusable = threading.local()


def connect(path):
    """This thread's open storage for `path`, so a request does not pay for opening
    a connection and closing it does not checkpoint the WAL; keyed by process so a
    connection never crosses a fork."""
    key = (os.getpid(), str(path))
    kept = getattr(_reusable, "kept", None)
    if kept is None or kept[0] != key or kept[1].database.closed:
        if kept is not None and kept[0][0] == os.getpid():
            kept[1].close()
        kept = _reusable.kept = (key, SqliteStorage(path))
    return kept[1]


def unavailable(error):
    """`Unavailable` for SQLite's errors that only time or an operator fixes, else None (a bug)."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(error, sqlite3.DatabaseError) and code is not None and code & 0xFF in UNAVAILABLE:
        return Unavailable(f"SQLite ({UNAVAILABLE[code & 0xFF]}): {error}")
    return None


@contextmanager
def _translated():
    try:
        yield
    except sqlite3.Error as error:
        translated = unavailable(error)
        if translated is None:
            raise
        raise translated from error


class SqliteStorage(Storage):
    """The rules over one SQLite file."""

    def __init__(self, path, timeout=BUSY_TIMEOUT_SECONDS):
        super().__init__(SqliteDatabase(path, timeout))


def _as_dict(cursor, row):
    return {column[0]: value for column, value in zip(cursor.description, row)}


class Transaction:
    """Rules' SQL runs here as written: SQLite takes `?` placeholders itself. Rows come back
    as dicts on these cursors only; sqlite-utils keeps the connection's own tuples."""

    def __init__(self, conn):
        self.conn = conn

    def _execute(self, sql, params):
        cursor = self.conn.cursor()
        cursor.row_factory = _as_dict
        return cursor.execute(sql, params)

    def all(self, sql, params=()):
        return self._execute(sql, params).fetchall()

    def one(self, sql, params=()):
        return self._execute(sql, params).fetchone()

    def run(self, sql, params=()):
        return self._execute(sql, params).rowcount


class SqliteDatabase:
    dialect = "sqlite"
    for_update = ""
    json_object = "json_object"

    def __init__(self, path, timeout=BUSY_TIMEOUT_SECONDS):
        _private(path)
        self.timeout = timeout
        with _translated():
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self.conn = conn
            self.db = sqlite_utils.Database(conn, execute_plugins=False)
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            # Cleared personal data is overwritten with zeros, not left in free pages of the file.
            conn.execute("PRAGMA secure_delete=ON")
        self._tx = Transaction(conn)
        self._busy = None
        try:
            self._writers = os.open(f"{path}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            conn.close()
            raise Unavailable(f"SQLite writer lock: {error}") from error

    @property
    def closed(self):
        return self._writers is None

    def close(self):
        """Idempotent: a storage kept for reuse may also be closed by whoever opened it."""
        if self.closed:
            return
        self.conn.close()
        os.close(self._writers)
        self._writers = None

    def release(self):
        """End of a request: the connection stays open for the next one, with no transaction left."""
        if self.conn.in_transaction:
            self.conn.rollback()

    @contextmanager
    def reading(self):
        with _translated():
            self._wait_at_most(remaining(self.timeout))
            yield self._tx

    def insert_locked(self, before, lock, lock_params, insert, params, followers):
        """One write transaction: each statement of `before` (sql, params), then the rows `insert`
        added (its RETURNING), each then passed to every follower (sql, params) as the table
        `added`. BEGIN IMMEDIATE already holds every lock, so `lock` is not run; SQLite has no
        INSERT inside WITH, so each follower is a statement of its own over the returned row
        given back as VALUES: three or four short statements in the writer's turn."""
        with self.writing() as tx:
            for sql, extra in before:
                tx.run(sql, extra)
            rows = tx.all(insert, params)
            for row in rows:
                added = f"WITH added ({', '.join(row)}) AS (VALUES ({', '.join('?' * len(row))})) "
                for sql, extra in followers:
                    tx.run(added + sql, [*row.values(), *extra])
            return rows

    @contextmanager
    def writing(self):
        with _translated(), self._writer_turn():
            self._begin()
            try:
                yield self._tx
                self.conn.commit()
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.rollback()
                raise

    def _begin(self):
        """BEGIN IMMEDIATE, waiting for a held lock no longer than the budget allows, or only
        briefly if another writer just gave up on it."""
        gave_up = struct.unpack("d", os.pread(self._writers, 8, 0).ljust(8, b"\0"))[0]
        stuck = time.time() - gave_up < STUCK_MEMORY_SECONDS
        self._wait_at_most(min(STUCK_TRY_SECONDS, remaining(self.timeout)) if stuck else remaining(self.timeout))
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", 5) & 0xFF in (5, 6):
                os.pwrite(self._writers, struct.pack("d", time.time()), 0)
            raise
        if stuck:
            os.pwrite(self._writers, struct.pack("d", 0.0), 0)

    def _wait_at_most(self, seconds):
        milliseconds = int(seconds * 10) * 100 or 50  # in tenths, so a request rarely resets it
        if milliseconds != self._busy:
            self.conn.execute(f"PRAGMA busy_timeout = {milliseconds}")
            self._busy = milliseconds

    @contextmanager
    def migrating(self):
        """Switching to WAL needs an exclusive lock that SQLite refuses at once, without
        waiting, when two connections try together: so it too waits for the writer's turn."""
        with _translated(), self._writer_turn():
            self.db.enable_wal()
        with self.writing() as tx:
            yield tx

    @contextmanager
    def _writer_turn(self):
        fcntl.flock(self._writers, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._writers, fcntl.LOCK_UN)

    def backup(self, path):
        """SQLite's online backup API: pages are copied in steps while writers carry on."""
        _private(path)
        target = sqlite3.connect(path)
        try:
            self.conn.backup(target, pages=256)
        finally:
            target.close()


def _private(path):
    """Create the file owner-only, before SQLite would create it with the umask's 0644, and
    tighten a database, -wal or -shm left readable by an earlier version."""
    if str(path) == ":memory:":
        return
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE))
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        try:
            if os.stat(name).st_mode & 0o077:
                os.chmod(name, PRIVATE)
        except (FileNotFoundError, PermissionError):
            pass
