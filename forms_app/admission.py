"""Whether a program takes requests now, and the one path both surfaces enrol through.

Refusals carry a stable code for clients and a Chinese sentence for people;
the form and the API show the same sentence.
"""

from programs import labels
from programs.model import SHANGHAI

from . import outcomes
from .db import get_db
from .storage import Duplicate, NotEnough
from .storage.records import person_key

# What a parent of several children chooses when a first-come session cannot take them all.
EACH, ALL_OR_NONE = "each", "all_or_none"


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


def admit(applicant, submission, actor, proof=None):
    """(Enrolment, replayed); a second live request for the same person is refused, not doubled.
    A `proof` that proves nothing raises storage's Unproven, for the code field to say why."""
    try:
        enrolment, replayed = get_db().enrol(applicant, submission, actor, proof)
    except Duplicate:
        outcomes.refused("duplicate", applicant.program, applicant.session, actor)
        raise Refused(
            "duplicate",
            f"{applicant.name} 已经报过这个班次，不能重复报名。找不到报名结果，可以用手机号和查询码查找。",
        ) from None
    outcomes.enrolled(enrolment, actor, replayed)
    return enrolment, replayed


def admit_each(applicants, submission, actor, proof=None):
    """([Enrolment], [Refused], replayed) for a family enrolled child by child: a refusal of one
    child does not stop the others. The first child's enrolment carries the code (`proof`); once
    it did not raise Unproven, the phone is proven for the rest."""
    enrolments, refusals, replayed = [], [], False
    for applicant in applicants:
        try:
            enrolment, replayed = admit(applicant, submission, actor, proof)
            enrolments.append(enrolment)
        except Refused as refused:
            refusals.append(refused)
        proof = None
    return enrolments, refusals, replayed


def admit_together(applicants, submission, actor, proof=None):
    """([Enrolment], replayed) for siblings the parent asked to enrol all or none: every child
    confirmed, or Refused with nothing written and the number of places left in the sentence
    (or Unproven, as for `admit`)."""
    first = applicants[0]
    if len({person_key(a, None) for a in applicants}) < len(applicants):
        outcomes.refused("duplicate", first.program, first.session, actor)
        raise Refused("duplicate", "同一个孩子填了两次，请检查每个孩子的姓名和出生日期。")
    try:
        enrolments, replayed = get_db().enrol_together(applicants, submission, actor, proof)
    except Duplicate as duplicate:
        outcomes.refused("duplicate", first.program, first.session, actor)
        raise Refused(
            "duplicate",
            f"{duplicate.existing.name} 已经报过这个班次，不能重复报名；按您的选择，这次没有为任何孩子报名。",
        ) from None
    except NotEnough as short:
        outcomes.refused("not_enough", first.program, first.session, actor)
        raise Refused("not_enough", not_enough_message(short.remaining, len(applicants))) from None
    for enrolment in enrolments:
        outcomes.enrolled(enrolment, actor, replayed)
    return enrolments, replayed


def not_enough_message(remaining, wanted):
    """The sentence the form shows beside the siblings choice and the API returns."""
    left = f"只剩 {remaining} 个名额" if remaining else "已经没有空余名额（或已有人候补）"
    return (
        f"本班次现在{left}，不够 {wanted} 个孩子都报上。按您的选择，这次没有为任何孩子报名。"
        "可以改选“能报上的先报上，其余进入候补”再提交，或改报其他班次。"
    )
