"""/healthz for load balancers and monitors: green only when the database can be read and written.

`degraded` (still HTTP 200, the app serves) lists program files that are broken:
each is served as its last good version or not at all, and staff must fix it.
"""
import logging

from flask import Blueprint, jsonify

from . import served
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
    problems = served.problems()
    if problems:
        return jsonify({"status": "degraded", "message": "有班级文件没有通过检查", "problems": [p.as_json() for p in problems]})
    return jsonify({"status": "ok"})
