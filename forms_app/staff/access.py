"""Which programs a staff account may see: its own organizer's, or all for a district admin.

Every console view reaches a program, session or enrolment through these
functions, and an out-of-bounds one is a 404, the same answer a wrong guess
gets, so an id from another organizer reveals nothing.
"""

from flask import abort, g

from .. import served
from ..db import get_db
from . import organizers


def may_see(account, program):
    """By organizer id (classes/organizers.yaml), never by how a file happens to spell the union's name."""
    return account.admin or program.organizer_id == organizers.of(account)


def programs():
    return [program for program in served.catalogue().programs if may_see(g.staff, program)]


def problems():
    """The broken program files this account should fix: its organizer's, or every one for an admin."""
    return [problem for problem in served.problems() if g.staff.admin or problem.organizer == g.staff.organizer]


def session_or_404(program_id, session_id):
    program, session = served.catalogue().find(program_id, session_id)
    if program is None or session is None or not may_see(g.staff, program):
        abort(404)
    return program, session


def roster_entry_or_404(program, session, enrolment_id):
    """Found through the session's own roster, so an id from elsewhere never matches."""
    found = next((e for e in get_db().roster(program.id, session.id) if e.id == enrolment_id), None)
    if found is None:
        abort(404)
    return found
