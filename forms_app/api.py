"""The JSON API: live places for the catalogue, enrolment for other clients.

It enrols through the same validation and admission code as the form and
answers with the same Chinese sentences, under stable machine-readable codes.
"""

from flask import Blueprint, abort, current_app, jsonify, request

from . import limits, lottery, outcomes, served, validation, verification
from .admission import ALL_OR_NONE, EACH, Refused, admit_each, admit_together, gate
from .availability import availability as live_places
from .clock import now
from .db import enrolment_or_404, get_db
from .forms import SIBLINGS, api_submission_id
from .limits import enrol_limits
from .openapi import spec
from .storage import Unproven

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
    applicants, errors = _check_family(program, session, data)
    trouble, proof = (None, None) if errors else verification.proof(program, applicants[0].phone, data.get("code"))
    if trouble:
        errors = {"code": trouble}
    try:
        response = None if errors else _enrol_family(program, session, applicants, data, proof)
    except Unproven as unproven:
        errors = {"code": verification.unproven_sentence(unproven)}
    if errors:
        outcomes.invalid(errors, program.id, session.id, "api")
        return jsonify({"errors": errors}), 422
    verification.proven(proof)
    limits.checked()
    return response


def _enrol_family(program, session, applicants, data, proof):
    """The answer for a family whose fields all passed, enrolled with the code `proof`."""
    submission = api_submission_id(request.headers.get("Idempotency-Key", ""), data)
    if len(applicants) > 1 and data.get("siblings") == ALL_OR_NONE and program.registration.mode != "lottery":
        try:
            enrolments, replayed = admit_together(applicants, submission, "api", proof)
        except Refused as refused:
            return _error(409, refused.code, refused.message)
        return _answer(enrolments, [], program, session, replayed)
    enrolments, refusals, replayed = admit_each(applicants, submission, "api", proof)
    if not enrolments:
        return _error(409, refusals[0].code, refusals[0].message)
    return _answer(enrolments, refusals, program, session, replayed)


def _answer(enrolments, refusals, program, session, replayed):
    """The first child's enrolment, as for one child; siblings' own enrolments (and any refused) beside it."""
    body = enrolment_json(enrolments[0], program, session)
    if len(enrolments) > 1 or refusals:
        body["others"] = [enrolment_json(e, program, session) for e in enrolments[1:]]
        if refusals:
            body["refused"] = [{"error": r.code, "message": r.message} for r in refusals]
    return jsonify(body), 200 if replayed else 201


def _check_family(program, session, data):
    """(applicants, errors): the first child from the body itself, each of `children` sharing its
    guardian, phone and employer; a sibling's errors are named as the form names them (`name-2`)."""
    children, choice = data.get("children", []), data.get("siblings", EACH)
    errors = {}
    if not isinstance(children, list) or len(children) > len(SIBLINGS) or not all(isinstance(c, dict) for c in children):
        errors["children"] = f"children 应为最多 {len(SIBLINGS)} 个孩子的列表，每个孩子写 name、birthdate 和 answers"
    elif children and program.audience != "children":
        errors["children"] = "这个班面向职工本人，每次只能报一人"
    if choice not in (EACH, ALL_OR_NONE):
        errors["siblings"] = "siblings 只能是 each（能报上的先报上，其余候补）或 all_or_none（名额不够全部报上时都先不报）"
    if errors:
        return [], errors
    applicants = []
    for suffix, person in [("", {})] + [(f"-{n}", c) for n, c in zip(SIBLINGS, children, strict=False)]:
        fields = {key: person.get(key) for key in ("name", "birthdate", "answers")} if suffix else {}
        applicant, own = validation.check(program, session, {**data, **fields}, now().date())
        for field, message in own.items():
            if field in ("name", "birthdate") or field.startswith("answers-"):
                errors[field + suffix] = message
            elif not suffix:  # shared fields are the first child's: said once
                errors[field] = message
        applicants.append(applicant)
    return applicants, errors


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
