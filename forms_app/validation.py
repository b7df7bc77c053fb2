"""The rules for one applicant, shared by the HTML form and the JSON API.

Input is a plain mapping (JSON, or form fields already gathered), output is
an Applicant or a mapping of field name to a Chinese sentence to show beside
that field. Answers' errors use the form's field names (answers-<id>), so a
client shows them the same way the form does.
"""

import unicodedata
from datetime import date

from programs import labels
from programs.model import age_on
from programs.phones import normalize_mobile

from .storage import Applicant

NAME_MAX = 30
TEXT_MAX = 200
PRIVACY_NOTICE_VERSION = "2026-12"
YES, NO = ("yes", True, "true", "是"), ("no", False, "false", "否")


def _text(value):
    """NFC, no invisible format characters, single spaces: so "张三", "张三\u200b" and
    " 张三 " are one child to the duplicate check, and what is stored is what shows."""
    if not isinstance(value, str):
        return ""
    value = unicodedata.normalize("NFC", value)
    # A printable string holds no Cc or Cf character: only a pasted one needs the walk.
    if not value.isprintable():
        value = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in value if unicodedata.category(ch) != "Cf")
    return " ".join(value.split())


def phone_number(value):
    """The mobile number `check` reads from what was typed, or None; the rate limits key on
    exactly this, so no spelling `check` accepts can escape its phone number's count."""
    typed = _text(value)
    return normalize_mobile(typed) if typed else None


def check(program, session, data, today):
    errors = {}
    for_children = program.audience == "children"
    name = _text(data.get("name"))
    if not name:
        errors["name"] = "请填写孩子姓名" if for_children else "请填写姓名"
    elif len(name) > NAME_MAX:
        errors["name"] = f"姓名最多 {NAME_MAX} 个字"
    birthdate = guardian_name = None
    if for_children:
        birthdate = _birthdate(program, session, data.get("birthdate"), today, errors)
        guardian_name = _text(data.get("guardian_name"))
        if not guardian_name:
            errors["guardian_name"] = "请填写监护人（家长）姓名"
        elif len(guardian_name) > NAME_MAX:
            errors["guardian_name"] = f"姓名最多 {NAME_MAX} 个字"
    typed_phone = _text(data.get("phone"))
    phone = phone_number(typed_phone)
    if not typed_phone:
        errors["phone"] = "请填写手机号"
    elif phone is None:
        errors["phone"] = "请填写有效的大陆手机号，如 13800138000"
    employer = _text(data.get("employer"))
    if not employer:
        errors["employer"] = "请填写工作单位"
    elif len(employer) > TEXT_MAX:
        errors["employer"] = f"工作单位最多 {TEXT_MAX} 个字"
    answers = _answers(program.registration.questions, data.get("answers"), errors)
    if data.get("consent") is not True:
        errors["consent"] = "请由监护人阅读并同意个人信息保护说明" if for_children else "请阅读并同意个人信息保护说明"
    if errors:
        return None, errors
    applicant = Applicant(
        program=program.id,
        session=session.id,
        name=name,
        phone=phone,
        employer=employer,
        birthdate=birthdate,
        guardian_name=guardian_name,
        answers=answers,
        consent=PRIVACY_NOTICE_VERSION,
    )
    return applicant, {}


def _birthdate(program, session, value, today, errors):
    if isinstance(value, date):
        born = value
    elif not _text(value):
        errors["birthdate"] = "请填写出生日期"
        return None
    else:
        try:
            born = date.fromisoformat(_text(value))
        except ValueError:
            errors["birthdate"] = "出生日期应写成 2018-05-01 这样的格式"
            return None
    if born > today:
        errors["birthdate"] = "出生日期不能晚于今天"
    elif not program.accepts_age(born, session):
        low, high = program.ages
        age = age_on(born, session.start)
        errors["birthdate"] = f"孩子到开班日（{labels.day(session.start)}）时 {age} 周岁，不符合本班 {low}–{high} 岁的要求"
    return born


def _answers(questions, given, errors):
    given = given if isinstance(given, dict) else {}
    answers = {}
    for question in questions:
        field = f"answers-{question.id}"
        value = given.get(question.id)
        if question.type == "yesno":
            value = True if value in YES else False if value in NO else None
        else:
            value = _text(value) or None
        if value is None:
            if question.required:
                errors[field] = f"请回答：{question.label}"
            continue
        if question.type == "choice" and value not in question.choices:
            errors[field] = f"请从给出的选项中选择：{'、'.join(question.choices)}"
        elif question.type == "text" and len(value) > TEXT_MAX:
            errors[field] = f"最多 {TEXT_MAX} 个字"
        answers[question.id] = value
    return answers
