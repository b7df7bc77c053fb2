"""Who gets a place, and in what order: the one decision parents' requests,
cancellations, capacity reloads, staff actions and the lottery draw all share.

Storage calls these inside its write transaction, so the numbers it passes in
are exact and nothing can change between deciding and writing. `confirmed`
need only be counted up to capacity: no answer here changes beyond it, and
stopping there keeps a popular session's rush from reading every confirmed
enrolment on every request.

The waitlist is ordered by `queue`, a number each enrolment gets on arrival
(one past the session's last); staff putting someone first gives them one
below the front, and a lottery draw renumbers its entries in drawn order.

A program with `registration.offer_hours` does not confirm a freed place at
once: the first in line is *offered* it, and the offer holds the place until
the family accepts, declines or lets the deadline pass. An offer that ends is
cancelled (it does not go back in line: as first in line it would only be
offered the same place again), and the place is offered to the next in line.
"""

from datetime import timedelta

CONFIRMED, OFFERED, WAITLISTED, LOTTERY, CANCELLED = "confirmed", "offered", "waitlisted", "lottery", "cancelled"

# Every status, in the order a roster lists them, with the words parents and staff read.
STATUS_LABELS = {
    CONFIRMED: "报名成功",
    OFFERED: "待确认",
    LOTTERY: "已登记，等待摇号",
    WAITLISTED: "候补中",
    CANCELLED: "已取消",
}
STATUSES = tuple(STATUS_LABELS)
LIVE = (CONFIRMED, OFFERED, LOTTERY, WAITLISTED)
# The statuses that take one of a session's places: every count of places taken counts these.
HOLDS_PLACE = (CONFIRMED, OFFERED)


def status_for_new(mode, capacity, confirmed, waiting, drawn=False):
    """A newcomer never jumps the queue: with anyone waiting, they wait too.

    Before its draw a lottery session only collects entries; after it, a
    newcomer (someone staff moved in, or a parent once staff extended `closes`)
    queues like anywhere else: behind the drawn waitlist, or confirmed when a
    place is free and nobody waits.

    Storage decides a newcomer in one SQL statement (`storage.rules.STATUS_FOR_NEW`
    spells this rule as a CASE); tests/contract/test_storage.py proves both agree.

    >>> status_for_new("first_come", 2, 1, 0)
    'confirmed'
    >>> status_for_new("first_come", 2, 1, 3)
    'waitlisted'
    >>> status_for_new("lottery", 2, 0, 0), status_for_new("lottery", 2, 0, 0, drawn=True)
    ('lottery', 'confirmed')
    """
    if mode == "lottery" and not drawn:
        return LOTTERY
    if confirmed < capacity and waiting == 0:
        return CONFIRMED
    return WAITLISTED


def all_fit(capacity, confirmed, waiting, wanted):
    """Whether a group of siblings whose parent chose "all or none" is confirmed together.

    Every child must get a place now: with anyone already waiting the newcomers would
    wait too (`status_for_new`), and a group partly confirmed is exactly what the parent
    said no to. `confirmed` counts every place held (HOLDS_PLACE).

    >>> all_fit(5, 3, 0, 2), all_fit(5, 4, 0, 2), all_fit(5, 1, 1, 2)
    (True, False, False)
    """
    return waiting == 0 and confirmed + wanted <= capacity


def places_to_fill(capacity, confirmed, waiting):
    """How many waitlisted people move up now; a lowered capacity drops nobody.
    `confirmed` counts every place held (HOLDS_PLACE), open offers included.

    >>> places_to_fill(5, 2, 10), places_to_fill(2, 5, 10), places_to_fill(5, 2, 1)
    (3, 0, 1)
    """
    return max(0, min(capacity - confirmed, waiting))


def promotion(offer_hours):
    """What the first in line gets when a place frees: the place itself, or (with offer hours) an offer of it.

    >>> promotion(None), promotion(48)
    ('confirmed', 'offered')
    """
    return OFFERED if offer_hours else CONFIRMED


def offer_deadline(at, offer_hours):
    """When an offer made at `at` ends unanswered."""
    return at + timedelta(hours=offer_hours)


def by_hand(capacity, confirmed):
    """Staff may pick someone off the waitlist, but never past capacity: with no place
    free, the person they picked becomes first in line instead."""
    return CONFIRMED if confirmed < capacity else WAITLISTED


def first_in_line(front):
    """The queue number that puts someone ahead of `front`, the waitlist's first."""
    return front - 1


def remaining(capacity, confirmed):
    return max(0, capacity - confirmed)


def drawn_order(record, by_ticket):
    """(entry, status, rank) for each entry of a lottery record, `by_ticket` mapping the draw
    tickets the record lists to entries: winners first, then the waitlist, both in drawn
    order, so rank becomes the queue number later promotions follow."""
    ranked = [(ticket, CONFIRMED) for ticket in record["confirmed"]] + [(ticket, WAITLISTED) for ticket in record["waitlisted"]]
    return [(by_ticket[ticket], status, rank) for rank, (ticket, status) in enumerate(ranked, 1)]
