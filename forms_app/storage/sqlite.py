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
transaction itself, so `for_update` is empty.

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

from .rules import Storage

BUSY_TIMEOUT_SECONDS = 30
PRIVATE = 0o600

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

    def __init__(self, path, timeout=BUSY_TIMEOUT_SECONDS):
        _private(path)
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        self.conn = conn
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA secure_delete=ON")
        self._tx = Transaction(conn)
        self._writers = os.open(f"{path}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)

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
        yield self._tx

    @contextmanager
    def writing(self):
        with self._writer_turn():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._tx
            except BaseException:
                self.conn.rollback()
                raise
            self.conn.commit()

    @contextmanager
    def migrating(self):
        """Switching to WAL needs an exclusive lock that SQLite refuses at once, without
        waiting, when two connections try together: so it too waits for the writer's turn."""
        with self._writer_turn():
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
