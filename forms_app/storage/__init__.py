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
    ends: date | None = None


@dataclass(frozen=True)
class Counts:
    capacity: int
    confirmed: int
    waitlisted: int


@dataclass(frozen=True)
class StaffAccount:
    """A console login; `organizer` limits what it sees unless `admin` (district admin)."""

    username: str
    organizer: str | None
    admin: bool
    password_hash: str
    disabled: bool = False


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
    def status_counts(self):
        """{(program, session): {status: number}} over every status, cancelled included."""

    @abstractmethod
    def roster(self, program, session):
        """Every enrolment of one session, any status, with waitlist positions, in queue order."""

    @abstractmethod
    def promote(self, reference, actor):
        """A waitlisted person by hand: confirmed when `capacity.by_hand` finds a place, else first in line."""

    @abstractmethod
    def move(self, reference, session, actor):
        """(Enrolment, [promoted]): to another session of the same program, admitted there as a newcomer
        would be; the place left behind goes to the next in line. Raises Duplicate or UnknownSession."""

    @abstractmethod
    def attendance(self, program, session):
        """{(enrolment id, ISO day): present} for the session."""

    @abstractmethod
    def mark_attendance(self, reference, day, present, actor):
        """Record present/absent for one day, replacing an earlier mark, and log it."""

    @abstractmethod
    def log(self, program, session, enrolment_id, action, actor, detail):
        """Append an audit event for something that changed nothing, such as reading a phone number."""

    @abstractmethod
    def audit(self, program, session, enrolment_id=None):
        """The session's events, or one enrolment's, oldest first."""

    @abstractmethod
    def staff(self, username):
        """The StaffAccount, or None."""

    @abstractmethod
    def save_staff(self, account):
        """Create or replace the account with this username."""

    @abstractmethod
    def all_staff(self):
        """Every StaffAccount, by username."""

    @abstractmethod
    def lotteries(self):
        """Every Lottery; sync_places commits a seed (`programs.lottery.new_seed`) for each new lottery session."""

    @abstractmethod
    def draw_lottery(self, program, session, decide, actor):
        """(publication, fresh): in one transaction, `decide(seed, capacity, entries)` returns the
        `programs.lottery.publication` record for the session's 'lottery' entries; winners are
        confirmed and the rest waitlisted, queued in drawn order. A second call returns the first
        record and changes nothing."""

    @abstractmethod
    def purge(self, ended_before, actor):
        """Anonymise enrolments of sessions that ended before that date; statuses and counts stay.
        Returns the number of people anonymised."""

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
