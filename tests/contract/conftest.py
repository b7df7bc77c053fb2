"""A `storage` fixture for each backend, so one suite states the contract both keep.

PostgreSQL tests run against a real server (the `postgres_url` fixture in
tests/conftest.py gives each test a schema of its own).
"""

import threading

import pytest

from forms_app.storage import Places
from forms_app.storage.postgres import PostgresStorage
from forms_app.storage.sqlite import SqliteStorage
from tests.app.helpers import rows

PLACES = [
    Places("winter", "week-1", 2, "first_come"),
    Places("winter", "week-2", 5, "first_come"),
    Places("draw", "week-1", 2, "lottery"),
]


class Backend:
    """One database of one kind: `open()` gives a storage on it, as each app server would hold;
    `rows(sql)` reads it directly, for what the interface does not return (events, outbox)."""

    def __init__(self, kind, target):
        self.kind, self.target = kind, target

    def open(self):
        return SqliteStorage(self.target) if self.kind == "sqlite" else PostgresStorage(self.target, size=4)

    def rows(self, sql):
        return rows(self.target, sql)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        return Backend("sqlite", str(tmp_path / "forms.sqlite3"))
    return Backend("postgresql", request.getfixturevalue("postgres_url"))


def opened(backend, places):
    """A storage on `backend`, its schema made and `places` synced, as an app server starts."""
    storage = backend.open()
    storage.create_schema()
    storage.sync_places(places, "stamp-1", "test")
    return storage


@pytest.fixture
def storage(backend):
    storage = opened(backend, PLACES)
    yield storage
    storage.close()


def at_once(backend, count, attempt):
    """The answers of `attempt(storage, n)` for n in range(count), each in a thread of its own
    with its own storage, as that many app servers would send them together."""
    answers, lock = [], threading.Lock()

    def run(n):
        own = backend.open()
        try:
            answer = attempt(own, n)
        finally:
            own.close()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers
