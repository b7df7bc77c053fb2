"""Rate limits per client address and per phone number.

The counters live in RATELIMIT_STORAGE_URI: memory:// suits one dev process;
under gunicorn use Redis (redis://127.0.0.1:6379) or every worker counts on
its own. Only those two: a phone's count is made before the view and given
back when the request turns out not to count, which other stores cannot do.
Limits on enrolment are generous because a whole factory can sit behind one
address at 09:00; limits on lookups count wrong guesses only.
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
    the rule does not apply to this request.

    A conditional rule is looked at before the view and counted after it, a second trip
    to the store. With `ahead`, for a rule that nearly every request meets (an enrolment
    that passed validation), it is counted before the view with the others, in the same
    trip, and given back when the response does not count or the view never ran: a
    second trip only for the requests that do not count. Between the two, for the
    milliseconds the view runs, the count is one too high."""

    def __init__(self, limits, key, counts=None, ahead=False):
        self.items = parse_many(limits)
        self.key = key
        self.counts = counts
        self.ahead = ahead


# What each ask does to its counter: count the request, only look, give back a count.
HIT, LOOK, GIVE_BACK = 1, 0, -1

# One round trip for all of a request's counts. The same keys and the same fixed windows as
# limits' own incr_expire script and get: ARGV[2i] is what to do to KEYS[i] (HIT, LOOK or
# GIVE_BACK) and ARGV[2i-1] the window a new count starts. A count is given back only while
# its window lasts: a key made by a give-back would have no expiry and block a phone for good.
COUNT_AT_ONCE = """
local counts = {}
for i, key in ipairs(KEYS) do
    local window, amount = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
    if amount > 0 then
        counts[i] = redis.call("incrby", key, amount)
        if counts[i] == amount then
            redis.call("expire", key, window)
        end
    elseif amount < 0 and redis.call("exists", key) == 1 then
        counts[i] = redis.call("incrby", key, amount)
    else
        counts[i] = tonumber(redis.call("get", key) or "0")
    end
end
return counts
"""
# Stores that can give a count back. Not Redis Cluster: one script's keys would sit in different slots.
STORES = ("memory://", "redis://", "rediss://", "redis+sentinel://", "redis+unix://")


class Counters:
    """The configured store, and this process's memory while that store cannot be
    reached: a Redis outage neither stops enrolments nor lifts the limits.

    Redis costs an enrolment more CPU than anything else but SQLite (benchmarks/enrol_cpu.py),
    so it is asked as little as possible: over one connection per process instead of a pool
    (the pool's check-out cost more than the counts), and in one round trip for everything
    counted before the view (COUNT_AT_ONCE), which `limits` has no call for. redis-py packs
    that call and reads its answer in C when hiredis is installed (pyproject.toml pins it):
    2% of an enrolment's instructions. The connection is made at the first count, not at
    start, so a Redis that is down when the app starts is an outage like any other."""

    def __init__(self, uri, prefix):
        if not uri.startswith(STORES):
            raise ValueError(f"RATELIMIT_STORAGE_URI must start with one of {', '.join(STORES)}, not {uri!r}")
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
        """Whether each (what, item, key) is within its limit, `what` being HIT, LOOK or
        GIVE_BACK (whose answer means nothing)."""
        if time.monotonic() >= self.retry_at:
            try:
                if self.shared is None:
                    self._connect()
                if self.count_at_once is None:
                    return [self._in_memory(self.shared, ask) for ask in asks]
                return self._within_redis(asks)
            except StorageError as error:
                self._outage(error.storage_error)
            except RedisError as error:
                self._outage(error)
        return [self._in_memory(self.local, ask) for ask in asks]

    def _in_memory(self, limiter, ask):
        what, item, key = ask
        if what == HIT:
            return limiter.hit(item, self.prefix, *key)
        if what == LOOK:
            return limiter.test(item, self.prefix, *key)
        limiter.storage.decr(item.key_for(self.prefix, *key))
        return True

    def _within_redis(self, asks):
        storage = self.shared.storage
        keys = [storage.prefixed_key(item.key_for(self.prefix, *key)) for _, item, key in asks]
        counts = self.count_at_once(keys, [arg for what, item, _ in asks for arg in (item.get_expiry(), what)])
        return [count <= item.amount if what == HIT else count < item.amount for (what, item, _), count in zip(asks, counts)]

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
        """Count this request against its unconditional rules and those counted ahead, and
        look at its other conditional ones, for every (rule, key) in `keyed` at once."""
        asks = [(LOOK if rule.counts and not rule.ahead else HIT, item, key) for rule, key in keyed for item in rule.items]
        return all(self._within(asks))

    def count(self, keyed, what=HIT):
        if keyed:
            self._within([(what, item, key) for rule, key in keyed for item in rule.items])


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
            ahead = [(rule, key) for rule, key in keyed if rule.ahead]
            if not counters.allow(keyed):
                counters.count(ahead, GIVE_BACK)
                abort(429)
            try:
                response = current_app.make_response(view(*args, **kwargs))
            except BaseException:
                counters.count(ahead, GIVE_BACK)
                raise
            counters.count([(rule, key) for rule, key in ahead if not rule.counts(response)], GIVE_BACK)
            counters.count([(rule, key) for rule, key in keyed if rule.counts and not rule.ahead and rule.counts(response)])
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


enrol_limits = limited("enrol", Rule(ENROL_PER_ADDRESS, address_key), Rule(ENROL_PER_PHONE, phone_key, was_checked, ahead=True))
lookup_limits = limited("lookup", Rule(LOOKUP_PER_ADDRESS, address_key, wrong_guess), Rule(LOOKUP_PER_PHONE, phone_key, wrong_guess))
