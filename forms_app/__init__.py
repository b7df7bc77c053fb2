"""Enrolment for the unions' holiday childcare and night classes.

Run it with `flask --app forms_app run` for development; production runs
several gunicorn workers against one SQLite file (see docs/enrolment.md).
"""
import os
from pathlib import Path

from flask import Flask, jsonify, render_template, request
from werkzeug.middleware.proxy_fix import ProxyFix

from . import api, cli, db, filters, headers, health, limits, messaging, outcomes, parents, served, staff, verification
from .secret import instance_secret

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAX_BODY_BYTES = 64 * 1024


def create_app(test_config=None):
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
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
    messaging.init_app(app)
    verification.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(parents.bp)
    app.register_blueprint(api.bp)
    staff.init_app(app)
    _register_errors(app)

    @app.after_request
    def private_by_default(response):
        """Pages carry children's data; only responses that say otherwise may be cached."""
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def _register_errors(app):
    messages = {
        400: "请求无效：页面可能已过期，请返回上一页刷新后重试。",
        404: "没有找到这个页面。",
        413: "提交的内容太大了：请检查填写的内容后重试。",
        429: "操作太频繁了，请稍后再试。",
    }

    def handler(error):
        message = messages[error.code]
        if request.path.startswith("/api/"):
            code = {404: "not_found", 413: "too_large", 429: "rate_limited"}.get(error.code, "bad_request")
            return jsonify({"error": code, "message": message}), error.code
        return render_template("error.html", message=message), error.code

    for code in messages:
        app.register_error_handler(code, handler)
