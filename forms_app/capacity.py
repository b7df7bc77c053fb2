"""Who gets a place: the one decision parents' requests, cancellations,
capacity reloads, staff actions and the lottery draw all share.

Storage backends call these inside their write transaction, so the numbers
they pass in are exact and nothing can change between deciding and writing.
`confirmed` need only be counted up to capacity: no answer here changes
beyond it, and stopping there keeps a popular session's rush from reading
every confirmed enrolment on every request.
"""

CONFIRMED, WAITLISTED, LOTTERY, CANCELLED = "confirmed", "waitlisted", "lottery", "cancelled"


def status_for_new(mode, capacity, confirmed, waiting, drawn=False):
    """A newcomer never jumps the queue: with anyone waiting, they wait too.

    Before its draw a lottery session only collects entries; after it, a
    newcomer (someone staff moved in) queues like anywhere else."""
    if mode == "lottery" and not drawn:
        return LOTTERY
    if confirmed < capacity and waiting == 0:
        return CONFIRMED
    return WAITLISTED


def places_to_fill(capacity, confirmed, waiting):
    """How many waitlisted people move up now; a lowered capacity drops nobody."""
    return max(0, min(capacity - confirmed, waiting))


def by_hand(capacity, confirmed):
    """Staff may pick someone off the waitlist, but never past capacity: with no place
    free, the person they picked becomes first in line instead."""
    return CONFIRMED if confirmed < capacity else WAITLISTED


def remaining(capacity, confirmed):
    return max(0, capacity - confirmed)
