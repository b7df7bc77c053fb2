"""Fixtures for the enrolment app: a temporary classes/, an app on a real
database, and real gunicorn servers for the concurrency tests.

Every test that uses the app runs twice, on an SQLite file and on a fresh
schema of a real PostgreSQL, so each rule is shown through HTTP on both
backends; tests marked sqlite_only are about SQLite itself and run once.
"""

import pytest

from forms_app import create_app
from forms_app.storage import postgres
from tests.app.helpers import Classes, Server


@pytest.fixture(autouse=True)
def published(tmp_path, monkeypatch):
    """Lottery records go to a temporary folder, for the app under test and any gunicorn it starts."""
    folder = tmp_path / "published" / "lottery"
    monkeypatch.setenv("FORMS_APP_PUBLISH_DIR", str(folder.parent))
    return folder


@pytest.fixture
def classes(tmp_path):
    classes = Classes(tmp_path / "classes")
    classes.write("wangjing-winter")
    return classes


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield tmp_path / "forms.sqlite3"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    postgres.disconnect(url)


@pytest.fixture
def make_app(classes, database):
    def make(**config):
        settings = {
            "TESTING": True,
            "DATABASE": str(database),
            "CLASSES_DIR": str(classes.path),
            "SECRET_KEY": "test-only-key",
            "RATELIMIT_ENABLED": False,
            "CATALOGUE_CHECK_SECONDS": 0,
        }
        return create_app({**settings, **config})

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def serve(classes, database):
    servers = []

    def start(**env):
        settings = {
            "FORMS_APP_DATABASE": str(database),
            "FORMS_APP_CLASSES_DIR": str(classes.path),
            "FORMS_APP_SECRET_KEY": "test-only-key",
            "FORMS_APP_RATELIMIT_ENABLED": "false",
        }
        server = Server({**settings, **env})
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
