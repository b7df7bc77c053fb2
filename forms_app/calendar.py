"""An .ics file so a parent's phone reminds them of every class day."""
from datetime import datetime

from icalendar import Calendar, Event

from programs.model import SHANGHAI


def session_calendar(program, session, reference):
    calendar = Calendar()
    calendar.add("prodid", "-//union-classes//forms_app//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", program.title)
    hours = session.hours
    for day in session.class_dates():
        event = Event()
        event.add("uid", f"{reference}-{day.isoformat()}@union-classes")
        event.add("summary", f"{program.title}（{session.name}）")
        event.add("location", f"{program.location.name}，{program.location.address}")
        event.add("description", f"联系人：{program.contact.name} {program.contact.phone}")
        if hours:
            event.add("dtstart", datetime.combine(day, hours[0], SHANGHAI))
            event.add("dtend", datetime.combine(day, hours[1], SHANGHAI))
        else:
            event.add("dtstart", day)
        event.add("dtstamp", datetime.now(SHANGHAI))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
