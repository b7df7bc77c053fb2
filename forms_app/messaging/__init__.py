"""Messages that really go out: senders (senders.py), the fixed texts (texts.py) and
the worker that reads the outbox (worker.py).

Also here: the short result link an SMS carries (/s/<token>), and, only when
DEV_MESSAGES is set (as `make run` does), the development page /dev/messages
that shows what the development sender would have sent.
"""

from pathlib import Path

import click
from flask import Blueprint, abort, current_app, redirect, render_template, url_for

from ..db import get_db
from .senders import NotConfigured, read_dev_messages

DEFAULTS = {
    "SMS_PROVIDER": None,
    "SMS_SIGN_NAME": "工会托管班",
    "SMS_TEMPLATES": {},
    "SMS_ENDPOINT": None,
    "SMS_ACCESS_KEY_ID": None,
    "SMS_ACCESS_KEY_SECRET": None,
    "SMS_APP_ID": None,
    "SMS_REGION": "ap-guangzhou",
    "SMS_MAX_ATTEMPTS": 5,
    "PUBLIC_URL": None,
    "REMINDER_HOUR": 10,
    "DEV_MESSAGES": False,
    "STAFF_ALERT_EMAIL": None,
    "SMTP_HOST": None,
    "SMTP_PORT": 25,
    "SMTP_FROM": None,
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": False,
}

links = Blueprint("links", __name__)
dev = Blueprint("dev_messages", __name__)


@links.route("/s/<token>")
def short_link(token):
    """The link in an SMS: a short token standing for the result page's long reference."""
    reference = get_db().link_reference(token.upper()) if len(token) <= 16 else None
    if reference is None:
        abort(404)
    return redirect(url_for("parents.result", reference=reference), 303)


@dev.route("/dev/messages")
def dev_messages():
    """Development only: the messages the development sender wrote, newest first."""
    lines = read_dev_messages(current_app.config["DEV_MESSAGES_FILE"])
    return render_template("dev_messages.html", messages=list(reversed(lines)))


def init_app(app):
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config.setdefault("DEV_MESSAGES_FILE", str(Path(app.instance_path) / "dev-messages.log"))
    app.register_blueprint(links)
    if app.config["DEV_MESSAGES"]:
        app.register_blueprint(dev)

    @app.cli.command("notify")
    @click.option("--once", is_flag=True, help="发完当前到期的短信就退出（测试和排查用）")
    @click.option("--interval", default=1.0, show_default=True, help="两次查看 outbox 之间的秒数")
    def notify_command(once, interval):
        """发送 outbox 里排队的短信（常驻进程；失败按间隔重试，多次失败后交给工作人员处理）。"""
        from .worker import Worker

        try:
            worker = Worker(app)
        except NotConfigured as missing:
            raise click.ClickException(str(missing)) from None
        if once:
            done = worker.run_once()
            click.echo(
                "已发送 {sent} 条，等待重试 {retrying} 条，放弃 {failed} 条，核实为已发送 {recovered} 条，新排开课提醒 {reminders} 条，到期未确认的名额 {expired} 个已顺延。".format(
                    **done
                )
            )
            return
        worker.run(interval)
