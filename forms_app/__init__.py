"""Enrolment for the unions' holiday childcare and night classes.

Run it with `flask --app forms_app run` for development; production runs
several gunicorn workers against one SQLite file (see docs/enrolment.md).
"""

import os
from inspect import CO_COROUTINE
from pathlib import Path
from types import FunctionType

from flask import Flask, g, jsonify, redirect, render_template, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from . import api, cli, db, erasure, filters, headers, health, limits, messaging, outcomes, parents, retention, served, staff, verification
from .secret import instance_secret
from .storage import Unavailable

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAX_BODY_BYTES = 64 * 1024


class FormsApp(Flask):
    def ensure_sync(self, func):
        """A plain function as it is, told apart by its code's flags: Flask asks `inspect` for
        each hook and the view of every request, nine times per enrolment. Anything else (a
        coroutine, a partial, a marked or wrapped function) takes Flask's own way."""
        if type(func) is FunctionType and not func.__code__.co_flags & CO_COROUTINE and not func.__dict__:
            return func
        return super().ensure_sync(func)


def create_app(test_config=None):
    app = FormsApp(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.config.from_mapping(
        DATABASE=str(Path(app.instance_path) / "forms.sqlite3"),
        CLASSES_DIR=str(PROJECT_ROOT / "classes"),
        SECRET_KEY=None,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_KEY_PREFIX="forms_app",
        SITE_ORIGIN=None,
        PROXY_HOPS=0,
        CATALOGUE_CHECK_SECONDS=1.0,
        DATABASE_TIMEOUT=10.0,
        HEALTHZ_MIN_FREE_MB=200,
        RETENTION_DAYS=180,
        CANCELLED_GRACE_DAYS=30,
        RETENTION_AUTOMATIC=True,
        RETENTION_CHECK_SECONDS=3600,
        BACKUP_KEEP_DAYS=30,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_BODY_BYTES,
    )
    app.config.from_prefixed_env("FORMS_APP")
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(app.instance_path)
    if app.config["PROXY_HOPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_HOPS"], x_proto=app.config["PROXY_HOPS"])
    app.json.ensure_ascii = False

    db.init_app(app)
    served.init_app(app)
    filters.init_app(app)
    limits.init_app(app)
    cli.init_app(app)
    headers.init_app(app)
    outcomes.init_app(app)
    retention.init_app(app)
    messaging.init_app(app)
    verification.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(parents.bp)
    app.register_blueprint(erasure.bp)
    app.register_blueprint(api.bp)
    staff.init_app(app)
    _register_errors(app)

    @app.route("/favicon.ico")
    def favicon():
        """Browsers ask for it on every page; answer with the icon the pages name rather than a 404."""
        return redirect(url_for("static", filename="favicon.svg"), 301)

    return app


def _register_errors(app):
    messages = {
        400: "请求无效：页面可能已过期，请返回上一页刷新后重试。",
        404: "没有找到这个页面。",
        405: "这个地址不能这样访问：请从页面上的按钮或链接进入。",
        413: "提交的内容太大了：请检查填写的内容后重试。",
        429: "操作太频繁了，请稍后再试。",
    }

    def handler(error):
        message = messages[error.code]
        # A 405 says which methods would work (RFC 9110); the rest of werkzeug's headers are its English page's.
        allowed = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
        if request.path.startswith("/api/"):
            code = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 429: "rate_limited"}.get(error.code, "bad_request")
            return jsonify({"error": code, "message": message}), error.code, allowed
        # Staff who mistype or follow a stale link stay in the console, with its bar and a way back to it.
        inside = request.path.startswith("/staff/") and g.get("staff") is not None
        return render_template("staff/error.html" if inside else "error.html", message=message, code=error.code), error.code, allowed

    for code in messages:
        app.register_error_handler(code, handler)

    def unavailable(error):
        """A fault parents cannot fix: nothing was saved, say so in Chinese, and when to retry."""
        app.logger.error("database unavailable on %s %s: %s", request.method, request.path, error)
        if request.path.startswith("/api/"):
            response = jsonify({"error": "unavailable", "message": UNAVAILABLE})
        else:
            response = app.make_response(render_template("error.html", message=UNAVAILABLE))
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response

    def internal(error):
        """Never an English 500: a bug is logged with its traceback and answered in Chinese."""
        if request.path.startswith("/api/"):
            return jsonify({"error": "server_error", "message": INTERNAL}), 500
        return render_template("error.html", message=INTERNAL), 500

    app.register_error_handler(Unavailable, unavailable)
    app.register_error_handler(500, internal)


UNAVAILABLE = "系统暂时无法保存，这次操作没有生效，请稍后再试。重新提交同一份报名不会重复报名。"
INTERNAL = "系统出错了，这次操作可能没有完成：请稍后再试，或用手机号和查询码查看报名结果。"
RETRY_AFTER_SECONDS = 30
