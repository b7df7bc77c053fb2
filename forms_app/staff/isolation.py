"""The console answers only its own pages, never a script on another page of the same origin.

Under `make run` the catalogue and the console share one origin, and a
catalogue page is built from program files any union can write. Cookies
cannot tell two pages of one origin apart, so the console also refuses what
its own pages never do: it has no script of its own, so every genuine
request is a top-level navigation (a click, a form, a download). A request
whose Fetch Metadata says fetch/XHR, an iframe, an <img> or a <script>
gets 403. Browsers without Fetch Metadata send none of these headers and
are let through; the catalogue's Content-Security-Policy is the first
defence, and production serves the console on its own origin
(docs/deployment.md).

Responses also carry Cross-Origin-Resource-Policy: same-origin (no other
site may embed them) and Cross-Origin-Opener-Policy: same-origin (a page
that opens the console in a window gets no handle on it).

STAFF_HOST, when set, is the one host name the console answers on (404 on
any other): production gives the console an origin of its own, which no
catalogue page shares. Unset, as in `make run`, it answers on any host.
"""

from flask import abort, current_app, request

from .sessions import is_staff_path

HEADERS = {
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
NAVIGATION = {"navigate"}
DOCUMENT = {"document", "empty"}


def refuse_subresource_requests():
    if not is_staff_path(request.path):
        return None
    host = current_app.config["STAFF_HOST"]
    if host and request.host.lower() != host.lower():
        abort(404)
    mode, dest = request.headers.get("Sec-Fetch-Mode"), request.headers.get("Sec-Fetch-Dest")
    if (mode is not None and mode not in NAVIGATION) or (dest is not None and dest not in DOCUMENT):
        abort(403)
    return None


def isolate(response):
    if is_staff_path(request.path):
        for name, value in HEADERS.items():
            response.headers[name] = value
    return response


def init_app(app):
    app.config.setdefault("STAFF_HOST", None)
    app.before_request(refuse_subresource_requests)
    app.after_request(isolate)
