"""/healthz for load balancers and monitors: green only when the database can be read and written.

It writes a row every time (`Storage.ping`), so a full disk or a read-only
database turns it red (503) just as it would refuse an enrolment. `degraded`
(still HTTP 200: the app serves) reports what staff or an operator must fix
before it becomes an outage: program files that are broken (each served as its
last good version or not at all), and free space beside the SQLite file below
HEALTHZ_MIN_FREE_MB.
"""

import logging
import shutil
from pathlib import Path

from flask import Blueprint, current_app, jsonify

from . import served
from .db import get_db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def free_megabytes():
    """Free space where the SQLite file lives, or None for PostgreSQL (its disk is the server's)."""
    database = str(current_app.config["DATABASE"])
    if database.startswith(("postgresql://", "postgres://")):
        return None
    return shutil.disk_usage(Path(database).resolve().parent).free // (1024 * 1024)


@bp.get("/healthz")
def healthz():
    try:
        get_db().ping()
    except Exception:
        log.exception("health check failed")
        return jsonify({"status": "error", "message": "数据库无法读写"}), 503
    body, messages = {}, []
    problems = served.problems()
    if problems:
        messages.append("有班级文件没有通过检查")
        body["problems"] = [p.as_json() for p in problems]
    free, floor = free_megabytes(), int(current_app.config["HEALTHZ_MIN_FREE_MB"])
    if free is not None and free < floor:
        log.warning("only %d MB free beside the database (threshold %d MB)", free, floor)
        messages.append(f"数据库所在磁盘只剩 {free} MB")
        body["disk"] = {"free_mb": free, "min_free_mb": floor}
    if messages:
        return jsonify({"status": "degraded", "message": "；".join(messages), **body})
    return jsonify({"status": "ok"})
