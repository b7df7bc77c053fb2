"""The staff console's own session cookie, apart from the parents' one.

Parents' pages keep their CSRF token in Flask's session cookie, sent to the
whole host. Had staff logins lived in that cookie too, every page on the
host, the catalogue included when `make run` serves it on the same port,
would travel with a logged-in console session. So requests under /staff/
use a second cookie, signed with another salt, sent only to /staff/ and
only from the console's own site (SameSite=Strict): a link or form on
another site arrives without it, and a parents' cookie is never accepted
as a staff one.
"""
from flask import request
from flask.sessions import SecureCookieSessionInterface

DEFAULTS = {
    "STAFF_SESSION_COOKIE_NAME": "staff_session",
    "STAFF_SESSION_COOKIE_PATH": "/staff/",
    "STAFF_SESSION_COOKIE_SAMESITE": "Strict",
}


def is_staff_path(path):
    return path == "/staff" or path.startswith("/staff/")


class SessionInterface(SecureCookieSessionInterface):
    """Two cookies by request path. Both are Secure whenever the request came over HTTPS (behind
    the proxy that PROXY_HOPS describes), not only when SESSION_COOKIE_SECURE says so."""

    staff_salt = "staff-session"

    def _staff(self):
        return is_staff_path(request.path)

    def get_signing_serializer(self, app):
        if not self._staff():
            return super().get_signing_serializer(app)
        parents_salt, self.salt = self.salt, self.staff_salt
        try:
            return super().get_signing_serializer(app)
        finally:
            self.salt = parents_salt

    def get_cookie_name(self, app):
        return app.config["STAFF_SESSION_COOKIE_NAME"] if self._staff() else super().get_cookie_name(app)

    def get_cookie_path(self, app):
        return app.config["STAFF_SESSION_COOKIE_PATH"] if self._staff() else super().get_cookie_path(app)

    def get_cookie_samesite(self, app):
        return app.config["STAFF_SESSION_COOKIE_SAMESITE"] if self._staff() else super().get_cookie_samesite(app)

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or request.is_secure


def init_app(app):
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.session_interface = SessionInterface()
