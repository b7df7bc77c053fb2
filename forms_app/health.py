"""/healthz for load balancers and monitors: green only when the database can be read and written."""
import logging

from flask import Blueprint, jsonify

from .db import get_db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    try:
        get_db().ping()
    except Exception:
        log.exception("health check failed")
        return jsonify({"status": "error", "message": "数据库无法读写"}), 503
    return jsonify({"status": "ok"})
