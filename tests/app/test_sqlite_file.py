"""Issue 13: the SQLite file holds children's data: owner-only files, and deleted content overwritten."""

import os
import stat
import threading

import pytest

from forms_app.db import get_db
from tests.app.helpers import api_child


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.sqlite_only
def test_the_database_and_its_wal_and_shm_are_owner_only(client, app, database, tmp_path):
    assert client.post("/api/enrolments", json=api_child()).status_code == 201
    files = [database, f"{database}-wal", f"{database}-shm", f"{database}.writer-lock"]
    assert {str(path): mode(path) for path in files} == {str(path): 0o600 for path in files}
    assert app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.sqlite3")]).exit_code == 0
    assert mode(tmp_path / "copy.sqlite3") == 0o600


@pytest.mark.sqlite_only
def test_a_database_left_readable_by_an_older_version_is_tightened(make_app, database):
    make_app()
    os.chmod(database, 0o644)
    # A new thread opens its own connection, as a restarted server would.
    restarted = threading.Thread(target=lambda: make_app().test_client().post("/api/enrolments", json=api_child()))
    restarted.start()
    restarted.join()
    assert mode(database) == 0o600 and mode(f"{database}-wal") == 0o600


@pytest.mark.sqlite_only
def test_deleted_content_is_overwritten(app):
    with app.app_context():
        assert get_db().database.conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
