"""Daily check-in on a phone, and the A4 sign-in sheet to print for the door.

Only children with a confirmed place are expected; a tap posts one small
form, so the page works without JavaScript on any phone browser.
"""

from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from ..db import get_db
from . import access
from .auth import actor

bp = Blueprint("staff_attendance", __name__, url_prefix="/staff", template_folder="templates")


class MarkForm(FlaskForm):
    pass


def _day_or_404(session, day):
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if wanted not in session.class_dates():
        abort(404)
    return wanted


def _expected(program, session):
    return [e for e in get_db().roster(program.id, session.id) if e.status == "confirmed"]


@bp.route("/sessions/<program_id>/<session_id>/attendance")
def days(program_id, session_id):
    program, session = access.session_or_404(program_id, session_id)
    expected = _expected(program, session)
    marks = get_db().attendance(program.id, session.id)
    present = {day: sum(1 for e in expected if marks.get((e.id, day.isoformat()))) for day in session.class_dates()}
    return render_template("staff/days.html", program=program, session=session, expected=expected, present=present)


@bp.route("/sessions/<program_id>/<session_id>/attendance/<day>")
def check_in(program_id, session_id, day):
    program, session = access.session_or_404(program_id, session_id)
    wanted = _day_or_404(session, day)
    marks = get_db().attendance(program.id, session.id)
    children = [(e, marks.get((e.id, wanted.isoformat()))) for e in _expected(program, session)]
    return render_template("staff/check_in.html", program=program, session=session, day=wanted, children=children, form=MarkForm())


@bp.post("/sessions/<program_id>/<session_id>/attendance/<day>/<int:enrolment_id>")
def mark(program_id, session_id, day, enrolment_id):
    program, session = access.session_or_404(program_id, session_id)
    wanted = _day_or_404(session, day)
    enrolment = access.roster_entry_or_404(program, session, enrolment_id)
    if not MarkForm().validate_on_submit() or enrolment.status != "confirmed":
        abort(400)
    get_db().mark_attendance(enrolment.reference, wanted.isoformat(), request.form.get("present") == "1", actor())
    target = url_for("staff_attendance.check_in", program_id=program.id, session_id=session.id, day=wanted.isoformat())
    return redirect(f"{target}#e{enrolment.id}", 303)


@bp.route("/sessions/<program_id>/<session_id>/attendance/<day>/sheet")
def sheet(program_id, session_id, day):
    program, session = access.session_or_404(program_id, session_id)
    wanted = _day_or_404(session, day)
    return render_template("staff/sheet.html", program=program, session=session, day=wanted, children=_expected(program, session))
