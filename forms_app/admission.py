"""Whether a program takes requests now, and the one path both surfaces enrol through.

Refusals carry a stable code for clients and a Chinese sentence for people;
the form and the API show the same sentence.
"""

from programs import labels
from programs.model import SHANGHAI

from . import outcomes
from .db import get_db
from .storage import Duplicate


class Refused(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def gate(program, at):
    """Raise Refused unless the program is published and its window is open at `at`."""
    if program.status != "published":
        raise Refused("not_published", "这个班目前不接受报名（尚未发布或已经结束）。")
    registration = program.registration
    state = registration.state(at)
    if state == "not_open":
        opens = registration.opens.astimezone(SHANGHAI)
        raise Refused("not_open", f"报名还没开始：将于北京时间 {labels.moment(opens)} 开始，请到时再来。")
    if state == "closed":
        closes = registration.closes.astimezone(SHANGHAI)
        raise Refused("closed", f"报名已于北京时间 {labels.moment(closes)} 截止。")


def admit(applicant, submission, actor):
    """(Enrolment, replayed); a second live request for the same person is refused, not doubled."""
    try:
        enrolment, replayed = get_db().enrol(applicant, submission, actor)
    except Duplicate:
        outcomes.refused("duplicate", applicant.program, applicant.session, actor)
        raise Refused(
            "duplicate",
            f"{applicant.name} 已经报过这个班次，不能重复报名。找不到报名结果，可以用手机号和查询码查找。",
        ) from None
    outcomes.enrolled(enrolment, actor, replayed)
    return enrolment, replayed
