"""The one storage interface the app talks to.

Every write that touches places (enrol, cancel, capacity sync) is a single
transaction in the backend and asks `forms_app.capacity` who gets a place, so
a second backend (PostgreSQL, issue 7) only has to provide the same methods
and pass the same contract tests.
"""
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date


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


@dataclass(frozen=True)
class Places:
    """A session's capacity and mode as the YAML states them."""

    program: str
    session: str
    capacity: int
    mode: str


@dataclass(frozen=True)
class Counts:
    capacity: int
    confirmed: int
    waitlisted: int


class Duplicate(Exception):
    """The same person already holds a live enrolment in this session."""

    def __init__(self, existing):
        super().__init__(existing.reference)
        self.existing = existing


class UnknownSession(Exception):
    """The session has no synced capacity: the catalogue and database disagree."""


class Storage(ABC):
    @abstractmethod
    def create_schema(self):
        """Apply the pending steps of `migrations`; return the versions applied (none when up to date)."""

    @abstractmethod
    def sync_places(self, places, stamp, actor):
        """Store capacities from the YAML, promote whoever now fits; return the promoted."""

    @abstractmethod
    def catalogue_stamp(self):
        """The stamp of the catalogue last synced, so every worker can notice a reload."""

    @abstractmethod
    def enrol(self, applicant, submission, actor):
        """(Enrolment, replayed): a repeat of the same submission returns the first answer."""

    @abstractmethod
    def cancel(self, reference, actor):
        """(Enrolment or None, [promoted]): cancelling a confirmed place promotes the next in line."""

    @abstractmethod
    def get(self, reference):
        """The enrolment with its current waitlist position, or None."""

    @abstractmethod
    def find(self, phone, code):
        """The enrolment with this short code, only if the phone matches too."""

    @abstractmethod
    def submission(self, submission):
        """All enrolments made by one form submission (siblings), in the order answered."""

    @abstractmethod
    def counts(self):
        """{(program, session): Counts} for every synced session."""

    @abstractmethod
    def release(self):
        """The request is over: end any transaction; the backend may keep the connection."""

    @abstractmethod
    def ping(self):
        """Read and write the database once, raising when either fails (for /healthz)."""

    @abstractmethod
    def backup(self, path):
        """A consistent copy of the whole database at `path`, taken while enrolments go on."""

    @abstractmethod
    def close(self):
        ...


def open_storage(url):
    """A storage for this request, PostgreSQL for a postgresql:// URL and otherwise an SQLite file;
    the backend decides whether connections are reused."""
    if str(url).startswith(("postgresql://", "postgres://")):
        from .postgres import connect
    else:
        from .sqlite import connect
    return connect(url)
