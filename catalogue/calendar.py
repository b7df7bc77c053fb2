"""One .ics file per session, so a parent can put every class day in the phone's calendar.

Each class day is its own event (not a recurrence rule): the dates are the
ones the attendance sheet uses, and every calendar app reads them the same.
"""
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from programs.model import SHANGHAI

from .views import days_label


def session_calendar(program, session, page_url):
    calendar = Calendar()
    calendar.add("prodid", "-//union-classes//catalogue//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{program.title} {session.name}")
    for day in session.class_dates():
        calendar.add_component(_class_day(program, session, day, page_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _class_day(program, session, day, page_url):
    event = Event()
    event.add("uid", f"{program.id}-{session.id}-{day:%Y%m%d}@union-classes")
    event.add("summary", f"{program.title}（{session.name}）")
    event.add("location", f"{program.location.name}，{program.location.address}")
    event.add("description", f"{days_label(session)} {session.time or ''}\n联系人：{program.contact.name} {program.contact.phone}\n{page_url}")
    event.add("url", page_url)
    # A fixed stamp keeps rebuilds byte-identical, so unchanged files are not rewritten.
    event.add("dtstamp", datetime(2000, 1, 1, tzinfo=SHANGHAI))
    if session.hours:
        first, last = session.hours
        event.add("dtstart", datetime.combine(day, first, SHANGHAI))
        event.add("dtend", datetime.combine(day, last, SHANGHAI))
    else:
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    return event
