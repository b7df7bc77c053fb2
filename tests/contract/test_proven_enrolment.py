"""An enrolment that carries its SMS code: the code admits it and is used up in the
enrolment's own transaction, on both databases, so a parent at a 09:00 rush costs one write
turn instead of a code check and then an enrolment."""

from datetime import timedelta

import pytest

from forms_app.clock import now
from forms_app.storage import Duplicate, NotEnough, Proof, Unproven
from tests.contract.conftest import at_once
from tests.contract.test_storage import person

LIMITS = (timedelta(seconds=60), 5, 20, timedelta(hours=1))
PHONE = "13900000001"  # person(1)'s phone


def issued(storage, code_hash="right", phone=PHONE, at=None):
    at = at or now()
    assert storage.issue_code(phone, "address", code_hash, at, at + timedelta(minutes=5), LIMITS) == "ok"
    return at


def proof(code_hash, at, phone=PHONE, tries=5):
    return Proof(phone, code_hash, at, tries)


def test_the_right_code_enrols_and_is_used_up_by_that_enrolment(storage, backend):
    at = issued(storage)
    enrolment, replayed = storage.enrol(person(1), "s-1", "parent", proof("right", at))
    assert (enrolment.status, replayed) == ("confirmed", False)
    assert storage.check_code(PHONE, "right", at, 5) == "missing"
    with pytest.raises(Unproven) as unproven:
        storage.enrol(person(1, name="孩子二"), "s-2", "parent", proof("right", at))
    assert unproven.value.reason == "missing"
    assert backend.rows("SELECT count(*) FROM enrolments") == [(1,)]


def test_a_wrong_code_writes_nothing_but_its_try_and_burns_like_check_code(storage, backend):
    at = issued(storage)
    reasons = []
    for _ in range(2):
        with pytest.raises(Unproven) as unproven:
            storage.enrol(person(1), "s-1", "parent", proof("wrong", at, tries=2))
        reasons.append(unproven.value.reason)
    assert reasons == ["wrong", "burnt"]
    with pytest.raises(Unproven) as unproven:
        storage.enrol(person(1), "s-1", "parent", proof("right", at, tries=2))
    assert unproven.value.reason == "burnt"
    assert backend.rows("SELECT count(*) FROM enrolments") == [(0,)]
    assert backend.rows("SELECT count(*) FROM events") == [(0,)]
    assert backend.rows("SELECT count(*) FROM outbox") == [(0,)]


def test_an_expired_code_enrols_nobody(storage, backend):
    at = issued(storage)
    with pytest.raises(Unproven) as unproven:
        storage.enrol(person(1), "s-1", "parent", proof("right", at + timedelta(minutes=5, seconds=1)))
    assert unproven.value.reason == "expired"
    assert backend.rows("SELECT count(*) FROM enrolments") == [(0,)]


def test_a_resent_submission_gets_its_first_answer_though_its_code_is_spent(storage):
    at = issued(storage)
    first, _ = storage.enrol(person(1), "s-1", "parent", proof("right", at))
    again, replayed = storage.enrol(person(1), "s-1", "parent", proof("right", at))
    assert (again.reference, replayed) == (first.reference, True)


def test_a_duplicate_is_refused_after_its_code_proved_the_phone(storage):
    storage.enrol(person(1), "s-1", "parent")
    at = issued(storage)
    with pytest.raises(Duplicate):
        storage.enrol(person(1), "s-2", "parent", proof("right", at))
    assert storage.check_code(PHONE, "right", at, 5) == "missing"


def test_a_taken_enrolment_code_is_drawn_again_with_the_phone_still_proven(storage, backend, monkeypatch):
    from forms_app.storage import rules

    first, _ = storage.enrol(person(2), "s-2", "parent")
    draws = iter([first.code, "FRESH1"])
    monkeypatch.setattr(rules, "new_code", lambda: next(draws))
    at = issued(storage)
    enrolment, _ = storage.enrol(person(1), "s-1", "parent", proof("right", at))
    assert enrolment.code == "FRESH1"
    assert backend.rows("SELECT count(*) FROM enrolments") == [(2,)]


def test_siblings_all_or_none_are_proven_once_and_a_refusal_keeps_the_code_spent(storage, backend):
    at = issued(storage)
    with pytest.raises(Unproven):
        storage.enrol_together([person(1), person(1, name="孩子二")], "s-1", "parent", proof("wrong", at))
    family = [person(1, session="week-2"), person(1, session="week-2", name="孩子二")]
    enrolments, _ = storage.enrol_together(family, "s-1", "parent", proof("right", at))
    assert [e.status for e in enrolments] == ["confirmed", "confirmed"]
    later = issued(storage, "again", at=at + timedelta(minutes=2))
    crowd = [person(1, name=f"孩子{n}") for n in range(3, 6)]
    with pytest.raises(NotEnough):
        storage.enrol_together(crowd, "s-3", "parent", proof("again", later))
    assert storage.check_code(PHONE, "again", later, 5) == "missing"
    assert backend.rows("SELECT count(*) FROM enrolments") == [(2,)]


def test_one_code_sent_with_two_enrolments_at_once_admits_one(backend, storage):
    at = issued(storage)

    def attempt(own, n):
        try:
            return own.enrol(person(1, name=f"孩子{n}"), f"s-{n}", "parent", proof("right", at))[0].status
        except Unproven as unproven:
            return unproven.reason

    assert sorted(at_once(backend, 6, attempt)) == ["confirmed"] + ["missing"] * 5
