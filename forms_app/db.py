"""One storage connection per request, as in Flask's tutorial."""
from flask import abort, current_app, g

from .storage import open_storage


def get_db():
    if "db" not in g:
        g.db = open_storage(current_app.config["DATABASE"])
    return g.db


def enrolment_or_404(reference):
    enrolment = get_db().get(reference)
    if enrolment is None:
        abort(404)
    return enrolment


def close_db(_error=None):
    db = g.pop("db", None)
    if db is not None:
        db.release()


def init_app(app):
    app.teardown_appcontext(close_db)
    with app.app_context():
        get_db().create_schema()
