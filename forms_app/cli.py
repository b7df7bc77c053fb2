"""`flask --app forms_app ...` commands that operate the app: reload, migrate, backup, purge.

What staff do from a shell (accounts, the lottery draw) is forms_app/staff/cli.py.
"""
from datetime import timedelta

import click

from . import served
from .clock import now
from .db import get_db
from .storage import migrations


def init_app(app):
    @app.cli.command("reload")
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
    def migrate_command():
        """把数据库结构升级到最新版本（可重复运行，已是最新时什么也不改）。"""
        # Starting the app (any worker or command, this one included) applies pending steps; this
        # command is how to do that without serving, and says where the schema now stands.
        get_db().create_schema()
        click.echo(f"数据库结构已是最新（第 {migrations.latest()} 版）。")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, writable=True))
    def backup_command(path):
        """在报名照常进行的同时，把数据库完整备份到 PATH。"""
        try:
            get_db().backup(path)
        except NotImplementedError as other_tool:
            raise click.ClickException(str(other_tool)) from None
        click.echo(f"已备份到 {path}。恢复时停止服务，用它替换数据库文件（并删除旁边的 -wal、-shm 文件）后再启动。")

    @app.cli.command("purge")
    @click.option("--ended-before", "days", default=180, show_default=True, help="清除结束超过这么多天的班次")
    def purge_command(days):
        """清除已结束班次的个人信息（姓名、手机号、出生日期等），保留人数统计。"""
        cutoff = now().date() - timedelta(days=days)
        people = get_db().purge(cutoff, "cli:purge")
        click.echo(f"已清除 {cutoff.isoformat()} 之前结束的班次中 {people} 人的个人信息；各班次人数统计保留。")
