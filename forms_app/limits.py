"""Rate limits per client address and per phone number.

The counters live in RATELIMIT_STORAGE_URI: memory:// suits one dev process;
under gunicorn use a shared store (redis://127.0.0.1:6379) or every worker
counts on its own. Limits on enrolment are generous because a whole factory
can sit behind one address at 09:00; limits on lookups count wrong guesses only.
"""
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from programs.phones import normalize_mobile

ENROL_PER_ADDRESS = "300/minute"
ENROL_PER_PHONE = "20/hour"
LOOKUP_PER_ADDRESS = "20/hour"
LOOKUP_PER_PHONE = "5/hour"

limiter = Limiter(get_remote_address)


def phone_key():
    data = request.get_json(silent=True) if request.is_json else request.form
    phone = data.get("phone") if isinstance(data, dict) else None
    return "phone:" + (normalize_mobile(phone) or "unknown")


def wrong_guess(response):
    return response.status_code == 404


def enrol_limits(view):
    view = limiter.limit(ENROL_PER_ADDRESS, methods=["POST"])(view)
    return limiter.limit(ENROL_PER_PHONE, key_func=phone_key, methods=["POST"])(view)


def lookup_limits(view):
    view = limiter.limit(LOOKUP_PER_ADDRESS, methods=["POST"], deduct_when=wrong_guess)(view)
    return limiter.limit(LOOKUP_PER_PHONE, key_func=phone_key, methods=["POST"], deduct_when=wrong_guess)(view)
