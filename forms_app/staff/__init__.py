"""The staff console: street-level staff run their own organizer's classes
from a phone or an office PC; a district admin sees every organizer's.

Login and the guard are in auth.py, who may see what in access.py, pages in
console.py, attendance.py and exports.py, shell commands in cli.py.
"""
from flask import request
from flask.sessions import SecureCookieSessionInterface

from . import attendance, auth, cli, console, exports, labels


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (behind the
    proxy that PROXY_HOPS describes), not only when SESSION_COOKIE_SECURE says so."""

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or request.is_secure


def init_app(app):
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.session_interface = SessionInterface()
    app.before_request(auth.guard)
    for blueprint in (auth.bp, console.bp, attendance.bp, exports.bp):
        app.register_blueprint(blueprint)
    app.add_template_filter(labels.actor, "actor")
    app.add_template_filter(labels.event, "event")
    app.add_template_filter(labels.sms_kind, "sms_kind")
    cli.init_app(app)
