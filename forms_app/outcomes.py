"""One JSON log line per enrolment outcome, with no personal data.

Operators count confirmations, waitlists and refusals per session during a
rush from these lines; names, phones, birthdates and references never appear
(a reference is a bearer secret for the parent's page).
"""

import json
import logging
import sys

log = logging.getLogger("forms_app.outcomes")


def init_app(app):
    """Lines go to stderr (gunicorn's error log); under tests they propagate to pytest instead."""
    log.setLevel(logging.INFO)
    log.propagate = app.testing
    if not app.testing and not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)


def _write(outcome, program, session, **fields):
    log.info(json.dumps({"event": "enrolment", "outcome": outcome, "program": program, "session": session, **fields}))


def enrolled(enrolment, surface, replayed):
    _write(enrolment.status, enrolment.program, enrolment.session, surface=surface, position=enrolment.position, replayed=replayed)


def refused(code, program, session, surface):
    _write("refused", program, session, reason=code, surface=surface)


def invalid(fields, program, session, surface):
    _write("invalid", program, session, fields=sorted(fields), surface=surface)
