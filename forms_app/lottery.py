"""The 摇号 as the app runs it: when a draw may start and what one entry is.

The draw itself (seed, tickets, order, who fits) is programs/lottery.py, the
same code `python build.py verify-lottery` checks a published file with; the
storage applies its answer in one transaction and refuses to draw twice. The
public record's format and folder are programs/published.py.
"""

from pathlib import Path

from flask import current_app

from programs import lottery as rules
from programs import published

from .admission import Refused
from .clock import now
from .db import get_db

DEFAULT_PUBLISH_DIR = Path(__file__).resolve().parent.parent / "published"


def units(entries, siblings_together, seed):
    """One entry per child, or per form submission when siblings go together, each child
    under its draw ticket: the public record names no 查询码 and no link."""
    if not siblings_together:
        return [[rules.entry_ticket(seed, entry.reference)] for entry in entries]
    groups = {}
    for entry in entries:
        groups.setdefault(entry.submission or entry.reference, []).append(rules.entry_ticket(seed, entry.reference))
    return list(groups.values())


def tickets(lot, enrolments):
    """{enrolment id: draw ticket} for the console, so staff can match the record to names."""
    return {e.id: rules.entry_ticket(lot.seed, e.reference) for e in enrolments} if lot else {}


def ticket(enrolment):
    """The draw ticket a parent looks for in the published record; None outside a lottery and
    for someone who joined after the draw (moved in by staff), whom the record cannot list."""
    lot = find(enrolment.program, enrolment.session)
    if lot is None:
        return None
    mine = rules.entry_ticket(lot.seed, enrolment.reference)
    drawn = lot.publication
    return mine if drawn is None or mine in drawn["confirmed"] + drawn["waitlisted"] else None


def draw(program, session, actor, at=None):
    """(publication, fresh, (queued, promoted)); Refused before the window closes or for a first-come
    program. Drawing again never changes the drawn order, but settles the session: anyone left
    marked 'lottery' after the draw waits behind it, and free places go to the waitlist."""
    registration = program.registration
    if registration.mode != "lottery":
        raise Refused("not_lottery", "这个班是先到先得，不需要摇号。")
    lot = find(program.id, session.id)
    already_drawn = lot is not None and lot.drawn_at is not None  # drawing again only settles, even if reopened
    if not already_drawn and (at or now()) < registration.closes:
        raise Refused("not_closed", "报名还没有截止，截止后才能摇号。")

    def decide(seed, capacity, entries):
        return rules.publication(program.id, session.id, capacity, seed, units(entries, registration.siblings_together, seed))

    record, fresh = get_db().draw_lottery(program.id, session.id, decide, actor)
    settled = get_db().settle_lottery(program.id, session.id, actor)
    publish()
    return record, fresh, settled


def settled_message(settled):
    """What staff read after drawing again, in Chinese; empty when nothing changed."""
    queued, promoted = settled
    parts = []
    if queued:
        parts.append(f"摇号后报名的 {len(queued)} 人按报名先后排在候补后面")
    if promoted:
        parts.append(f"空出的名额已按候补顺序补上 {len(promoted)} 人")
    return "；".join(parts) + ("。" if parts else "")


def find(program_id, session_id):
    return next((lot for lot in get_db().lotteries() if (lot.program, lot.session) == (program_id, session_id)), None)


def publish():
    """Write every lottery session's public record where the next catalogue build reads it."""
    published.write(current_app.config.get("PUBLISH_DIR") or DEFAULT_PUBLISH_DIR, get_db().lotteries())
