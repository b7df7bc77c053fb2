"""Data tasks from the browser, for the district admin: what retention will clear and clearing it now,
and whether backups are being taken, so nobody needs `flask purge --dry-run` or `ls` on the server.

The purge runs the very transactions the daily automatic run and `flask --app forms_app purge` run
(Storage.purge and purge_cancelled), with the same cut-offs (retention.cutoffs), after a confirmation
step. It clears many organizers' data at once, so only an admin sees this page; others get the
console's 404. An admin limited to a district previews and clears only its district's programs
(access.py decides which). Backup status reads the folder FORMS_APP_BACKUP_DIR names, where the scheduled
`flask --app forms_app backup` writes its dated files.
"""

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm

from .. import backups, retention
from ..clock import now
from ..db import get_db
from . import access
from .auth import actor
from .confirm import unless_confirmed

bp = Blueprint("staff_data", __name__, url_prefix="/staff/data", template_folder="templates")
STALE_HOURS = 26  # a daily backup that is later than this has stopped


def _admin_only():
    if not g.staff.admin:
        abort(404)


def _scope():
    """The program ids this admin's purge covers: None (all, deleted programs' rows too) for the federation."""
    return None if access.federation(g.staff) else {program.id for program in access.programs()}


def _backup_status():
    folder = current_app.config.get("BACKUP_DIR")
    if not folder:
        return {"folder": None}
    found = backups.latest(folder)
    if found is None:
        return {"folder": folder, "latest": None}
    path, at, size, count = found
    stale = now().replace(tzinfo=None) - at > timedelta(hours=STALE_HOURS)
    return {"folder": folder, "latest": path.name, "at": at, "size": size, "count": count, "stale": stale}


@bp.route("/")
def index():
    _admin_only()
    config = current_app.config
    ended_before, cancelled_before = retention.cutoffs(config)
    scope = _scope()
    preview = [row for row in get_db().purge_preview(ended_before, cancelled_before) if scope is None or row[0] in scope]
    return render_template(
        "staff/data.html",
        days=config["RETENTION_DAYS"],
        grace=config["CANCELLED_GRACE_DAYS"],
        automatic=config["RETENTION_AUTOMATIC"],
        keep_days=config["BACKUP_KEEP_DAYS"],
        ended_before=ended_before,
        cancelled_before=cancelled_before,
        preview=preview,
        ended=sum(row[2] for row in preview),
        cancelled=sum(row[3] for row in preview),
        backup=_backup_status(),
        form=FlaskForm(),
    )


@bp.post("/purge")
def purge():
    _admin_only()
    if not FlaskForm().validate_on_submit():
        abort(400)
    ended_before, cancelled_before = retention.cutoffs(current_app.config)
    asked = unless_confirmed(
        "确定现在清除这些个人信息吗？",
        f"{ended_before.isoformat()} 之前结束的班次和 {cancelled_before.strftime('%Y-%m-%d %H:%M')} 之前取消的报名，"
        "孩子的姓名、手机号、出生日期、监护人、工作单位和填写的内容会被永久清除，不能恢复；人数统计和操作记录保留。",
        url_for("staff_data.index"),
    )
    if asked:
        return asked
    people = get_db().purge(ended_before, actor(), programs=_scope())
    cancelled = get_db().purge_cancelled(cancelled_before, actor(), programs=_scope())
    flash(f"已清除：已结束班次中 {people} 人、已取消报名中 {cancelled} 人的个人信息；各班次人数统计保留。")
    return redirect(url_for("staff_data.index"), 303)
