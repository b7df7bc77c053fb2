"""The staff console's own session cookie, apart from the parents' one.

Parents' pages keep their CSRF token in Flask's session cookie, sent to the
whole host. Had staff logins lived in that cookie too, every page on the
host, the catalogue included when `make run` serves it on the same port,
would travel with a logged-in console session. So requests under /staff/
use a second cookie, signed with another salt, sent only to /staff/ and
only from the console's own site (SameSite=Strict): a link or form on
another site arrives without it, and a parents' cookie is never accepted
as a staff one.

Two cookie interfaces, chosen per request, rather than one whose settings
change per request: gunicorn's threads share the one app.session_interface.
"""

from flask import request
from flask.sessions import SecureCookieSessionInterface
from flask.sessions import SessionInterface as FlaskSessionInterface

DEFAULTS = {
    "STAFF_SESSION_COOKIE_NAME": "staff_session",
    "STAFF_SESSION_COOKIE_PATH": "/staff/",
    "STAFF_SESSION_COOKIE_SAMESITE": "Strict",
}


def is_staff_path(path):
    return path == "/staff" or path.startswith("/staff/")


class ParentsCookie(SecureCookieSessionInterface):
    """Secure whenever the request came over HTTPS (behind the proxy that PROXY_HOPS
    describes), not only when SESSION_COOKIE_SECURE says so."""

    def __init__(self):
        self.signers = {}

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or request.is_secure

    def get_signing_serializer(self, app):
        """One per secret key, where Flask builds one to open and another to save every session;
        the rest of what it is built from is configuration, fixed once the app has started."""
        if app.secret_key not in self.signers:
            self.signers[app.secret_key] = super().get_signing_serializer(app)
        return self.signers[app.secret_key]


class StaffCookie(ParentsCookie):
    salt = "staff-session"

    def get_cookie_name(self, app):
        return app.config["STAFF_SESSION_COOKIE_NAME"]

    def get_cookie_path(self, app):
        return app.config["STAFF_SESSION_COOKIE_PATH"]

    def get_cookie_samesite(self, app):
        return app.config["STAFF_SESSION_COOKIE_SAMESITE"]


class SessionInterface(FlaskSessionInterface):
    def __init__(self):
        self.parents, self.staff = ParentsCookie(), StaffCookie()

    def _current(self):
        return self.staff if is_staff_path(request.path) else self.parents

    def get_signing_serializer(self, app):
        return self._current().get_signing_serializer(app)

    def open_session(self, app, request):
        return self._current().open_session(app, request)

    def save_session(self, app, session, response):
        return self._current().save_session(app, session, response)


def init_app(app):
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.session_interface = SessionInterface()
