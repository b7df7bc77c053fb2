"""Rate limits per client address and per phone number.

The counters live in RATELIMIT_STORAGE_URI: memory:// suits one dev process;
under gunicorn use a shared store (redis://127.0.0.1:6379) or every worker
counts on its own. Limits on enrolment are generous because a whole factory
can sit behind one address at 09:00; limits on lookups count wrong guesses only.
A phone number's enrolment limit is spent only by requests that passed CSRF and
validation for a real session (`checked`), so junk naming someone else's phone
cannot use theirs up; a request naming no valid phone has no phone counter at all,
rather than one `unknown` counter everybody shares.

The `limits` library counts (fixed windows, in memory or Redis); this module
only says what is counted. Flask-Limiter, the Flask layer over that library,
spent about 0.6 ms of Python per enrolment resolving its decorators, a fifth
of what an enrolment costs at gunicorn (benchmarks/enrol_load.py).
"""

import functools
import logging
import time

from flask import abort, current_app, g, request
from limits import parse_many
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from .validation import phone_number

ENROL_PER_ADDRESS = "300/minute"
ENROL_PER_PHONE = "20/hour"
LOOKUP_PER_ADDRESS = "20/hour"
LOOKUP_PER_PHONE = "5/hour"

WARN_EVERY_SECONDS = 60
# A store that does not answer within this long is treated as down, and left alone for
# RETRY_SECONDS: a hung Redis must not hold up every enrolment for a TCP timeout.
STORE_TIMEOUT_SECONDS = 0.5
RETRY_SECONDS = 5

log = logging.getLogger(__name__)


class Rule:
    """Limits on one key, such as 20 an hour per phone number. With `counts`, only
    requests whose response it accepts are counted (wrong guesses, failed logins);
    without it every request is counted before the view runs. A `key` of None means
    the rule does not apply to this request."""

    def __init__(self, limits, key, counts=None):
        self.items = parse_many(limits)
        self.key = key
        self.counts = counts


class Counters:
    """The configured store, and this process's memory while that store cannot be
    reached: a Redis outage neither stops enrolments nor lifts the limits."""

    def __init__(self, uri, prefix):
        self.prefix = prefix
        timeouts = {"socket_timeout": STORE_TIMEOUT_SECONDS, "socket_connect_timeout": STORE_TIMEOUT_SECONDS}
        options = timeouts if uri.startswith("redis") else {}
        self.shared = FixedWindowRateLimiter(storage_from_string(uri, wrap_exceptions=True, **options))
        self.local = FixedWindowRateLimiter(storage_from_string("memory://"))
        self.warned_at = None
        self.retry_at = 0.0

    def _ask(self, question, item, key):
        if time.monotonic() >= self.retry_at:
            try:
                return getattr(self.shared, question)(item, self.prefix, *key)
            except StorageError as error:
                self.retry_at = time.monotonic() + RETRY_SECONDS
                self._warn(error.storage_error)
        return getattr(self.local, question)(item, self.prefix, *key)

    def _warn(self, error):
        """Once a minute at most: during an outage at 09:00 every request would otherwise log it."""
        now = time.monotonic()
        if self.warned_at is None or now - self.warned_at >= WARN_EVERY_SECONDS:
            self.warned_at = now
            log.warning("rate-limit store unreachable, counting in this process: %s", error)

    def allow(self, rule, key):
        """Count this request against an unconditional rule, or only look for a conditional one."""
        question = "test" if rule.counts else "hit"
        return all([self._ask(question, item, key) for item in rule.items])

    def count(self, rule, key):
        for item in rule.items:
            self._ask("hit", item, key)


def init_app(app):
    if app.config["RATELIMIT_ENABLED"]:
        app.extensions["rate_limits"] = Counters(app.config["RATELIMIT_STORAGE_URI"], app.config["RATELIMIT_KEY_PREFIX"])


def limited(scope, *rules, methods=("POST",)):
    """Guard a view with `rules`; a request over any of them gets 429. `scope` names the
    counters, so the form and the API share one count per phone number."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            counters = current_app.extensions.get("rate_limits")
            if counters is None or request.method not in methods:
                return view(*args, **kwargs)
            keyed = [(rule, (scope, key)) for rule in rules if (key := rule.key()) is not None]
            if not all([counters.allow(rule, key) for rule, key in keyed]):
                abort(429)
            response = current_app.make_response(view(*args, **kwargs))
            for rule, key in keyed:
                if rule.counts and rule.counts(response):
                    counters.count(rule, key)
            return response

        return guarded

    return decorate


def address_key():
    return "address:" + (request.remote_addr or "unknown")


def phone_key():
    """The phone number the request names, or None when it names no valid one."""
    data = request.get_json(silent=True) if request.is_json else request.form
    phone = data.get("phone") if isinstance(data, dict) else None
    normalized = phone_number(phone)
    return "phone:" + normalized if normalized else None


def checked():
    """The view's word that this request passed CSRF and validation for a real session,
    so it may spend its phone number's enrolments."""
    g.rate_limit_checked = True


def was_checked(_response):
    return g.get("rate_limit_checked", False)


def wrong_guess(response):
    return response.status_code == 404


enrol_limits = limited("enrol", Rule(ENROL_PER_ADDRESS, address_key), Rule(ENROL_PER_PHONE, phone_key, was_checked))
lookup_limits = limited("lookup", Rule(LOOKUP_PER_ADDRESS, address_key, wrong_guess), Rule(LOOKUP_PER_PHONE, phone_key, wrong_guess))
