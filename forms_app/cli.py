"""`flask --app forms_app ...` commands; staff, lottery, purge and backup slot in here later."""
import click

from . import catalogue


def init_app(app):
    @app.cli.command("reload")
    def reload_command():
        """重新读取 classes/ 中的班级文件，名额变化立即生效，候补按顺序补上。"""
        loaded, promoted = catalogue.reload(app, "cli:reload")
        click.echo(loaded.summary())
        click.echo(f"候补转为报名成功：{len(promoted)} 人；运行中的服务在 1 秒内改用新的班级文件。")
