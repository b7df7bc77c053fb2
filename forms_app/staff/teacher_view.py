"""How a roster reads to the teachers who use it: age on the session's first day
(the age the program's `ages` rule is judged by), yes/no answers as 是/否."""

from programs.model import age_on

from .exports import _answer


def age(birthdate, session):
    """ "8 岁" on the session's first day, or "" when no birthdate was asked (night classes)."""
    return f"{age_on(birthdate, session.start)} 岁" if birthdate else ""


def answer(value):
    return _answer(value)


def init_app(app):
    app.add_template_filter(answer, "answer")
    app.add_template_global(age, "age_on_first_day")
