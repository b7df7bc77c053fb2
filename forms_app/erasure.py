"""A parent asks, from the result page, for their and their child's data to be deleted.

The result page's link is a secret, but it may have been forwarded: deleting
also asks for the phone number and the 查询码, and an explicit confirmation,
under CSRF and the lookup's rate limits (a wrong guess counts as one). The
enrolment is cancelled if it was live, so its place goes to the next in line,
and every personal field is cleared at once; the audit log records that it
happened, not who it was.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TelField

from programs.phones import normalize_mobile

from . import served
from .db import enrolment_or_404, get_db
from .limits import lookup_limits
from .references import normalize_code
from .storage.records import PURGED

bp = Blueprint("erasure", __name__)


class EraseForm(FlaskForm):
    phone = TelField("手机号", render_kw={"autocomplete": "tel", "inputmode": "tel"})
    code = StringField("查询码", render_kw={"autocapitalize": "characters", "autocomplete": "off"})
    confirm = BooleanField("我确认删除：报名会被取消，姓名、手机号等信息立即清除，不能恢复")


@bp.route("/r/<reference>/erase", methods=["GET", "POST"])
@lookup_limits
def erase(reference):
    enrolment = enrolment_or_404(reference)
    program, _session = served.catalogue().find(enrolment.program, enrolment.session)
    form = EraseForm()
    if enrolment.name.startswith(PURGED):
        return render_template("erase.html", enrolment=enrolment, program=program, form=form, erased=True)
    if not form.validate_on_submit():
        return render_template("erase.html", enrolment=enrolment, program=program, form=form), 400 if form.errors else 200
    phone = normalize_mobile(form.phone.data or "")
    if not phone or phone != enrolment.phone or normalize_code(form.code.data or "") != enrolment.code:
        form.code.errors = ["手机号和查询码对不上，请核对后再试"]
        return render_template("erase.html", enrolment=enrolment, program=program, form=form), 404
    if not form.confirm.data:
        form.confirm.errors = ["请勾选确认后再删除"]
        return render_template("erase.html", enrolment=enrolment, program=program, form=form), 422
    get_db().erase(reference, "parent")
    flash("已取消这次报名，并删除了您和孩子的个人信息。")
    return redirect(url_for("parents.result", reference=reference), 303)
