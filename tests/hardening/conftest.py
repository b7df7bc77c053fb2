"""The enrolment app's fixtures (temporary classes/, real gunicorn) reused here, on SQLite only:
crashes, backups and the health check are about its file, and hostile input is refused before
any storage is reached."""

import pytest

from tests.app.conftest import app, classes, client, make_app, published, serve  # noqa: F401


@pytest.fixture
def database(tmp_path):
    return tmp_path / "forms.sqlite3"
