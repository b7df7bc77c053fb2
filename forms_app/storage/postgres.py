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
"""
import os
import threading
from contextlib import contextmanager
from functools import lru_cache

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from .rules import Storage

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


class PostgresDatabase:
    dialect = "postgresql"
    for_update = " FOR UPDATE"

    def __init__(self, url, size=POOL_SIZE):
        self.pool = ConnectionPool(
            url, min_size=1, max_size=size, timeout=POOL_TIMEOUT_SECONDS, open=True,
            kwargs={"autocommit": True, "row_factory": dict_row}, check=ConnectionPool.check_connection,
        )

    def close(self):
        self.pool.close()

    def release(self):
        """Nothing to end: every transaction returned its connection to the pool when it finished."""

    @contextmanager
    def reading(self):
        with self.pool.connection() as conn:
            yield Transaction(conn)

    @contextmanager
    def writing(self):
        with self.pool.connection() as conn, conn.transaction():
            yield Transaction(conn)

    @contextmanager
    def migrating(self):
        """App servers starting together queue on the advisory lock; the first applies the steps."""
        with self.writing() as tx:
            tx.run("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))", [MIGRATION_LOCK])
            yield tx

    def backup(self, path):
        raise NotImplementedError(
            "PostgreSQL 数据库不能用 flask backup 备份，请用 pg_dump，例如："
            "pg_dump --format=custom --file=forms.dump \"$FORMS_APP_DATABASE\"；恢复用 pg_restore。"
        )
