"""`flask --app forms_app ...` commands that operate the app: reload, migrate, backup, purge.

What staff do from a shell (accounts, the lottery draw) is forms_app/staff/cli.py.
"""

import functools
from datetime import timedelta

import click

from . import backups, retention, served
from .clock import now
from .db import get_db
from .storage import Unavailable, migrations


def unavailable_is_a_message(command):
    """An operator's command on a database that cannot be written says so in one Chinese line
    and exits 1, instead of a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except Unavailable as error:
            raise click.ClickException(
                f"数据库暂时无法读写，没有做任何改动：{error}。请检查磁盘空间、文件权限或数据库服务后再试。"
            ) from None

    return run


def init_app(app):
    @app.cli.command("reload")
    @unavailable_is_a_message
    def reload_command():
        """重新读取 classes/ 中的班级文件，名额变化立即生效，候补按顺序补上。"""
        loaded, problems, promoted = served.reload(app, "cli:reload")
        if not problems:
            click.echo(loaded.summary())
        else:
            sessions = sum(len(p.sessions) for p in loaded.programs)
            click.echo(f"正在报名的班：{len(loaded.programs)} 个，{sessions} 个班次。")
        click.echo(f"候补转为报名成功：{len(promoted)} 人；运行中的服务在 1 秒内改用新的班级文件。")
        if problems:
            for problem in problems:
                for issue in problem.issues:
                    click.echo(str(issue), err=True)
            kept = [p.program for p in problems if p.last_good]
            dropped = [p.path for p in problems if not p.last_good]
            click.echo(f"{sum(len(p.issues) for p in problems)} 个问题，请改正后再运行 reload。", err=True)
            if kept:
                click.echo(f"这些班仍按上次通过检查的版本报名：{'、'.join(kept)}", err=True)
            if dropped:
                click.echo(f"这些文件从未通过检查，暂不报名：{'、'.join(dropped)}", err=True)
            raise SystemExit(1)

    @app.cli.command("migrate")
    @unavailable_is_a_message
    def migrate_command():
        """把数据库结构升级到最新版本（可重复运行，已是最新时什么也不改）。"""
        # Starting the app (any worker or command, this one included) applies pending steps; this
        # command is how to do that without serving, and says where the schema now stands.
        get_db().create_schema()
        click.echo(f"数据库结构已是最新（第 {migrations.latest()} 版）。")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(writable=True))
    @click.option(
        "--prune",
        "keep_days",
        type=int,
        default=None,
        help="删除 PATH 所在目录中早于这么多天的带日期备份（默认 FORMS_APP_BACKUP_KEEP_DAYS，0 表示不删）",
    )
    @unavailable_is_a_message
    def backup_command(path, keep_days):
        """在报名照常进行的同时，把数据库完整备份到 PATH；PATH 是目录时写成 forms-日期-时间.sqlite3。"""
        target = backups.target(path, now())
        try:
            get_db().backup(str(target))
        except NotImplementedError as other_tool:
            raise click.ClickException(str(other_tool)) from None
        click.echo(f"已备份到 {target}。恢复时停止服务，用它替换数据库文件（并删除旁边的 -wal、-shm 文件）后再启动。")
        keep_days = app.config["BACKUP_KEEP_DAYS"] if keep_days is None else keep_days
        if keep_days:
            for old in backups.prune(target.parent, now().date() - timedelta(days=int(keep_days)), keep=target):
                click.echo(f"已删除 {keep_days} 天前的备份 {old}")

    @app.cli.command("purge")
    @click.option("--ended-before", "days", type=int, default=None, help="清除结束超过这么多天的班次（默认 FORMS_APP_RETENTION_DAYS，180）")
    @click.option(
        "--cancelled-before", "grace", type=int, default=None, help="清除取消超过这么多天的报名（默认 FORMS_APP_CANCELLED_GRACE_DAYS，30）"
    )
    @click.option("--dry-run", is_flag=True, help="只列出会清除哪些班次的多少人，不做改动")
    @unavailable_is_a_message
    def purge_command(days, grace, dry_run):
        """清除已结束班次和已取消报名的个人信息（姓名、手机号、出生日期等），保留人数统计。"""
        ended_before, cancelled_before = retention.cutoffs(app.config, days=days, grace=grace)
        cancelled_text = cancelled_before.strftime("%Y-%m-%d %H:%M")
        if dry_run:
            preview = get_db().purge_preview(ended_before, cancelled_before)
            for program, session, ended, cancelled in preview:
                click.echo(f"{program}/{session}：班次已结束 {ended} 人，已取消 {cancelled} 人")
            ended = sum(row[2] for row in preview)
            cancelled = sum(row[3] for row in preview)
            click.echo(
                f"（试运行，没有改动）将清除 {ended_before.isoformat()} 之前结束的班次中 {ended} 人、"
                f"{cancelled_text} 之前取消的 {cancelled} 人的个人信息。"
            )
            return
        people = get_db().purge(ended_before, "cli:purge")
        cancelled = get_db().purge_cancelled(cancelled_before, "cli:purge")
        click.echo(f"已清除 {ended_before.isoformat()} 之前结束的班次中 {people} 人的个人信息；各班次人数统计保留。")
        click.echo(f"已清除 {cancelled_text} 之前取消的 {cancelled} 人的个人信息。")
