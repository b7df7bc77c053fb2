"""Phone verification: a place counts only once a 6-digit SMS code proves the phone.

Without it, 35 API posts with made-up numbers filled a 30-place session in
0.9 s. `POST /api/verification {"phone"}` sends a code (one a minute per
phone, a few an hour per phone and per address); the form and
`POST /api/enrolments` take `code`. Only an HMAC of the code is stored; it
expires after 5 minutes and 5 wrong tries burn it. A proven phone stays proven
for this browser for VERIFIED_SECONDS in a signed cookie, so siblings and a
retry need no second code. Programs choose with `registration.verify_phone`;
VERIFY_PHONE is the deployment's default.

The code itself is sent straight from the request, not through the outbox:
the parent is waiting for it, and the outbox would have to hold it in clear.
"""

import hashlib
import hmac
import logging
import re
import secrets
from datetime import timedelta

from flask import Blueprint, after_this_request, current_app, g, jsonify, render_template, request
from itsdangerous import BadSignature

from programs.phones import mask, normalize_mobile

from .clock import now
from .db import get_db
from .messaging.senders import NotConfigured, SendFailed, from_config
from .secret import signer
from .storage import Proof

log = logging.getLogger(__name__)
bp = Blueprint("verification", __name__, url_prefix="/api")

CODE_LIFETIME = timedelta(minutes=5)
RESEND_GAP = timedelta(seconds=60)
LIMIT_WINDOW = timedelta(hours=1)
MAX_TRIES = 5
COOKIE = "phone_ok"
DEFAULTS = {"VERIFY_PHONE": True, "VERIFY_PER_PHONE": 5, "VERIFY_PER_ADDRESS": 20, "VERIFIED_SECONDS": 7200}

REFUSALS = {
    "too_soon": "验证码刚刚发过，请 1 分钟后再获取。",
    "phone_hour": "这个手机号 1 小时内获取验证码太多次了，请稍后再试。",
    "address_hour": "您所在的网络 1 小时内获取验证码太多次了，请稍后再试。",
}
PROBLEMS = {
    "missing": "请先获取短信验证码",
    "expired": "验证码已过期，请重新获取",
    "burnt": "验证码输错次数太多，已失效，请重新获取",
    "wrong": "验证码不对，请核对短信后重新输入",
}


def required(program):
    explicit = program.registration.verify_phone
    return current_app.config["VERIFY_PHONE"] if explicit is None else explicit


def _digest(*parts):
    return hmac.new(current_app.secret_key.encode(), ":".join(parts).encode(), hashlib.sha256).hexdigest()


def verified(phone):
    """Whether this browser proved `phone` (any phone, when None) within VERIFIED_SECONDS."""
    token = request.cookies.get(COOKIE)
    if not token:
        return False
    try:
        proven = signer("phone-verified").loads(token, max_age=current_app.config["VERIFIED_SECONDS"])
    except BadSignature:
        return False
    return phone is None or proven == phone


def _remember(phone):
    @after_this_request
    def set_cookie(response):
        response.set_cookie(
            COOKIE,
            signer("phone-verified").dumps(phone),
            max_age=current_app.config["VERIFIED_SECONDS"],
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
        return response


def _sender():
    sender = current_app.extensions.get("sms_sender")
    if sender is None:
        sender = current_app.extensions["sms_sender"] = from_config(current_app.config)
    return sender


def send_code(phone):
    """(HTTP status, sentence): a new code to `phone` unless a limit or the provider says no."""
    config = current_app.config
    code = f"{secrets.randbelow(10**6):06d}"
    at = now()
    limits = (RESEND_GAP, config["VERIFY_PER_PHONE"], config["VERIFY_PER_ADDRESS"], LIMIT_WINDOW)
    address = _digest("address", request.remote_addr or "unknown")
    issued = get_db().issue_code(phone, address, _digest(phone, code), at, at + CODE_LIFETIME, limits)
    if issued != "ok":
        return 429, REFUSALS[issued]
    try:
        _sender().send(phone, "code", {"code": code}, "v" + secrets.token_hex(10))
    except (NotConfigured, SendFailed) as failed:
        log.error("verification code to %s not sent: %s", mask(phone), failed)
        get_db().withdraw_code(phone, address)
        return 503, "短信暂时发不出去，请稍后再试，或联系主办方电话报名。"
    return 202, f"验证码已发送到 {mask(phone)}，5 分钟内有效。"


def proof(program, phone, code):
    """(sentence, Proof): the sentence for the code field when no enrolment should be tried;
    otherwise the Proof the enrolment must pass (`Storage.enrol`), None when the phone needs
    none (proven in this browser, or not required). The code is checked, and used up, in the
    enrolment's own transaction; `proven` afterwards remembers the phone."""
    if not required(program) or verified(phone):
        return None, None
    code = "".join(str(code or "").split())
    if not code:
        return PROBLEMS["missing"], None
    if not re.fullmatch(r"[0-9]{6}", code):
        return "验证码是 6 位数字", None
    return None, Proof(phone, _digest(phone, code), now(), MAX_TRIES)


def proven(offered):
    """After an enrolment took `offered` (a Proof or None) without Unproven: this browser has now
    proven the phone, so siblings and a retry need no second code."""
    if offered is not None:
        _remember(offered.phone)


def unproven_sentence(unproven):
    """What the code field says when `Storage.enrol` raised Unproven."""
    return PROBLEMS[unproven.reason]


@bp.post("/verification")
def create():
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict):
        return jsonify({"errors": {"body": '请以 JSON 对象提交，如 {"phone": "13800138000"}'}}), 422
    phone = normalize_mobile(str(data.get("phone") or ""))
    if phone is None:
        return jsonify({"errors": {"phone": "请填写有效的大陆手机号，如 13800138000"}}), 422
    status, message = send_code(phone)
    if status == 202:
        return jsonify(
            {
                "sent": True,
                "message": message,
                "expires_in": int(CODE_LIFETIME.total_seconds()),
                "resend_after": int(RESEND_GAP.total_seconds()),
            }
        ), 202
    code = "rate_limited" if status == 429 else "sms_unavailable"
    return jsonify({"error": code, "message": message}), status


# --- the enrolment form's two steps ------------------------------------------------------


def phone_check(program):
    """What enrol.html shows about the code: whether a field is needed, and the last sentence."""
    state = g.get("phone_check")
    if state is None:
        state = {"needed": required(program) and not verified(None), "sent": None, "error": None, "code": ""}
    return state


def _render(program, session, form, status, **state):
    g.phone_check = {"needed": True, "sent": None, "error": None, "code": request.form.get("code", ""), **state}
    return render_template("enrol.html", program=program, session=session, form=form), status


def form_send(program, session, form):
    """The form's 获取验证码 button with JavaScript off (or Enter before a code is typed): send
    the code and show the form again with everything typed kept. None when it is a plain submit."""
    if request.form.get("action") != "send_code" or request.form.get("code", "").strip():
        return None
    phone = normalize_mobile(form.phone.data or "")
    if phone is None:
        form.phone.errors = ["请先填写有效的大陆手机号，再获取验证码"]
        return _render(program, session, form, 422)
    status, message = send_code(phone)
    if status == 202:
        return _render(program, session, form, 200, sent=message + "收到后填在下面，再点“提交报名”。")
    return _render(program, session, form, status if status == 429 else 422, error=message)


def form_gate(program, session, form, phone):
    """(page, Proof): the form again when no enrolment should be tried, with the code sent
    (first submit without one) or its problem beside its field, nothing written; otherwise
    the Proof to enrol with, as `proof` gives it."""
    if not required(program) or verified(phone):
        return None, None
    if not request.form.get("code", "").strip():
        status, message = send_code(phone)
        if status == 202:
            return _render(program, session, form, 200, sent=message + "请填写验证码后再次提交。"), None
        return _render(program, session, form, status if status == 429 else 422, error=message), None
    trouble, offered = proof(program, phone, request.form.get("code"))
    return (None, offered) if trouble is None else (_render(program, session, form, 422, error=trouble), None)


def form_unproven(program, session, form, unproven):
    """The form again, everything typed kept, with why the code proved nothing beside its field."""
    return _render(program, session, form, 422, error=unproven_sentence(unproven))


def init_app(app):
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.register_blueprint(bp)
    app.add_template_global(phone_check, "phone_check")
