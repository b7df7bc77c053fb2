"""The rows every backend writes and reads, built by one piece of Python.

What an enrolment row holds and how a repeated submission is recognised
must not depend on the database, or moving a district from SQLite to
PostgreSQL would change answers.
"""

import dataclasses
import json
from datetime import date

from ..names import fold
from ..references import new_reference
from . import Enrolment

PURGED = "已清除"

# Enrolments with their place in line, computed by the query so every backend counts it the same way;
# append the WHERE condition (and ORDER BY / LIMIT).
WITH_POSITION = """
    SELECT e.*, CASE WHEN e.status = 'waitlisted' THEN (
        SELECT count(*) FROM enrolments w
        WHERE w.program = e.program AND w.session = e.session AND w.status = 'waitlisted'
          AND (w.queue < e.queue OR (w.queue = e.queue AND w.id <= e.id))
    ) END AS position
    FROM enrolments e WHERE """


def dumps(value):
    return json.dumps(value, ensure_ascii=False)


def birthdate_text(person):
    """An Applicant's or an Enrolment's birthdate as stored."""
    return person.birthdate.isoformat() if person.birthdate else None


def request_key(applicant, submission):
    """One form submission asks once per person and session, so a resent POST finds its first answer."""
    fields = [submission, applicant.program, applicant.session, applicant.phone, applicant.name]
    return "|".join(fields + [birthdate_text(applicant) or ""])


def person_key(person, mode):
    """Who a live enrolment is for, as the one-per-session rule compares it: the folded name
    (`forms_app.names.fold`), the birthdate, and the phone. A lottery leaves the phone out
    when the birthdate is known, so a second phone cannot buy a child a second ticket;
    without a birthdate (night classes) the phone is what tells two 王伟 apart."""
    return _person_key(fold(person.name), person, mode)


def person_keys(person):
    """[lottery key, first-come key]: an enrolment's mode is read under the session's lock, so
    both keys are made before it, from one fold of the name."""
    folded = fold(person.name)
    return [_person_key(folded, person, "lottery"), _person_key(folded, person, None)]


def _person_key(folded, person, mode):
    birthdate = birthdate_text(person) or ""
    phone = "" if mode == "lottery" and birthdate else person.phone
    return "|".join([folded, birthdate, phone])


def new_enrolment(applicant, submission, status, code, stamp):
    """The enrolments row for a newcomer, in column order; the database adds the id it is given."""
    return {
        "reference": new_reference(),
        "code": code,
        "program": applicant.program,
        "session": applicant.session,
        "status": status,
        "name": applicant.name,
        "birthdate": birthdate_text(applicant),
        "guardian_name": applicant.guardian_name,
        "phone": applicant.phone,
        "employer": applicant.employer,
        "answers": dumps(applicant.answers),
        "consent": applicant.consent,
        "submission": submission,
        "request_key": request_key(applicant, submission),
        "created_at": stamp,
        "updated_at": stamp,
    }


def from_row(cls, row, **computed):
    """A record dataclass from a row as a dict: each field from its column, unless computed here
    or missing from the row (then the field's default)."""
    values = {f.name: row[f.name] for f in dataclasses.fields(cls) if f.name in row}
    return cls(**{**values, **computed})


def enrolment(row, position=None):
    """An Enrolment from a row as a dict; a `position` column, when the query computed one, wins."""
    return from_row(
        Enrolment,
        row,
        birthdate=date.fromisoformat(row["birthdate"]) if row["birthdate"] else None,
        answers=json.loads(row["answers"] or "{}"),
        position=row.get("position", position),
    )
