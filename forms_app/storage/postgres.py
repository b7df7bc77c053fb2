"""One PostgreSQL database that several app servers share.

Every write that decides a place first locks its session's row in `places`
(the rules' `for_update` turns their read of it into SELECT ... FOR UPDATE)
and only then counts, in the same transaction as its insert or update. A
second writer for that session, from any worker on any machine, waits at the
lock and, under READ COMMITTED, counts the first one's row once it goes on:
capacity and waitlist order hold across app instances as BEGIN IMMEDIATE
makes them hold in one SQLite file, while different sessions no longer wait
for each other.

Each process keeps one connection pool (created after gunicorn forks), so a
request borrows a connection for one transaction and never holds it between
requests. Schema steps are serialised across servers by an advisory lock that
ends with their transaction.

Every wait is bounded by the request's budget (`storage.remaining`): for a
connection from the pool, and, in each write transaction, `lock_timeout` and
`statement_timeout` set for that transaction only. A lock held too long, a
server that is gone, read-only or out of disk is `Unavailable`: the
transaction is rolled back and the app answers 503.
"""

import os
import threading
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from . import DEFAULT_TIMEOUT_SECONDS, Unavailable, remaining
from .rules import Storage

POOL_SIZE = 8
POOL_TIMEOUT_SECONDS = DEFAULT_TIMEOUT_SECONDS
MIGRATION_LOCK = 0x666F726D  # "form": with the schema's hash, keys the advisory lock
# A statement that is its own transaction and commits synchronously (whatever the server's or the
# session's default: a local setting holds until its implicit transaction's commit) after writing
# only to the WAL: once it returns, every transaction this connection committed before it is on disk.
DURABLE = "SELECT set_config('synchronous_commit', 'on', true), pg_logical_emit_message(true, 'forms_app', 'durable')"

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
    """The rules over one PostgreSQL database."""

    def __init__(self, url, size=POOL_SIZE):
        super().__init__(PostgresDatabase(url, size))


@lru_cache(maxsize=512)
def _spelt(sql):
    """The rules' `?` placeholders as psycopg's `%s` (a literal % doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class Transaction:
    def __init__(self, conn):
        self.conn = conn

    def all(self, sql, params=()):
        return self.conn.execute(_spelt(sql), params).fetchall()

    def one(self, sql, params=()):
        return self.conn.execute(_spelt(sql), params).fetchone()

    def run(self, sql, params=()):
        return self.conn.execute(_spelt(sql), params).rowcount


@contextmanager
def _translated():
    """Connection failures, lock and statement timeouts, a full disk (all OperationalError, as is
    the pool's timeout) and a read-only server become `Unavailable`; anything else is a bug."""
    try:
        yield
    except (psycopg.OperationalError, psycopg.errors.ReadOnlySqlTransaction) as error:
        raise Unavailable(f"PostgreSQL: {error}") from error


def _bounded(conn):
    """Reads too stop well inside gunicorn's worker timeout; writes set their own, tighter, limits."""
    conn.execute(f"SET statement_timeout = '{int(POOL_TIMEOUT_SECONDS * 1000)}ms'")


class PostgresDatabase:
    dialect = "postgresql"
    for_update = " FOR UPDATE"
    json_object = "json_build_object"

    def __init__(self, url, size=POOL_SIZE):
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=size,
            timeout=POOL_TIMEOUT_SECONDS,
            open=True,
            kwargs={"autocommit": True, "row_factory": dict_row},
            check=ConnectionPool.check_connection,
            configure=_bounded,
        )

    def close(self):
        self.pool.close()

    def release(self):
        """Nothing to end: every transaction returned its connection to the pool when it finished."""

    @contextmanager
    def reading(self):
        with _translated(), self.pool.connection(timeout=remaining(POOL_TIMEOUT_SECONDS)) as conn:
            yield Transaction(conn)

    @contextmanager
    def writing(self):
        with _translated(), self.pool.connection(timeout=remaining(POOL_TIMEOUT_SECONDS)) as conn, conn.transaction():
            wait = f"{int(remaining(POOL_TIMEOUT_SECONDS) * 1000)}ms"
            conn.execute("SELECT set_config('lock_timeout', %s, true), set_config('statement_timeout', %s, true)", [wait, wait])
            yield Transaction(conn)

    def insert_locked(self, before, lock, lock_params, insert, params, followers):
        """One write transaction in one round trip: the rows `insert` added (its RETURNING), after
        each follower (sql, params) ran over them as `added`, with each statement of `before`
        (sql, params) run first and then the row `lock` selects locked.

        BEGIN, the budget, the lock, the statement and COMMIT go out together as a pipeline, so
        from taking the lock to committing the server never waits for this process: a worker
        that loses the CPU at a 09:00 rush no longer holds up every parent behind it. The lock
        is a statement of its own because under READ COMMITTED a statement reads the snapshot it
        started with: counting in the statement that waited for the lock would miss what the
        lock's previous holder committed; the next statement starts, with a fresh snapshot,
        once the lock is held. The insert and its followers are one statement (data-modifying
        WITH).

        The transaction commits without waiting for its WAL to reach the disk, so the lock is
        released at once instead of after an fsync, and the fsyncs of parents queued on the same
        session no longer add up one after another. Nobody is answered before that WAL is on
        disk, though: a second transaction, one statement, follows in the same pipeline and
        commits synchronously, which flushes the WAL up to its own commit record and so past this one
        (WAL is written in order). The row it writes is a logical-decoding message, which only
        the WAL holds. A crash between the two loses only enrolments nobody was told about, and
        loses them cleanly, as if rolled back (PostgreSQL's `synchronous_commit`)."""
        chained = ", ".join(f"follower_{n} AS ({sql})" for n, (sql, _) in enumerate(followers))
        statement = f"WITH added AS ({insert}), {chained} SELECT * FROM added"
        with _translated(), self.pool.connection(timeout=remaining(POOL_TIMEOUT_SECONDS)) as conn:
            wait = f"{int(remaining(POOL_TIMEOUT_SECONDS) * 1000)}ms"
            try:
                with conn.pipeline():
                    conn.execute("BEGIN")
                    conn.execute(
                        "SELECT set_config('lock_timeout', %s, true), set_config('statement_timeout', %s, true),"
                        " set_config('synchronous_commit', 'off', true)",
                        [wait, wait],
                    )
                    for sql, extra in before:
                        conn.execute(_spelt(sql), extra)
                    conn.execute(_spelt(lock), lock_params)
                    added = conn.execute(_spelt(statement), [*params, *(value for _, extra in followers for value in extra)])
                    conn.execute("COMMIT")
                    conn.execute(DURABLE)
            except BaseException:
                if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    conn.execute("ROLLBACK")
                raise
            return added.fetchall()

    @contextmanager
    def migrating(self):
        """App servers starting together queue on the advisory lock; the first applies the steps."""
        with self.writing() as tx:
            tx.run("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))", [MIGRATION_LOCK])
            yield tx

    def backup(self, path):
        raise NotImplementedError(
            "PostgreSQL 数据库不能用 flask backup 备份，请用 pg_dump，例如："
            'pg_dump --format=custom --file=forms.dump "$FORMS_APP_DATABASE"；恢复用 pg_restore。'
        )
