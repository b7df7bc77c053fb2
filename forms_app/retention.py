"""Retention that runs itself: what the privacy notice promises happens without anyone remembering.

Once an hour each worker (and so `make run` in development, too) checks after
answering a request whether today's retention run has happened anywhere; the
first to find it missing runs it once for the whole database: personal data of
sessions that ended RETENTION_DAYS ago, and of enrolments cancelled more than
CANCELLED_GRACE_DAYS ago, is cleared. It runs after the response is sent, so
no parent waits for it, and a failure is logged, never shown to anyone.
`flask --app forms_app purge` does the same by hand.
"""

import logging
import time
from datetime import timedelta

from .clock import now
from .db import get_db

log = logging.getLogger(__name__)


def cutoffs(config, at=None, days=None, grace=None):
    """(sessions ended before this date, enrolments cancelled before this moment)."""
    at = at or now()
    days = config["RETENTION_DAYS"] if days is None else days
    grace = config["CANCELLED_GRACE_DAYS"] if grace is None else grace
    return at.date() - timedelta(days=int(days)), at - timedelta(days=int(grace))


def run_if_due(app):
    """Today's run, unless it already happened: (ended, cancelled) people anonymised, or None."""
    with app.app_context():
        try:
            ended_before, cancelled_before = cutoffs(app.config)
            done = get_db().purge_due(now().date(), ended_before, cancelled_before, "system:retention")
        except Exception:
            log.exception("the scheduled retention run failed; it is tried again within the hour")
            return None
        if done is not None:
            log.info("retention run: %d people of ended sessions and %d cancelled enrolments anonymised", *done)
        return done


def init_app(app):
    state = app.extensions["retention"] = {"checked": None}

    @app.after_request
    def check_retention(response):
        if not app.config["RETENTION_AUTOMATIC"]:
            return response
        at = time.monotonic()
        if state["checked"] is not None and at - state["checked"] < float(app.config["RETENTION_CHECK_SECONDS"]):
            return response
        state["checked"] = at
        response.call_on_close(lambda: run_if_due(app))
        return response
