"""How the program model reads to a parent: every label the site prints.

Pages, posters and calendar files share these so the same program never
reads two ways (a card saying 免费 while the poster says 0 元); dates come
from programs.labels, which the enrolment app prints with too.
"""

import re
from datetime import datetime

from programs import labels
from programs.model import SHANGHAI

# The date words the enrolment app prints too, under the names the site's templates use.
date_span = labels.date_span
moment_label = labels.moment
days_label = labels.class_days

MODES = {"first_come": "先到先得", "lottery": "摇号"}
MODE_RULES = {
    "first_come": "按提交报名的先后顺序确认名额，名额满后可以候补，有人退出时按候补顺序递补。",
    "lottery": "报名期间提交的先后不影响结果。报名截止后统一随机抽签：中签的获得名额，未中签的按抽签顺序候补，有人退出时依次递补。",
}
AUDIENCES = {"children": "职工子女", "workers": "职工本人"}


def age_label(program):
    if program.ages is None:
        return "职工"
    low, high = program.ages
    return f"{low}–{high} 岁"


def fee_label(fee):
    return "免费" if fee == 0 else f"{fee:g} 元"


def months(program):
    """Every YYYY-MM any session touches, for the month filter."""
    found = set()
    for session in program.sessions:
        year, month = session.start.year, session.start.month
        while (year, month) <= (session.end.year, session.end.month):
            found.add(f"{year}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return sorted(found)


def month_label(month):
    year, number = month.split("-")
    return f"{year}年{int(number)}月"


def has_ended(program, today):
    return program.last_end < today


def next_start(program, today):
    """The start a parent plans around: the first session still ahead, else the one under way."""
    ahead = [s.start for s in program.sessions if s.start >= today]
    return min(ahead) if ahead else program.first_start


def place_label(program):
    return f"共 {program.places} 个名额"


_UNSAFE = re.compile(r"[\s/\\?#%&:;\"'<>|*.]+")


def path_slug(text):
    """A folder name for a tag or a union: the Chinese text itself, minus URL trouble."""
    return _UNSAFE.sub("-", text).strip("-") or "x"


def today_in_china():
    return datetime.now(SHANGHAI).date()
