"""Offers with a deadline (registration.offer_hours), on both databases: a freed place is offered
to the first in line and held for them; accepting confirms it, declining or letting the deadline
pass hands it to the next in line, and every step is an audit event."""

import json
import threading
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from forms_app.clock import now
from forms_app.storage import Counts, Places
from programs import lottery
from tests.contract.conftest import opened
from tests.contract.test_storage import person

OFFERS = [
    Places("winter", "week-1", 2, "first_come", offer_hours=48),
    Places("winter", "week-2", 2, "first_come"),
    Places("draw", "week-1", 2, "lottery", offer_hours=48),
]


@pytest.fixture
def offers(backend):
    storage = opened(backend, OFFERS)
    yield storage
    storage.close()


def enrol(storage, n, **changes):
    return storage.enrol(person(n, **changes), f"submission-{n}", "parent")[0]


def draw_all(seed, capacity, entries):
    return lottery.publication("draw", "week-1", capacity, seed, [[lottery.entry_ticket(seed, e.reference)] for e in entries])


def test_a_freed_place_is_offered_held_and_counted(offers, backend):
    confirmed, _, first, second = [enrol(offers, n) for n in range(4)]
    _, promoted = offers.cancel(confirmed.reference, "parent")
    assert [(p.reference, p.status) for p in promoted] == [(first.reference, "offered")]
    deadline = promoted[0].offer_expires_at
    assert now() + timedelta(hours=47) < _parse(deadline) <= now() + timedelta(hours=48)
    assert offers.counts()[("winter", "week-1")] == Counts(2, 2, 1), "the offer holds a place"
    assert offers.session_counts("winter", "week-1") == Counts(2, 2, 1)
    assert offers.get(second.reference).position == 1
    newcomer = enrol(offers, 9)
    assert (newcomer.status, newcomer.position) == ("waitlisted", 2), "a newcomer never takes an offered place"
    message = backend.rows(f"SELECT kind, payload FROM outbox WHERE enrolment_id = {first.id} AND kind = 'offered'")
    assert [(kind, json.loads(payload)["deadline"]) for kind, payload in message] == [("offered", deadline)]
    assert _actions(backend, first.id) == ["enrolled", "offered"]


def test_accepting_before_the_deadline_confirms(offers, backend):
    confirmed, _, first = [enrol(offers, n) for n in range(3)]
    offers.cancel(confirmed.reference, "parent")
    accepted, passed_on = offers.accept_offer(first.reference, "parent", now())
    assert (accepted.status, passed_on) == ("confirmed", [])
    assert _actions(backend, first.id) == ["enrolled", "offered", "offer_accepted"]
    assert offers.accept_offer(first.reference, "parent", now()) == (accepted, []), "a second accept changes nothing"
    assert offers.decline_offer(first.reference, "parent") == (accepted, []), "a confirmed place cannot be declined as an offer"


def test_declining_passes_the_place_to_the_next_in_line(offers, backend):
    confirmed, _, first, second, third = [enrol(offers, n) for n in range(5)]
    offers.cancel(confirmed.reference, "parent")
    declined, passed_on = offers.decline_offer(first.reference, "parent")
    assert declined.status == "cancelled"
    assert [(p.reference, p.status) for p in passed_on] == [(second.reference, "offered")]
    assert offers.get(third.reference).position == 1
    assert _actions(backend, first.id) == ["enrolled", "offered", "offer_declined"]
    assert offers.counts()[("winter", "week-1")] == Counts(2, 2, 1)


def test_an_offer_past_its_deadline_expires_and_passes_on_once(offers, backend):
    confirmed, _, first, second = [enrol(offers, n) for n in range(4)]
    offers.cancel(confirmed.reference, "parent")
    assert offers.expire_offers(now(), "system:notify") == ([], []), "nothing expires before its deadline"
    late = now() + timedelta(hours=49)
    ended, passed_on = offers.expire_offers(late, "system:notify")
    assert [(e.reference, e.status) for e in ended] == [(first.reference, "cancelled")]
    assert [(p.reference, p.status) for p in passed_on] == [(second.reference, "offered")]
    assert offers.expire_offers(now(), "system:notify") == ([], []), "the new offer has its own deadline"
    assert _actions(backend, first.id) == ["enrolled", "offered", "offer_expired"]
    too_late, _ = offers.accept_offer(second.reference, "parent", late)
    assert too_late.status == "cancelled", "accepting after the deadline is too late, even before the worker ran"
    assert _actions(backend, second.id) == ["enrolled", "offered", "offer_expired"]
    assert offers.counts()[("winter", "week-1")] == Counts(2, 1, 0), "with nobody left in line the place is free"


def test_a_family_whose_offer_ran_out_is_told_once_and_one_that_declined_is_not(offers, backend):
    confirmed, _, declining, lapsing, late, last = [enrol(offers, n) for n in range(6)]
    offers.cancel(confirmed.reference, "parent")
    offers.decline_offer(declining.reference, "parent")
    assert _expiry_messages(backend) == [], "declining is done on the page; no SMS tells the family what they just did"
    first_deadline = now() + timedelta(hours=49)
    offers.expire_offers(first_deadline, "system:notify")
    assert offers.expire_offers(now(), "system:notify") == ([], []), "an ended offer is not ended, or told, again"
    too_late, _ = offers.accept_offer(late.reference, "parent", first_deadline)
    assert too_late.status == "cancelled" and _actions(backend, late.id)[-1] == "offer_expired"
    messages = _expiry_messages(backend)
    assert [(enrolment_id, recipient) for enrolment_id, recipient, _ in messages] == [(lapsing.id, lapsing.phone), (late.id, late.phone)], (
        "one message for each offer that ran out, whether the worker or a late 确认 found it"
    )
    payload = json.loads(messages[0][2])
    assert (payload["reference"], payload["program"], payload["session"], payload["status"]) == (
        lapsing.reference,
        "winter",
        "week-1",
        "cancelled",
    )
    assert offers.get(last.reference).status == "offered", "the place went on to the next in line"
    assert [kind for (kind,) in backend.rows(f"SELECT kind FROM outbox WHERE enrolment_id = {declining.id} ORDER BY id")] == [
        "waitlisted",
        "offered",
    ]


def test_several_workers_expiring_at_once_end_each_offer_once(offers, backend):
    holders = [enrol(offers, n) for n in range(2)]
    waiting = [enrol(offers, n) for n in range(2, 8)]
    for holder in holders:
        offers.cancel(holder.reference, "parent")
    late, barrier, results = now() + timedelta(hours=49), threading.Barrier(4), []

    def expire():
        server = backend.open()
        barrier.wait()
        results.append(server.expire_offers(late, "system:notify"))
        server.close()

    threads = [threading.Thread(target=expire) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # A worker starting after another's offers may find those past `late` too: they end as well, each once.
    ended = [e.reference for done, _ in results for e in done]
    assert len(ended) >= 2 and len(ended) == len(set(ended))
    assert backend.rows("SELECT count(*) FROM events WHERE action = 'offer_expired'") == [(len(ended),)]
    assert backend.rows("SELECT count(*) FROM outbox WHERE kind = 'offer_expired'") == [(len(ended),)], "each family told once"
    in_line = [w.reference for w in waiting]
    assert sorted(ended, key=in_line.index) == in_line[: len(ended)], "offers end, and were made, in queue order"
    on_offer = [r for (r,) in backend.rows("SELECT reference FROM enrolments WHERE status = 'offered' ORDER BY queue")]
    assert on_offer == in_line[len(ended) : len(ended) + 2]


def test_a_staff_cancel_of_an_offer_passes_it_on(offers):
    confirmed, _, first, second = [enrol(offers, n) for n in range(4)]
    offers.cancel(confirmed.reference, "parent")
    _, passed_on = offers.cancel(first.reference, "staff:li", notify=True)
    assert [(p.reference, p.status) for p in passed_on] == [(second.reference, "offered")]


def test_raising_capacity_offers_in_queue_order_and_never_more_than_free(offers):
    answers = [enrol(offers, n) for n in range(6)]
    raised = [replace(p, capacity=4) if p.session == "week-1" else p for p in OFFERS]
    promoted = offers.sync_places(raised, "stamp-2", "staff")
    assert [(p.reference, p.status) for p in promoted] == [(a.reference, "offered") for a in answers[2:4]]
    assert offers.counts()[("winter", "week-1")] == Counts(4, 4, 2)
    assert offers_on(offers) == [a.reference for a in answers[2:4]]


def test_without_offer_hours_a_promotion_confirms_at_once(offers):
    confirmed, _, first = [enrol(offers, n, session="week-2") for n in range(3)]
    _, promoted = offers.cancel(confirmed.reference, "parent")
    assert [(p.reference, p.status, p.offer_expires_at) for p in promoted] == [(first.reference, "confirmed", None)]


def test_after_a_lottery_draw_the_drawn_waitlist_is_offered_in_drawn_order(offers):
    entries = [enrol(offers, n, program="draw") for n in range(4)]
    record, _ = offers.draw_lottery("draw", "week-1", draw_all, "staff:li")
    roster = {e.reference: e for e in offers.roster("draw", "week-1")}
    winner = next(r for r in roster.values() if r.status == "confirmed")
    _, promoted = offers.cancel(winner.reference, "staff:li", notify=True)
    first_waiting = min((r for r in roster.values() if r.status == "waitlisted"), key=lambda r: r.position)
    assert [(p.reference, p.status) for p in promoted] == [(first_waiting.reference, "offered")]
    assert len(entries) == 4 and len(record["waitlisted"]) == 2


def offers_on(storage):
    return [e.reference for e in storage.roster("winter", "week-1") if e.status == "offered"]


def _actions(backend, enrolment_id):
    return [action for (action,) in backend.rows(f"SELECT action FROM events WHERE enrolment_id = {enrolment_id} ORDER BY id")]


def _expiry_messages(backend):
    return backend.rows("SELECT enrolment_id, recipient, payload FROM outbox WHERE kind = 'offer_expired' ORDER BY id")


def _parse(text):
    return datetime.fromisoformat(text)
