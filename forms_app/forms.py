"""Flask-WTF forms: CSRF, rendering and keeping what was typed.

The rules themselves live in validation.py so the JSON API applies the same
ones; these forms only declare the fields a program's page needs.
"""

import hashlib
import json
import re
import secrets

from flask_wtf import FlaskForm
from itsdangerous import BadData
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, StringField, TelField

from .admission import ALL_OR_NONE, EACH
from .secret import signer

SIBLINGS = (2, 3)
SUBMISSION = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# A form kept open longer than this starts a new submission when sent; its CSRF token
# (an hour by default) has long expired by then anyway.
SUBMISSION_MAX_AGE = 24 * 3600


class CancelForm(FlaskForm):
    pass


class LookupForm(FlaskForm):
    phone = TelField("手机号", render_kw={"autocomplete": "tel", "inputmode": "tel"})
    code = StringField("查询码", render_kw={"autocapitalize": "characters", "autocomplete": "off"})


_form_classes = {}


def _issued(token):
    """The nonce inside a submission token this server signed, or None for anything else."""
    try:
        return signer("enrolment-submission").loads(token or "", max_age=SUBMISSION_MAX_AGE)
    except BadData:
        return None


def _scoped(*parts):
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]


def submission_id(token, phone):
    """The stored id of one form submission (siblings share it, and a resent POST finds its
    first answer by it). The server issues and signs the token; a client can neither pick it
    nor, by copying another family's, join their group: the id is also scoped by the phone.
    A token the server did not sign, or a stale one, starts a submission of its own."""
    return "form-" + _scoped(_issued(token) or secrets.token_urlsafe(16), phone)


def api_submission_id(key, body):
    """`Idempotency-Key` deduplicates a retry of the same request only: scoped by the whole
    body (phone and child included), two clients that happen to send one key stay apart."""
    if not SUBMISSION.match(key or ""):
        return "api-" + secrets.token_urlsafe(16)
    return "api-" + _scoped(key, json.dumps(body, sort_keys=True, ensure_ascii=False))


def enrol_form(program):
    """The form for this program, with a fresh server-signed submission token unless the
    browser sent back one this server issued."""
    cached = _form_classes.get(id(program))
    if cached is None or cached[0] is not program:
        if len(_form_classes) > 1000:
            _form_classes.clear()
        cached = _form_classes[id(program)] = (program, _form_class(program))
    form = cached[1]()
    if _issued(form.submission.data) is None:
        form.submission.data = signer("enrolment-submission").dumps(secrets.token_urlsafe(16))
    return form


def _form_class(program):
    """Built once per loaded program: its audience decides the person fields, its questions the rest."""
    children = program.audience == "children"

    class EnrolForm(FlaskForm):
        submission = HiddenField()
        name = StringField("孩子姓名" if children else "本人姓名", render_kw={"autocomplete": "name"})
        phone = TelField("手机号", render_kw={"autocomplete": "tel", "inputmode": "tel"})
        employer = StringField("工作单位", render_kw={"autocomplete": "organization"})
        consent = BooleanField("我已阅读并同意《个人信息保护说明》" + ("，并以监护人身份同意提供孩子的信息" if children else ""))

    if children:
        EnrolForm.birthdate = StringField("出生日期", render_kw={"type": "date"})
        EnrolForm.guardian_name = StringField("监护人姓名")
        for number in SIBLINGS:
            setattr(EnrolForm, f"name-{number}", StringField(f"第 {number} 个孩子姓名"))
            setattr(EnrolForm, f"birthdate-{number}", StringField("出生日期", render_kw={"type": "date"}))
    if children and program.registration.mode != "lottery":
        EnrolForm.siblings = RadioField(
            "报几个孩子时，如果名额不够全部报上",
            choices=[SelectChoice(EACH, "能报上的先报上，其余进入候补"), SelectChoice(ALL_OR_NONE, "名额不够全部报上时，都先不报")],
            default=EACH,
            validate_choice=False,
        )
    # Each child answers the questions for themself (lunch, allergies): the first child's fields keep
    # the plain names the API and older pages use, a sibling's carry the child's number.
    for suffix, label in [("", "")] + ([(f"-{n}", f"第 {n} 个孩子：") for n in SIBLINGS] if children else []):
        for question in program.registration.questions:
            setattr(EnrolForm, f"answers-{question.id}{suffix}", _question_field(question, label + question.label))
    return EnrolForm


def _question_field(question, label):
    if question.type == "text":
        return StringField(label)
    if question.type == "yesno":
        choices = [SelectChoice("yes", "是"), SelectChoice("no", "否")]
    else:
        choices = [SelectChoice(choice) for choice in question.choices]
    return RadioField(label, choices=choices, validate_choice=False)


def siblings_choice(form):
    """What the parent chose for siblings who do not all fit; today's rule (each in turn) unless asked."""
    return ALL_OR_NONE if "siblings" in form and form.siblings.data == ALL_OR_NONE else EACH


def applicants_data(form, program):
    """The form's fields as the mappings validation.check reads, one per child named."""
    shared = {
        "guardian_name": form.guardian_name.data if program.audience == "children" else None,
        "phone": form.phone.data,
        "employer": form.employer.data,
        "consent": form.consent.data,
    }
    questions = program.registration.questions
    people = [("", {"name": form.name.data, "birthdate": form.birthdate.data if "birthdate" in form else None})]
    if program.audience == "children":
        for number in SIBLINGS:
            name, born = form[f"name-{number}"].data, form[f"birthdate-{number}"].data
            if (name or "").strip() or (born or "").strip():
                people.append((f"-{number}", {"name": name, "birthdate": born}))
    return [
        (suffix, {**shared, **person, "answers": {q.id: form[f"answers-{q.id}{suffix}"].data for q in questions}})
        for suffix, person in people
    ]
