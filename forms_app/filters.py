"""Template filters every page of the app may use, parents' and staff's alike."""

from datetime import datetime

from programs import labels
from programs.model import SHANGHAI
from programs.phones import mask, tel_uri

from .capacity import STATUS_LABELS


def deadline(text):
    """An offer's deadline (a stored stamp) as a Beijing parent says it: 12月3日 14:00."""
    moment = datetime.fromisoformat(text).astimezone(SHANGHAI)
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


def description_ids(field, hint=None):
    """The ids a form field's aria-describedby names, its hint's and its error's where shown:
    a filter, as a macro call costs a form page a hundredth of a millisecond per field."""
    return " ".join(([f"{field.id}-hint"] if hint else []) + ([f"{field.id}-error"] if field.errors else []))


def init_app(app):
    app.add_template_filter(labels.day_with_weekday, "day")
    app.add_template_filter(labels.day, "date")
    app.add_template_filter(STATUS_LABELS.__getitem__, "status_label")
    app.add_template_filter(mask, "masked")
    app.add_template_filter(tel_uri, "tel")
    app.add_template_filter(deadline, "deadline")
    app.add_template_filter(description_ids)
