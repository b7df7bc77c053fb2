"""`flask --app forms_app ...` commands for operators: reload, migrate, backup."""
import click

from . import catalogue
from .db import get_db
from .storage import migrations


def init_app(app):
    @app.cli.command("reload")
    def reload_command():
        """重新读取 classes/ 中的班级文件，名额变化立即生效，候补按顺序补上。"""
        loaded, promoted = catalogue.reload(app, "cli:reload")
        click.echo(loaded.summary())
        click.echo(f"候补转为报名成功：{len(promoted)} 人；运行中的服务在 1 秒内改用新的班级文件。")

    @app.cli.command("migrate")
    def migrate_command():
        """把数据库结构升级到最新版本（可重复运行，已是最新时什么也不改）。"""
        applied = get_db().create_schema()
        if applied:
            click.echo(f"已升级数据库结构：第 {'、'.join(map(str, applied))} 版。")
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
