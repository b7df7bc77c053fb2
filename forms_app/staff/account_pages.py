"""Accounts from the browser: an admin creates, disables and resets organizer accounts at
/staff/accounts; everyone changes their own password. The federation-wide admin manages every
account and alone makes admins, federation-wide or limited to one district of
classes/organizers.yaml; a district admin manages only its district's unions' accounts
(access.may_manage), and every other account is the console's 404 to it.

The shell commands (cli.py) still work. Each change is an audit event in a
scope of its own (ACCOUNTS, not a program id, so it can never collide with
one) and listed on the accounts page. A password change or a disable ends
that account's open sessions at once (auth.py fingerprints the hash); the
admin cannot disable their own account, so nobody locks the district out.
"""

import re
from dataclasses import replace

from flask import Blueprint, abort, flash, g, redirect, render_template, session, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField

from ..db import get_db
from . import access, accounts, organizers
from .auth import actor
from .confirm import unless_confirmed

bp = Blueprint("staff_accounts", __name__, url_prefix="/staff", template_folder="templates")

ACCOUNTS = ":accounts"  # the events' program column for account changes: never a valid program id
USERNAME = re.compile(r"^[^\s/]{1,40}$")


class NewAccountForm(FlaskForm):
    username = StringField("用户名", render_kw={"autocapitalize": "off", "autocomplete": "off"})
    organizer = SelectField("主办工会", validate_choice=False)
    admin = BooleanField("管理员（不属于某个主办工会，能看到下面所选范围内所有主办工会的班）")
    district = SelectField("管理员的范围", validate_choice=False)
    password = PasswordField("初始密码（至少 10 个字符，当面或电话告诉本人）", render_kw={"autocomplete": "new-password"})


class ResetForm(FlaskForm):
    password = PasswordField("新密码（至少 10 个字符）", render_kw={"autocomplete": "new-password"})


class ActionForm(FlaskForm):
    pass


class OwnPasswordForm(FlaskForm):
    current = PasswordField("现在的密码", render_kw={"autocomplete": "current-password"})
    password = PasswordField("新密码（至少 10 个字符）", render_kw={"autocomplete": "new-password"})
    again = PasswordField("再输入一次新密码", render_kw={"autocomplete": "new-password"})


def _admin_only():
    if not g.staff.admin:
        abort(404)


def _choices():
    """The unions this admin may make an account for."""
    listed = organizers.choices()
    if not listed:
        from .. import served  # no organizers.yaml: the unions the program files name

        listed = sorted({(p.organizer_id, p.organizer) for p in served.catalogue().programs})
    return [(value, label) for value, label in listed if access.may_act_for(g.staff, value)]


def _district_choices():
    return [("", "总管理员（全部区县）")] + [(d, f"区总工会管理员（{d}）") for d in organizers.districts()]


def _audit(action, username, **detail):
    get_db().log(ACCOUNTS, "", None, action, actor(), {"username": username, **detail})


def _account_or_404(username):
    account = get_db().staff(username)
    if account is None:
        abort(404)
    return account


def _page(form, status=200):
    people = [person for person in get_db().all_staff() if access.may_manage(g.staff, person)]
    shown = {person.username for person in people}
    events = [e for e in reversed(get_db().audit(ACCOUNTS, "")) if access.federation(g.staff) or e.detail.get("username") in shown]
    return render_template(
        "staff/accounts.html",
        form=form,
        people=people,
        federation=access.federation(g.staff),
        action=ActionForm(),
        reset=ResetForm(),
        events=events[:100],
    ), status


@bp.route("/accounts", methods=["GET", "POST"])
def index():
    _admin_only()
    form = NewAccountForm()
    form.organizer.choices = [("", "请选择")] + _choices()
    form.district.choices = _district_choices()
    if not form.is_submitted():
        return _page(form)
    if not form.validate():
        if form.csrf_token.errors:
            abort(400)
    username = (form.username.data or "").strip()
    known = {value for value, _ in form.organizer.choices if value}
    if not USERNAME.match(username):
        form.username.errors = ["用户名要写 1 到 40 个字符，不能有空格或“/”，如 wangjing-zhang。"]
    elif get_db().staff(username):
        form.username.errors = [f"账号“{username}”已存在：要重设密码请在下面的列表里操作。"]
    district = (form.district.data or "") if form.admin.data else ""
    if form.admin.data and not access.federation(g.staff):
        form.organizer.errors = [f"只有总管理员能建立管理员账号；你能为{g.staff.district}的主办工会建立账号。"]
    elif form.admin.data and district and district not in organizers.districts():
        form.district.errors = ["请从列表中选择管理员的范围：全部区县或其中一个区县。"]
    elif not form.admin.data and form.organizer.data not in known:
        form.organizer.errors = ["请从列表中选择这个账号所属的主办工会。"]
    problem = accounts.password_problem(form.password.data or "")
    if problem:
        form.password.errors = [problem]
    if form.username.errors or form.organizer.errors or form.district.errors or form.password.errors:
        return _page(form, 400)
    organizer = None if form.admin.data else form.organizer.data
    made = accounts.new_account(username, form.password.data, organizer, form.admin.data, district or None)
    get_db().save_staff(made)
    _audit("staff_account_created", username, organizer=organizer, admin=bool(form.admin.data), district=made.district)
    flash(f"已建立账号 {username}（{organizers.scope(made)}）。")
    return redirect(url_for("staff_accounts.index"), 303)


@bp.post("/accounts/<username>/disable")
def disable(username):
    account = _acted_on(username, ActionForm())
    if account.username == g.staff.username:
        flash("不能停用自己正在使用的账号。")
        return redirect(url_for("staff_accounts.index"), 303)
    asked = unless_confirmed(
        f"确定停用账号 {username} 吗？", "停用后这个账号立即退出，不能再登录；重设密码会重新启用。", url_for("staff_accounts.index")
    )
    if asked:
        return asked
    return _saved(replace(account, disabled=True), "staff_account_disabled", f"已停用账号 {username}。")


@bp.post("/accounts/<username>/reset")
def reset(username):
    form = ResetForm()
    account = _acted_on(username, form)
    problem = accounts.password_problem(form.password.data or "")
    if problem:
        flash(f"没有重设 {username} 的密码：{problem}")
        return redirect(url_for("staff_accounts.index"), 303)
    changed = accounts.with_password(account, form.password.data)
    return _saved(changed, "staff_password_reset", f"已为 {username} 设置新密码，账号已启用；原来登录的页面都已退出。")


def _acted_on(username, form):
    """The account an admin's change is for, after the admin, scope, existence and CSRF checks."""
    _admin_only()
    account = _account_or_404(username)
    if not access.may_manage(g.staff, account):
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    return account


def _saved(account, action, message):
    get_db().save_staff(account)
    _audit(action, account.username)
    flash(message)
    return redirect(url_for("staff_accounts.index"), 303)


@bp.route("/password", methods=["GET", "POST"])
def own_password():
    form = OwnPasswordForm()
    if not form.is_submitted():
        return render_template("staff/password.html", form=form)
    if not form.validate():
        abort(400)
    if accounts.check(g.staff, form.current.data or "") is None:
        form.current.errors = ["现在的密码不对。"]
    problem = accounts.password_problem(form.password.data or "")
    if problem:
        form.password.errors = [problem]
    elif form.password.data != form.again.data:
        form.again.errors = ["两次输入的新密码不一样。"]
    if form.current.errors or form.password.errors or form.again.errors:
        return render_template("staff/password.html", form=form), 400
    get_db().save_staff(accounts.with_password(g.staff, form.password.data))
    _audit("staff_password_changed", g.staff.username)
    session.clear()
    flash("密码已修改。请用新密码重新登录；其他设备上登录的页面也已退出。")
    return redirect(url_for("staff_auth.login"), 303)
