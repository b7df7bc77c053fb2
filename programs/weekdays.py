"""The `days` of a session, written the way staff say it: 周一至周五, 周一、三、五, 每天.

Parsing it once here gives the attendance sheet, the calendar file and the
catalogue the same list of class days.
"""

import re
from datetime import timedelta

_DIGITS = "一二三四五六日"
_ALIASES = {"天": "日", "七": "日"}
_RANGE = re.compile(r"^(?:周|星期)?([一二三四五六日天])\s*(?:至|到|-|—|~|～)\s*(?:周|星期)?([一二三四五六日天])$")
_SEPARATORS = re.compile(r"[、,，/\s]+")
_ONE = re.compile(r"^(?:周|星期)?([一二三四五六日天])$")


def _index(char):
    return _DIGITS.index(_ALIASES.get(char, char))


def parse_weekdays(text):
    """Return the set of weekdays (Monday = 0) or raise ValueError.

    >>> sorted(parse_weekdays("周一至周五"))
    [0, 1, 2, 3, 4]
    """
    text = str(text).strip()
    if text in ("每天", "每日", "周一至周日"):
        return frozenset(range(7))
    if text in ("工作日",):
        return frozenset(range(5))
    if text in ("周末", "双休日"):
        return frozenset({5, 6})
    found = _RANGE.match(text)
    if found:
        first, last = _index(found.group(1)), _index(found.group(2))
        if first > last:
            raise ValueError(text)
        return frozenset(range(first, last + 1))
    days = set()
    for part in _SEPARATORS.split(text):
        one = _ONE.match(part)
        if not part or not one:
            raise ValueError(text)
        days.add(_index(one.group(1)))
    return frozenset(days)


def class_dates(start, end, weekdays):
    """Every date from start to end (inclusive) that falls on one of weekdays."""
    day = start
    while day <= end:
        if day.weekday() in weekdays:
            yield day
        day += timedelta(days=1)


def weekday_name(index):
    """周一 … 周日 for Monday = 0; the only place the weekday words are spelt."""
    return "周" + _DIGITS[index]
