"""`flask --app forms_app staff|lottery ...`: what staff do, from a shell: accounts and the draw.

Commands that operate the app itself (catalogue, schema, backup, retention) are forms_app/cli.py.
"""

from dataclasses import replace

import click
from flask.cli import AppGroup

from .. import lottery, served
from ..admission import Refused
from ..cli import unavailable_is_a_message
from ..db import get_db
from . import accounts, organizers

staff = AppGroup("staff", help="工作人员账号：新建、列出、停用、改密码。")
draws = AppGroup("lottery", help="摇号。")


def _password():
    while True:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")
        problem = accounts.password_problem(password)
        if problem is None:
            return password
        click.echo(problem, err=True)


def _existing(username):
    account = get_db().staff(username)
    if account is None:
        raise click.ClickException(f"没有账号“{username}”。")
    return account


@staff.command("add")
@click.argument("username")
@click.option("--organizer", help="主办工会编号（classes/organizers.yaml），如 bj-chaoyang-wangjing；也可写全称")
@click.option("--admin", is_flag=True, help="管理员：不加 --district 时能看到所有区县所有主办工会的班")
@click.option("--district", help="和 --admin 一起用：只管这个区县（classes/organizers.yaml 的 district），如 北京市朝阳区")
@unavailable_is_a_message
def add(username, organizer, admin, district):
    """新建账号（提示输入密码）。"""
    if get_db().staff(username):
        raise click.ClickException(f"账号“{username}”已存在；改密码请用 staff passwd。")
    if not admin and not organizer:
        raise click.ClickException("请用 --organizer 指定主办工会，或用 --admin 建立管理员账号。")
    registry = served.catalogue().organizers
    if district is not None:
        district = _district(district, admin)
    if organizer and not admin:
        found = registry.resolve(organizer)
        if found is None:
            known = "、".join(f"{o.id}（{o.name}）" for o in registry.values())
            raise click.ClickException(f"classes/organizers.yaml 中没有主办工会“{organizer}”：请写其中一个编号：{known}")
        organizer = found
        if organizer not in {program.organizer_id for program in served.catalogue().programs}:
            click.echo(f"注意：目前没有主办工会为“{registry.name_of(organizer)}”的班级文件。", err=True)
    account = accounts.new_account(username, _password(), organizer, admin, district)
    get_db().save_staff(account)
    click.echo(f"已建立账号 {username}（{organizers.scope(account)}）。")


def _district(district, admin):
    """The district as organizers.yaml spells it, or a Chinese refusal naming the choices."""
    if not admin:
        raise click.ClickException("--district 只用于管理员账号：请同时写 --admin；主办工会的账号请用 --organizer。")
    known = organizers.districts()
    district = district.strip()
    if district not in known:
        listed = "、".join(known) if known else "（名单中还没有写 district 的工会）"
        raise click.ClickException(f"classes/organizers.yaml 中没有区县“{district}”：请写其中一个：{listed}")
    return district


@staff.command("list")
@unavailable_is_a_message
def list_accounts():
    """列出所有账号。"""
    for account in get_db().all_staff():
        click.echo(f"{account.username}\t{organizers.scope(account)}\t{'已停用' if account.disabled else '正常'}")


@staff.command("disable")
@click.argument("username")
@unavailable_is_a_message
def disable(username):
    """停用账号；已登录的会话立即失效。"""
    account = _existing(username)
    get_db().save_staff(replace(account, disabled=True))
    click.echo(f"已停用账号 {username}。")


@staff.command("passwd")
@click.argument("username")
@unavailable_is_a_message
def passwd(username):
    """重设密码（也会重新启用已停用的账号）；已登录的会话立即失效。"""
    account = _existing(username)
    get_db().save_staff(accounts.with_password(account, _password()))
    click.echo(f"已为 {username} 设置新密码。")


@draws.command("draw")
@click.argument("program_id")
@click.argument("session_id")
@unavailable_is_a_message
def draw(program_id, session_id):
    """报名截止后对一个班次公开摇号；重复运行不改变结果。"""
    program, session = served.catalogue().find(program_id, session_id)
    if program is None:
        raise click.ClickException(f"没有班次 {program_id} / {session_id}。")
    try:
        record, fresh, settled = lottery.draw(program, session, "cli:lottery")
    except Refused as refused:
        raise click.ClickException(refused.message) from None
    click.echo(("摇号完成。" if fresh else "这个班次已经摇过号，结果不变。") + lottery.settled_message(settled))
    click.echo(f"种子：{record['seed']}\n承诺值：{record['commitment']}")
    click.echo(f"中签 {len(record['confirmed'])} 人：{' '.join(record['confirmed'])}")
    click.echo(f"候补 {len(record['waitlisted'])} 人（按顺序）：{' '.join(record['waitlisted'])}")


def init_app(app):
    app.cli.add_command(staff)
    app.cli.add_command(draws)
