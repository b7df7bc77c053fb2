"""A `storage` fixture for each backend, so one suite states the contract both keep.

PostgreSQL tests run against a real server on 127.0.0.1 (scripts/ensure-postgres
starts or installs one); each test gets its own schema, dropped afterwards,
so engineers and CI can run the suite at once against the same database.
"""
import os
import sqlite3
import subprocess
import uuid
from contextlib import closing
from urllib.parse import quote

import psycopg
import pytest

from forms_app.storage import Places
from forms_app.storage.postgres import PostgresStorage
from forms_app.storage.sqlite import SqliteStorage
from tests.app.helpers import ROOT

PLACES = [
    Places("winter", "week-1", 2, "first_come"),
    Places("winter", "week-2", 5, "first_come"),
    Places("draw", "week-1", 2, "lottery"),
]
SERVER = os.environ.get("FORMS_APP_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_server():
    """The test server's URL once it answers; a loud skip where this machine can have none."""
    subprocess.run([str(ROOT / "scripts" / "ensure-postgres")], check=False)
    try:
        psycopg.connect(SERVER, connect_timeout=5).close()
    except psycopg.OperationalError as error:
        pytest.skip(f"NOT TESTED ON POSTGRESQL: {SERVER} did not answer and scripts/ensure-postgres could not start one ({error})")
    return SERVER


@pytest.fixture
def postgres_url(postgres_server):
    """A URL whose connections see only a fresh schema of their own."""
    schema = f"contract_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{postgres_server}?options={quote(f'-c search_path={schema}')}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


class Backend:
    """One database of one kind: `open()` gives a storage on it, as each app server would hold;
    `rows(sql)` reads it directly, for what the interface does not return (events, outbox)."""

    def __init__(self, kind, target):
        self.kind, self.target = kind, target

    def open(self):
        return SqliteStorage(self.target) if self.kind == "sqlite" else PostgresStorage(self.target, size=4)

    def rows(self, sql):
        if self.kind == "sqlite":
            with closing(sqlite3.connect(self.target)) as conn:
                return conn.execute(sql).fetchall()
        with psycopg.connect(self.target) as conn:
            return conn.execute(sql).fetchall()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        return Backend("sqlite", str(tmp_path / "forms.sqlite3"))
    return Backend("postgresql", request.getfixturevalue("postgres_url"))


@pytest.fixture
def storage(backend):
    storage = backend.open()
    storage.create_schema()
    storage.sync_places(PLACES, "stamp-1", "test")
    yield storage
    storage.close()
