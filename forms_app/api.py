"""The JSON API: live places for the catalogue, enrolment for other clients.

It enrols through the same validation and admission code as the form and
answers with the same Chinese sentences, under stable machine-readable codes.
"""

from flask import Blueprint, abort, current_app, jsonify, request

from . import limits, lottery, outcomes, served, validation, verification
from .admission import Refused, admit, gate
from .availability import availability as live_places
from .clock import now
from .db import enrolment_or_404, get_db
from .forms import api_submission_id
from .limits import enrol_limits
from .openapi import spec

bp = Blueprint("api", __name__, url_prefix="/api")
AVAILABILITY_MAX_AGE = 5


def _error(status, code, message):
    return jsonify({"error": code, "message": message}), status


def enrolment_json(enrolment, program, session):
    body = {
        "reference": enrolment.reference,
        "code": enrolment.code,
        "status": enrolment.status,
        "position": enrolment.position,
        "program": enrolment.program,
        "session": enrolment.session,
    }
    if enrolment.status == "offered":
        body["offer_expires_at"] = enrolment.offer_expires_at
    if program is not None:
        body.update(
            program_title=program.title,
            session_name=session.name,
            start=session.start.isoformat(),
            end=session.end.isoformat(),
            days=session.days,
            time=session.time,
            location={"name": program.location.name, "address": program.location.address},
            contact={"name": program.contact.name, "phone": program.contact.phone},
        )
    # Only a lottery program has tickets; first-come answers skip the lookup at a rush.
    ticket = lottery.ticket(enrolment) if program is not None and program.registration.mode == "lottery" else None
    if ticket:
        body["ticket"] = ticket
    return body


@bp.get("/availability")
def availability():
    response = jsonify(live_places(served.catalogue(), get_db().counts(), now()))
    response.headers["Cache-Control"] = f"public, max-age={AVAILABILITY_MAX_AGE}"
    origin = current_app.config.get("SITE_ORIGIN")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")
    return response


@bp.post("/enrolments")
@enrol_limits
def create():
    if not request.is_json:
        return _error(415, "unsupported_media_type", "请以 JSON 提交（Content-Type: application/json）")
    data = request.get_json(silent=True)
    if data is None:
        return _error(400, "bad_json", "JSON 格式错误，无法解析")
    if not isinstance(data, dict):
        return jsonify({"errors": {"body": "请求体应为 JSON 对象"}}), 422
    program, session = served.catalogue().find(str(data.get("program")), str(data.get("session")))
    if program is None:
        abort(404)
    try:
        gate(program, now())
    except Refused as refused:
        outcomes.refused(refused.code, program.id, session.id, "api")
        return _error(409, refused.code, refused.message)
    applicant, errors = validation.check(program, session, data, now().date())
    unproven = None if errors else verification.problem(program, applicant.phone, data.get("code"))
    if unproven:
        errors = {"code": unproven}
    if errors:
        outcomes.invalid(errors, program.id, session.id, "api")
        return jsonify({"errors": errors}), 422
    limits.checked()
    submission = api_submission_id(request.headers.get("Idempotency-Key", ""), data)
    try:
        enrolment, replayed = admit(applicant, submission, "api")
    except Refused as refused:
        return _error(409, refused.code, refused.message)
    return jsonify(enrolment_json(enrolment, program, session)), 200 if replayed else 201


@bp.errorhandler(404)
def not_found(_error_):
    return _error(404, "not_found", "没有找到：班、班次或报名记录不存在")


@bp.get("/enrolments/<reference>")
def show(reference):
    enrolment = enrolment_or_404(reference)
    return jsonify(enrolment_json(enrolment, *served.catalogue().find(enrolment.program, enrolment.session)))


@bp.post("/enrolments/<reference>/cancel")
def cancel(reference):
    enrolment_or_404(reference)
    enrolment, _promoted = get_db().cancel(reference, "api")
    return jsonify(enrolment_json(enrolment, *served.catalogue().find(enrolment.program, enrolment.session)))


@bp.get("/openapi.json")
def openapi():
    return jsonify(spec())
