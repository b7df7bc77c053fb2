"""Who gets a place, stated without a database: the rules every transaction in storage applies."""

from types import SimpleNamespace

from forms_app import capacity
from forms_app.capacity import CONFIRMED, LOTTERY, WAITLISTED


def test_newcomers_are_confirmed_while_places_are_free_and_nobody_waits():
    assert capacity.status_for_new("first_come", capacity=3, confirmed=2, waiting=0) == CONFIRMED
    assert capacity.status_for_new("first_come", capacity=3, confirmed=3, waiting=0) == WAITLISTED


def test_a_newcomer_never_jumps_the_queue_even_when_a_place_is_free():
    assert capacity.status_for_new("first_come", capacity=3, confirmed=1, waiting=1) == WAITLISTED


def test_a_lottery_collects_entries_until_its_draw_then_queues_like_first_come():
    assert capacity.status_for_new("lottery", capacity=3, confirmed=0, waiting=0) == LOTTERY
    assert capacity.status_for_new("lottery", capacity=3, confirmed=3, waiting=0, drawn=True) == WAITLISTED
    assert capacity.status_for_new("lottery", capacity=3, confirmed=2, waiting=0, drawn=True) == CONFIRMED


def test_freed_places_go_to_the_waitlist_and_a_lowered_capacity_drops_nobody():
    assert capacity.places_to_fill(capacity=5, confirmed=3, waiting=10) == 2
    assert capacity.places_to_fill(capacity=5, confirmed=3, waiting=1) == 1
    assert capacity.places_to_fill(capacity=2, confirmed=4, waiting=10) == 0


def test_staff_promote_by_hand_only_into_a_free_place_else_to_the_front_of_the_line():
    assert capacity.by_hand(capacity=2, confirmed=1) == CONFIRMED
    assert capacity.by_hand(capacity=2, confirmed=2) == WAITLISTED
    assert capacity.first_in_line(front=7) < 7


def test_a_draw_confirms_winners_then_queues_the_rest_in_drawn_order():
    entries = [SimpleNamespace(code=code) for code in "ABCD"]
    record = {"confirmed": ["C", "A"], "waitlisted": ["D", "B"]}
    ranked = [(entry.code, status, rank) for entry, status, rank in capacity.drawn_order(record, {e.code: e for e in entries})]
    assert ranked == [("C", CONFIRMED, 1), ("A", CONFIRMED, 2), ("D", WAITLISTED, 3), ("B", WAITLISTED, 4)]


def test_an_offer_holds_a_place_as_a_confirmation_does():
    assert capacity.HOLDS_PLACE == (CONFIRMED, "offered")
    assert capacity.promotion(None) == CONFIRMED and capacity.promotion(48) == "offered"
    assert capacity.places_to_fill(capacity=2, confirmed=2, waiting=3) == 0


def test_every_status_has_chinese_words_and_the_roster_order():
    assert capacity.STATUSES == (CONFIRMED, "offered", LOTTERY, WAITLISTED, "cancelled")
    assert capacity.STATUS_LABELS["offered"] == "待确认"
    assert all(capacity.STATUS_LABELS[status] for status in capacity.STATUSES)
    assert capacity.remaining(capacity=3, confirmed=5) == 0
