"""The enrolment app's fixtures (temporary classes/, real SQLite file, real gunicorn) reused here."""
from tests.app.conftest import app, classes, client, database, make_app, published, serve  # noqa: F401
