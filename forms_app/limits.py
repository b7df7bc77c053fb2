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
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from redis.exceptions import RedisError

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


# One round trip for all of a request's counts. The same keys and the same fixed windows as
# limits' own incr_expire script and get: ARGV[i] is the window to count KEYS[i] in, or 0
# to only read it.
COUNT_AT_ONCE = """
local counts = {}
for i, key in ipairs(KEYS) do
    local window = tonumber(ARGV[i])
    if window > 0 then
        counts[i] = redis.call("incrby", key, 1)
        if counts[i] == 1 then
            redis.call("expire", key, window)
        end
    else
        counts[i] = tonumber(redis.call("get", key) or "0")
    end
end
return counts
"""


class Counters:
    """The configured store, and this process's memory while that store cannot be
    reached: a Redis outage neither stops enrolments nor lifts the limits.

    Redis costs an enrolment more CPU than anything else but SQLite (benchmarks/enrol_cpu.py),
    so it is asked as little as possible: over one connection per process instead of a pool
    (the pool's check-out cost more than the counts), and in one round trip for everything
    counted before the view (COUNT_AT_ONCE), which `limits` has no call for. The connection
    is made at the first count, not at start, so a Redis that is down when the app starts is
    an outage like any other."""

    def __init__(self, uri, prefix):
        self.uri, self.prefix = uri, prefix
        self.options = (
            {"socket_timeout": STORE_TIMEOUT_SECONDS, "socket_connect_timeout": STORE_TIMEOUT_SECONDS, "single_connection_client": True}
            if uri.startswith("redis")
            else {}
        )
        self.shared = self.count_at_once = None
        self.local = FixedWindowRateLimiter(storage_from_string("memory://"))
        self.warned_at = None
        self.retry_at = 0.0

    def _connect(self):
        storage = storage_from_string(self.uri, wrap_exceptions=True, **self.options)
        if isinstance(storage, RedisStorage):
            self.count_at_once = storage.get_connection().register_script(COUNT_AT_ONCE)
        self.shared = FixedWindowRateLimiter(storage)

    def _within(self, asks):
        """Whether each (question, item, key) is within its limit, "hit" counting the request
        and "test" only looking."""
        if time.monotonic() >= self.retry_at:
            try:
                if self.shared is None:
                    self._connect()
                if self.count_at_once is None:
                    return [getattr(self.shared, question)(item, self.prefix, *key) for question, item, key in asks]
                return self._within_redis(asks)
            except StorageError as error:
                self._outage(error.storage_error)
            except RedisError as error:
                self._outage(error)
        return [getattr(self.local, question)(item, self.prefix, *key) for question, item, key in asks]

    def _within_redis(self, asks):
        storage = self.shared.storage
        keys = [storage.prefixed_key(item.key_for(self.prefix, *key)) for _, item, key in asks]
        windows = [item.get_expiry() if question == "hit" else 0 for question, item, _ in asks]
        counts = self.count_at_once(keys, windows)
        return [count <= item.amount if question == "hit" else count < item.amount for (question, item, _), count in zip(asks, counts)]

    def _outage(self, error):
        self.retry_at = time.monotonic() + RETRY_SECONDS
        self._warn(error)

    def _warn(self, error):
        """Once a minute at most: during an outage at 09:00 every request would otherwise log it."""
        now = time.monotonic()
        if self.warned_at is None or now - self.warned_at >= WARN_EVERY_SECONDS:
            self.warned_at = now
            log.warning("rate-limit store unreachable, counting in this process: %s", error)

    def allow(self, keyed):
        """Count this request against its unconditional rules and look at its conditional ones,
        for every (rule, key) in `keyed` at once."""
        return all(self._within([("test" if rule.counts else "hit", item, key) for rule, key in keyed for item in rule.items]))

    def count(self, rule, key):
        self._within([("hit", item, key) for item in rule.items])


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
            if not counters.allow(keyed):
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
