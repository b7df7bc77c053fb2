"""The pages parents and workers use: enrol, see the result, cancel, find it again."""

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for

from programs.calendar import session_calendar
from programs.phones import normalize_mobile

from . import limits, lottery, outcomes, served, validation, verification
from .admission import ALL_OR_NONE, Refused, admit_each, admit_together, gate
from .clock import now
from .db import enrolment_or_404, get_db
from .forms import CancelForm, LookupForm, applicants_data, enrol_form, siblings_choice, submission_id
from .limits import enrol_limits, lookup_limits
from .references import normalize_code
from .storage import Unproven

bp = Blueprint("parents", __name__)


def _program_and_session(program_id, session_id):
    program, session = served.catalogue().find(program_id, session_id)
    if program is None:
        abort(404)
    return program, session


@bp.route("/enrol/<program_id>/<session_id>", methods=["GET", "POST"])
@enrol_limits
def enrol(program_id, session_id):
    program, session = _program_and_session(program_id, session_id)
    try:
        gate(program, now())
    except Refused as refused:
        if request.method == "POST":
            outcomes.refused(refused.code, program.id, session.id, "form")
        return render_template("refused.html", program=program, session=session, refused=refused), (
            409 if request.method == "POST" else 200
        )
    form = enrol_form(program)
    if not form.validate_on_submit():
        return _form_page(program, session, form, 400 if form.errors else 200)
    sent = verification.form_send(program, session, form)
    if sent is not None:
        return sent
    checked = _check_all(form, program, session)
    if checked is None:
        return _form_page(program, session, form, 422)
    page, proof = verification.form_gate(program, session, form, checked[0].phone)
    if page is not None:
        return page
    try:
        response = _enrol_family(program, session, form, checked, proof)
    except Unproven as unproven:
        return verification.form_unproven(program, session, form, unproven)
    verification.proven(proof)
    limits.checked()
    return response


def _enrol_family(program, session, form, checked, proof):
    """The answer for a family whose fields all passed, enrolled with the code `proof`."""
    submission = submission_id(form.submission.data, checked[0].phone)
    if len(checked) > 1 and siblings_choice(form) == ALL_OR_NONE:
        try:
            answered = admit_together(checked, submission, "parent", proof)[0]
        except Refused as refused:
            # Nothing was written: the form comes back as typed, the reason beside the choice.
            form.siblings.errors = [refused.message]
            return _form_page(program, session, form, 409)
        return redirect(url_for("parents.result", reference=answered[0].reference), 303)
    answered, refusals, _replayed = admit_each(checked, submission, "parent", proof)
    if not answered:
        return render_template("refused.html", program=program, session=session, refused=refusals[0]), 409
    for refused in refusals:
        flash(refused.message)
    return redirect(url_for("parents.result", reference=answered[0].reference), 303)


def _form_page(program, session, form, status):
    """The form, saying before anyone types whether a submit now would only join the waitlist."""
    lottery = program.registration.mode == "lottery"
    counts = get_db().session_counts(program.id, session.id)
    full = not lottery and counts is not None and (counts.confirmed >= counts.capacity or counts.waitlisted > 0)
    return render_template("enrol.html", program=program, session=session, form=form, counts=counts, full=full, lottery=lottery), status


def _check_all(form, program, session):
    """Applicants for every child named, or None after putting each error beside its field."""
    applicants, failed, today = [], False, now().date()
    for suffix, data in applicants_data(form, program):
        applicant, errors = validation.check(program, session, data, today)
        for field, message in errors.items():
            own = field in ("name", "birthdate") or field.startswith("answers-")
            form[field + suffix if own else field].errors = [message]
        if errors:
            outcomes.invalid(errors, program.id, session.id, "form")
        failed = failed or bool(errors)
        applicants.append(applicant)
    return None if failed else applicants


@bp.route("/r/<reference>")
def result(reference):
    enrolment = enrolment_or_404(reference)
    program, session = served.catalogue().find(enrolment.program, enrolment.session)
    others = [e for e in get_db().submission(enrolment.submission) if e.reference != reference]
    actions = [event.action for event in get_db().audit(enrolment.program, enrolment.session, enrolment.id)]
    promoted = enrolment.status == "confirmed" and any(action in ("promoted", "offer_accepted") for action in actions)
    offer_ended = enrolment.status == "cancelled" and actions[-1:] in (["offer_expired"], ["offer_declined"])
    return render_template(
        "result.html",
        enrolment=enrolment,
        program=program,
        session=session,
        others=others,
        form=CancelForm(),
        promoted=promoted,
        offer_ended=actions[-1] if offer_ended else None,
        ticket=lottery.ticket(enrolment) if program is not None and program.registration.mode == "lottery" else None,
    )


def _asked_first(reference, template):
    """(enrolment, program, question): a GET gets the page that asks first, so a family cannot
    give up a place by one stray tap and no script is needed; a POST with its form's token gets
    question None and may act."""
    enrolment = enrolment_or_404(reference)
    program, _session = served.catalogue().find(enrolment.program, enrolment.session)
    if request.method == "GET":
        return enrolment, program, render_template(template, enrolment=enrolment, program=program, form=CancelForm())
    if not CancelForm().validate_on_submit():
        abort(400)
    return enrolment, program, None


@bp.route("/r/<reference>/cancel", methods=["GET", "POST"])
def cancel(reference):
    """GET asks 确定取消吗？ on a page of its own (no script needed); only its POST cancels."""
    _enrolment, program, question = _asked_first(reference, "cancel.html")
    if question is not None:
        return question
    get_db().cancel(reference, "parent")
    flash(f"已取消这次报名，名额已让给候补的{'学员' if program and program.audience == 'workers' else '家庭'}。")
    return redirect(url_for("parents.result", reference=reference), 303)


@bp.route("/r/<reference>/accept", methods=["POST"])
def accept(reference):
    """The family takes the place offered to them; a deadline already past ends the offer instead."""
    enrolment_or_404(reference)
    if not CancelForm().validate_on_submit():
        abort(400)
    after, _passed_on = get_db().accept_offer(reference, "parent", now())
    if after.status == "confirmed":
        flash("已确认，报名成功。")
    elif after.status == "cancelled":
        flash("确认期限已过，名额已按顺序让给下一位候补。")
    return redirect(url_for("parents.result", reference=reference), 303)


@bp.route("/r/<reference>/decline", methods=["GET", "POST"])
def decline(reference):
    """GET asks 确定放弃吗？ on a page of its own, as cancel does; only its POST gives the place up."""
    enrolment, _program, question = _asked_first(reference, "decline.html")
    if question is not None:
        return question
    after, _passed_on = get_db().decline_offer(reference, "parent")
    if after.status == "cancelled" and enrolment.status == "offered":
        flash("已放弃这个名额，名额已让给下一位候补。")
    return redirect(url_for("parents.result", reference=reference), 303)


@bp.route("/r/<reference>/calendar.ics")
def calendar(reference):
    enrolment = enrolment_or_404(reference)
    program, session = served.catalogue().find(enrolment.program, enrolment.session)
    if program is None:
        abort(404)
    response = make_response(session_calendar(program, session, url_for("parents.result", reference=reference, _external=True)))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{program.id}-{session.id}.ics"'
    return response


@bp.route("/lookup", methods=["GET", "POST"])
@lookup_limits
def lookup():
    form = LookupForm()
    if not form.validate_on_submit():
        return render_template("lookup.html", form=form), 400 if form.errors else 200
    phone = normalize_mobile(form.phone.data or "")
    found = get_db().find(phone, normalize_code(form.code.data or "")) if phone else None
    if found is None:
        form.code.errors = ["手机号和查询码对不上，请核对后再试"]
        return render_template("lookup.html", form=form), 404
    return redirect(url_for("parents.result", reference=found.reference), 303)


@bp.route("/privacy")
def privacy():
    config = current_app.config
    return render_template(
        "privacy.html",
        version=validation.PRIVACY_NOTICE_VERSION,
        retention_days=config["RETENTION_DAYS"],
        grace_days=config["CANCELLED_GRACE_DAYS"],
        backup_days=config["BACKUP_KEEP_DAYS"],
    )
