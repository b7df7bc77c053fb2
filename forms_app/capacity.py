"""Who gets a place: the one decision parents' requests, cancellations,
capacity reloads and (later) staff actions all share.

Storage backends call these inside their write transaction, so the numbers
they pass in are exact and nothing can change between deciding and writing.
"""

CONFIRMED, WAITLISTED, LOTTERY, CANCELLED = "confirmed", "waitlisted", "lottery", "cancelled"


def status_for_new(mode, capacity, confirmed, waiting):
    """A newcomer never jumps the queue: with anyone waiting, they wait too."""
    if mode == "lottery":
        return LOTTERY
    if confirmed < capacity and waiting == 0:
        return CONFIRMED
    return WAITLISTED


def places_to_fill(capacity, confirmed, waiting):
    """How many waitlisted people move up now; a lowered capacity drops nobody."""
    return max(0, min(capacity - confirmed, waiting))


def remaining(capacity, confirmed):
    return max(0, capacity - confirmed)
