"""Storage: the records the app reads and writes, and the one way to open it.

The transactions themselves are `rules.py`, written once; `sqlite.py` and
`postgres.py` are the two databases they run on. The contract tests
(tests/contract) hold both to the same answers.
"""

import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime

# The longest a request, or a command, waits for the database in total: well inside gunicorn's
# 30 s worker timeout, so a stuck lock ends in a clean 503 and the worker lives to answer.
DEFAULT_TIMEOUT_SECONDS = 10.0
_deadline = ContextVar("storage_deadline", default=None)


@dataclass(frozen=True)
class Applicant:
    """One person a parent or worker asked a place for, already validated."""

    program: str
    session: str
    name: str
    phone: str
    employer: str
    birthdate: date | None = None
    guardian_name: str | None = None
    answers: dict = field(default_factory=dict)
    consent: str = ""


@dataclass(frozen=True)
class Enrolment:
    id: int
    reference: str
    code: str
    program: str
    session: str
    status: str
    name: str
    phone: str
    employer: str
    birthdate: date | None
    guardian_name: str | None
    answers: dict
    submission: str
    created_at: str
    position: int | None = None
    offer_expires_at: str | None = None


@dataclass(frozen=True)
class Counts:
    """A session's places as the database counts them now, for 剩余名额 and the console;
    `confirmed` and `waitlisted` are live counts, unlike the YAML's Places. `confirmed` counts
    every place held (`capacity.HOLDS_PLACE`): an open offer takes a place as a confirmation does.
    `entered` counts lottery entries still waiting for their draw, so a lottery card can say
    已报名 N 人 instead of places left."""

    capacity: int
    confirmed: int
    waitlisted: int
    entered: int = 0


@dataclass(frozen=True)
class StaffAccount:
    """A console login; `organizer` limits what it sees unless `admin`. An admin with a
    `district` (a district value of classes/organizers.yaml) is that district's union
    federation and reaches only its unions; without one it is the federation-wide admin.
    A session is valid only for the `generation` it was opened in (see `end_sessions`)."""

    username: str
    organizer: str | None
    admin: bool
    password_hash: str
    disabled: bool = False
    generation: int = 0
    district: str | None = None


@dataclass(frozen=True)
class Event:
    """One audit-log line: who did what, to which enrolment (or to the session as a whole), when."""

    at: str
    program: str | None
    session: str | None
    enrolment_id: int | None
    action: str
    actor: str | None
    detail: dict


@dataclass(frozen=True)
class Lottery:
    """A lottery session's committed seed; `publication` is set once the draw has run."""

    program: str
    session: str
    seed: str
    commitment: str
    committed_at: str
    drawn_at: str | None
    publication: dict | None


@dataclass(frozen=True)
class Places:
    """A session's capacity and mode as the YAML states them; `offer_hours` (registration.offer_hours)
    makes a freed place an offer the family must accept within that many hours."""

    program: str
    session: str
    capacity: int
    mode: str
    ends: date | None = None
    offer_hours: int | None = None


@dataclass(frozen=True)
class Proof:
    """The SMS code a parent sent with an enrolment, as `check_code` takes it. It admits the
    enrolment only if it proves `phone`, and the transaction that writes the enrolment is the
    one that uses it up: at a 09:00 rush a parent then costs one write turn, not two."""

    phone: str
    code_hash: str
    at: datetime
    max_tries: int


class Unproven(Exception):
    """The code sent with an enrolment did not prove the phone, so nothing was enrolled; a wrong
    try was counted. `reason` is what `check_code` says: missing, expired, burnt or wrong."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Duplicate(Exception):
    """The same person already holds a live enrolment in this session."""

    def __init__(self, existing):
        super().__init__(existing.reference)
        self.existing = existing


class NotEnough(Exception):
    """Siblings enrolled all or none did not all fit: nothing was written. `remaining` is how
    many places a newcomer could have had (none while anyone waits)."""

    def __init__(self, remaining):
        super().__init__(remaining)
        self.remaining = remaining


class UnknownSession(Exception):
    """The session has no synced capacity: the catalogue and database disagree."""


class Unavailable(Exception):
    """The database cannot be written or read now (disk full, read-only, I/O error, a lock held
    past the wait): nothing of the transaction was kept, and the user can only try again later."""


def start_budget(seconds):
    """From now, every wait for the database in this context (request) shares `seconds`."""
    return _deadline.set(time.monotonic() + seconds)


def end_budget(token):
    _deadline.reset(token)


def remaining(default=DEFAULT_TIMEOUT_SECONDS):
    """Seconds this context may still wait for a lock: what is left of its budget, at least a little
    so a free lock is still taken, or `default` outside a request."""
    deadline = _deadline.get()
    if deadline is None:
        return default
    return max(0.05, min(default, deadline - time.monotonic()))


def open_storage(url):
    """A storage for this request, PostgreSQL for a postgresql:// URL and otherwise an SQLite file;
    the backend decides whether connections are reused."""
    if str(url).startswith(("postgresql://", "postgres://")):
        from .postgres import connect
    else:
        from .sqlite import connect
    return connect(url)
