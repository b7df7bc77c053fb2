"""Security and caching headers on every response the app itself makes, unless its view set its own.

Pages carry children's data, so only a response that says otherwise may be
cached. The app's pages use no inline script or style, so the policy can
forbid both; references in /r/<reference> URLs are secrets, so no Referer
leaves the page. The built catalogue served beside the app in `make run` is
static and does not pass through here: each of its pages carries its own
policy in a meta tag (catalogue/policy.py). The console adds its own
isolation headers (forms_app/staff/isolation.py).
"""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}
HSTS = {"Strict-Transport-Security": "max-age=31536000"}


def _missing(defaults):
    """(lowercase name, name, value) of each default, for `add_missing`."""
    return tuple((name.lower(), name, value) for name, value in defaults.items())


def add_missing(response, defaults):
    """Headers.setdefault, for all of `defaults` in one pass: werkzeug looks a missing name up
    by raising and catching a KeyError each time, a thirtieth of a millisecond for six names."""
    present = {name.lower() for name, _value in response.headers}
    response.headers.extend([(name, value) for lower, name, value in defaults if lower not in present])


def init_app(app):
    plain, secure = _missing(HEADERS), _missing({**HEADERS, **HSTS})

    @app.after_request
    def defaults(response):
        add_missing(response, secure if app.config.get("SESSION_COOKIE_SECURE") else plain)
        return response
