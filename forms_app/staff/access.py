"""Which programs, files and accounts a staff account may reach: its own organizer's; for an
admin limited to a district, every union of that district; for the federation-wide admin, all.

Every console view reaches a program, session, enrolment, program file or account through
these functions, and an out-of-bounds one is a 404, the same answer a wrong guess gets, so an
id from another organizer or district reveals nothing.
"""

from flask import abort, g

from .. import served
from ..db import get_db
from . import organizers


def federation(account):
    """The federation-wide admin: the only account that reaches every district, and the only one that makes admins."""
    return account.admin and not account.district


def may_act_for(account, organizer_id):
    """By organizer id (classes/organizers.yaml), and for a district admin by that id's district
    in the same list, never by how a file happens to spell the union's name."""
    if federation(account):
        return True
    if account.admin:
        return organizer_id is not None and organizers.district_of(organizer_id) == account.district
    return organizer_id is not None and organizer_id == organizers.of(account)


def may_see(account, program):
    return may_act_for(account, program.organizer_id)


def may_manage(account, other):
    """Accounts: the federation-wide admin manages every one; a district admin the organizer
    accounts of its own district's unions, never an admin's (its own included: that stays with
    the federation, so a district cannot widen or lock out its own admin)."""
    if federation(account):
        return True
    return account.admin and not other.admin and may_act_for(account, organizers.of(other))


def programs():
    return [program for program in served.catalogue().programs if may_see(g.staff, program)]


def problems():
    """The broken program files this account should fix: those of the unions it reaches."""
    resolve = organizers.registry().resolve
    return [problem for problem in served.problems() if may_act_for(g.staff, resolve(problem.organizer))]


def failed_messages(limit=20):
    """(count, rows) of messages given up on, for an admin's first page: every one for the federation,
    its own programs' for a district admin; None for others."""
    if not g.staff.admin:
        return None
    if federation(g.staff):
        return get_db().failed_messages(limit=limit)
    return get_db().failed_messages(limit=limit, programs={program.id for program in programs()})


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
