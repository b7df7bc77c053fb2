"""Dates, times and class days as Chinese readers write them, for the catalogue and the app alike.

A program page, a poster, a calendar file, a result page and a refusal all
print dates; they share these so one day never reads two ways.
"""

from programs.model import SHANGHAI
from programs.weekdays import weekday_name


def day(value):
    """The form every Chinese notice uses.

    >>> import datetime; day(datetime.date(2027, 1, 25))
    '2027年1月25日'
    """
    return f"{value.year}年{value.month}月{value.day}日"


def weekday(value):
    """周一 to 周日, as parents say it (not 星期一).

    >>> import datetime; weekday(datetime.date(2027, 1, 25))
    '周一'
    """
    return weekday_name(value.weekday())


def day_with_weekday(value):
    return f"{day(value)}（{weekday(value)}）"


def date_span(start, end):
    """The year once unless the span crosses it.

    >>> import datetime; date_span(datetime.date(2027, 1, 25), datetime.date(2027, 2, 5))
    '2027年1月25日至2月5日'
    """
    if start == end:
        return day(start)
    tail = f"{end.month}月{end.day}日" if end.year == start.year else day(end)
    return f"{day(start)}至{tail}"


def moment(value):
    """A time of day in Beijing time, whatever zone `value` was written in.

    >>> import datetime; moment(datetime.datetime(2027, 1, 5, 1, 0, tzinfo=datetime.timezone.utc))
    '2027年1月5日 09:00'
    """
    local = value.astimezone(SHANGHAI) if value.tzinfo else value
    return f"{day(local.date())} {local:%H:%M}"


def class_days(session):
    """A session's class days as its file states them, 每天 when it states none."""
    return session.days or "每天"
