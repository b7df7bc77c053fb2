"""One .ics file per session, so a parent can put every class day in the phone's calendar.

A session is one weekly recurring event (RRULE with BYDAY and UNTIL): the
same class days the attendance sheet uses, in a file every calendar app
reads, and small enough to write for thousands of sessions per build. The
catalogue's file and the one on a parent's result page are the same event
(same UID), so adding both leaves one entry; only the link differs.
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from icalendar import Calendar, Event, Timezone

from .labels import class_days
from .model import SHANGHAI


def session_calendar(program, session, page_url):
    """The session's .ics bytes; `page_url` is where the event links back to."""
    calendar = Calendar()
    calendar.add("prodid", "-//union-classes//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{program.title} {session.name}")
    calendar.add_component(_china_time())
    days = session.class_dates()
    if days:
        calendar.add_component(_session_event(program, session, days[0], page_url))
    return calendar.to_ical()


@cache
def _china_time():
    """Beijing time has had no daylight saving since 1991; describing it from 2000 keeps the file small."""
    return Timezone.from_tzinfo(SHANGHAI, "Asia/Shanghai", first_date=date(2000, 1, 1))


def _session_event(program, session, first_day, page_url):
    event = Event()
    event.add("uid", f"{program.id}-{session.id}@union-classes")
    event.add("summary", f"{program.title}（{session.name}）")
    event.add("location", f"{program.location.name}，{program.location.address}")
    event.add(
        "description", f"{class_days(session)} {session.time or ''}\n联系人：{program.contact.name} {program.contact.phone}\n{page_url}"
    )
    event.add("url", page_url)
    # A fixed stamp keeps rebuilds byte-identical, so unchanged files are not rewritten.
    event.add("dtstamp", datetime(2000, 1, 1, tzinfo=SHANGHAI))
    byday = [_RFC_DAYS[day] for day in sorted(session.weekdays)]
    if session.hours:
        first, last = session.hours
        event.add("dtstart", datetime.combine(first_day, first, SHANGHAI))
        event.add("dtend", datetime.combine(first_day, last, SHANGHAI))
        until = datetime.combine(session.end, time(23, 59, 59), SHANGHAI).astimezone(UTC)
    else:
        event.add("dtstart", first_day)
        event.add("dtend", first_day + timedelta(days=1))
        until = session.end
    event.add("rrule", {"freq": "weekly", "byday": byday, "until": until})
    return event


_RFC_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
