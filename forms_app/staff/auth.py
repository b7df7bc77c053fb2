"""Staff login, logout, and the guard that keeps every other /staff/ page behind them.

A session names the account, a fingerprint of its password hash and the
account's generation, so changing the password, disabling the account or
logging out ends every open session at once, a copied cookie included.
Failed logins count per account and address together, and per address across
accounts, in the shared rate-limit store: a few quick failures slow an
attacker down, more lock that address out of the account (or out of the
console) for the hour, whatever password comes next. Guessing from elsewhere
never locks the owner out of their own account.
"""

import hashlib
import time

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from ..db import get_db
from ..limits import Rule, address_key, limited
from . import accounts

bp = Blueprint("staff_auth", __name__, url_prefix="/staff", template_folder="templates")

PER_ACCOUNT = "5/minute;10/hour"
PER_ADDRESS = "20/minute;50/hour"
SESSION_HOURS = 12
OPEN_TO_ALL = {"staff_auth.login"}


class LoginForm(FlaskForm):
    username = StringField("用户名", render_kw={"autocomplete": "username", "autocapitalize": "off"})
    password = PasswordField("密码", render_kw={"autocomplete": "current-password"})


def _fingerprint(account):
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:32]


def _account_key():
    return "staff-login:" + (request.form.get("username") or "").strip().lower() + "@" + address_key()


def _failed(response):
    return response.status_code == 401


@bp.errorhandler(429)
def _locked(_error):
    form = LoginForm()
    form.username.errors = ["登录失败次数过多，已暂时锁定。请一小时后再试，或联系区总工会管理员。"]
    return render_template("staff/login.html", form=form), 429


@bp.route("/login", methods=["GET", "POST"])
@limited("staff-login", Rule(PER_ADDRESS, address_key, _failed), Rule(PER_ACCOUNT, _account_key, _failed))
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("staff/login.html", form=form), 400 if form.errors else 200
    username = (form.username.data or "").strip()
    stored = get_db().staff(username)
    account = accounts.check(stored, form.password.data or "")
    if account is None:
        form.password.errors = ["用户名或密码错误。"]
        return render_template("staff/login.html", form=form), 401
    if account is not stored:
        get_db().save_staff(account)
    session.clear()
    session.update(staff=account.username, staff_key=_fingerprint(account), staff_gen=account.generation, staff_since=time.time())
    return redirect(url_for("staff.dashboard"), 303)


@bp.post("/logout")
def logout():
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("staff.dashboard"), 303)
    get_db().end_sessions(g.staff.username)
    session.clear()
    flash("已退出登录。")
    return redirect(url_for("staff_auth.login"), 303)


def current_account():
    """The logged-in, still enabled account whose password has not changed since, or None."""
    username = session.get("staff")
    if not username or time.time() - session.get("staff_since", 0) > SESSION_HOURS * 3600:
        return None
    account = get_db().staff(username)
    if account is None or account.disabled or session.get("staff_key") != _fingerprint(account):
        return None
    if session.get("staff_gen") != account.generation:
        return None
    return account


def guard():
    """Runs before every request: nothing under /staff/ answers a stranger but the login page."""
    if not request.path.startswith("/staff/") and request.path != "/staff":
        return None
    if request.endpoint in OPEN_TO_ALL:
        return None
    g.staff = current_account()
    if g.staff is None:
        session.pop("staff", None)
        return redirect(url_for("staff_auth.login"), 303)
    return None


@bp.app_context_processor
def logout_form():
    """Every console page carries the logout button, which posts with a CSRF token."""
    return {"logout_form": FlaskForm()} if g.get("staff") else {}


def actor():
    return f"staff:{g.staff.username}"
