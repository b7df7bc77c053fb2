"""Staff passwords: argon2id, with cheap parameters only under TESTING.

Accounts are created from the command line or by an admin at /staff/accounts
(account_pages.py); only the federation-wide admin can mint another admin.
"""

from dataclasses import replace

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from ..storage import StaffAccount

MIN_PASSWORD = 10

# Verified against when the username is unknown, so a wrong name costs as much time as a wrong password.
_UNKNOWN = PasswordHasher().hash("no such account")


def _hasher():
    if current_app.testing:
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


def password_problem(password):
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 个字符。"
    return None


def new_account(username, password, organizer, admin, district=None):
    """An admin has no organizer; only an admin has a district (None: every district)."""
    return StaffAccount(username, None if admin else organizer, admin, _hasher().hash(password), district=district if admin else None)


def with_password(account, password):
    """A new password also re-enables a disabled account: that is how staff get back in."""
    return replace(account, password_hash=_hasher().hash(password), disabled=False)


def check(account, password):
    """The account when the password is right and it is enabled, else None; refreshes an outdated hash."""
    try:
        _hasher().verify(account.password_hash if account else _UNKNOWN, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or account.disabled:
        return None
    if _hasher().check_needs_rehash(account.password_hash):
        return with_password(account, password)
    return account
