"""Template filters every page of the app may use, parents' and staff's alike."""

from programs import labels
from programs.phones import mask, tel_uri

from .capacity import STATUS_LABELS


def init_app(app):
    app.add_template_filter(labels.day_with_weekday, "day")
    app.add_template_filter(labels.day, "date")
    app.add_template_filter(STATUS_LABELS.__getitem__, "status_label")
    app.add_template_filter(mask, "masked")
    app.add_template_filter(tel_uri, "tel")
