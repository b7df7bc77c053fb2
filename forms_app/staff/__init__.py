"""The staff console: street-level staff run their own organizer's classes
from a phone or an office PC; an admin those of every organizer in its district, or of
all districts for the federation-wide admin.

Login and the guard are in auth.py, the console's own cookie in sessions.py,
what keeps other pages of its origin out in isolation.py, who may see what in
access.py, pages in console.py, attendance.py and exports.py, program files edited and published in editor.py,
purge and backup status for the admin in data_pages.py, shell commands
in cli.py.
"""

from . import (
    account_pages,
    attendance,
    auth,
    cli,
    console,
    data_pages,
    editor,
    exports,
    isolation,
    labels,
    organizers,
    sessions,
    teacher_view,
)


def init_app(app):
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    sessions.init_app(app)
    isolation.init_app(app)
    app.before_request(auth.guard)
    for blueprint in (auth.bp, console.bp, attendance.bp, exports.bp, editor.bp, account_pages.bp, data_pages.bp):
        app.register_blueprint(blueprint)
    app.add_template_filter(labels.actor, "actor")
    app.add_template_filter(labels.event, "event")
    app.add_template_filter(labels.sms_kind, "sms_kind")
    organizers.init_app(app)
    teacher_view.init_app(app)
    cli.init_app(app)
