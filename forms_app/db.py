"""One storage connection per request, as in Flask's tutorial."""

from flask import abort, current_app, g

from .storage import end_budget, open_storage, start_budget


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
    budget = g.pop("db_budget", None)
    if budget is not None:
        end_budget(budget)


def start_request_budget():
    """Every database wait of this request shares DATABASE_TIMEOUT seconds (see storage.remaining)."""
    g.db_budget = start_budget(float(current_app.config["DATABASE_TIMEOUT"]))


def init_app(app):
    app.teardown_appcontext(close_db)
    app.before_request(start_request_budget)
    with app.app_context():
        get_db().create_schema()
