"""The messages-and-verification transactions keep their promises on both databases, under
concurrency too: one code a minute per phone however many requests arrive at once."""

from datetime import timedelta

from forms_app.clock import now
from forms_app.storage import Places
from tests.contract.conftest import PLACES, at_once
from tests.contract.test_storage import person

LIMITS = (timedelta(seconds=60), 5, 20, timedelta(hours=1))


def test_requests_at_once_for_one_phone_issue_one_code(backend, storage):
    at = now()

    def ask(own, n):
        return own.issue_code("13912340001", f"address-{n}", f"hash-{n}", at, at + timedelta(minutes=5), LIMITS)

    assert sorted(at_once(backend, 8, ask)) == ["ok"] + ["too_soon"] * 7


def test_a_code_is_checked_once_and_wrong_tries_burn_it(storage):
    at = now()
    assert storage.issue_code("13912340001", "a", "right", at, at + timedelta(minutes=5), LIMITS) == "ok"
    assert storage.check_code("13912340001", "wrong", at, 2) == "wrong"
    assert storage.check_code("13912340001", "right", at, 2) == "ok"
    assert storage.check_code("13912340001", "right", at, 2) == "missing"
    later = at + timedelta(minutes=1, seconds=1)
    assert storage.issue_code("13912340001", "a", "again", later, later + timedelta(minutes=5), LIMITS) == "ok"
    assert [storage.check_code("13912340001", "wrong", later, 2) for _ in range(2)] == ["wrong", "burnt"]
    assert storage.check_code("13912340001", "again", later, 2) == "burnt"
    assert storage.check_code("13912340001", "again", later + timedelta(minutes=6), 2) == "expired"


def test_old_verification_rows_are_forgotten(storage, backend):
    at = now()
    storage.issue_code("13912340001", "a", "h", at - timedelta(days=2), at, LIMITS)
    storage.issue_code("13912340002", "b", "h", at, at + timedelta(minutes=5), LIMITS)
    assert storage.forget_codes(at - timedelta(days=1)) == 2
    assert backend.rows("SELECT phone FROM phone_codes") == [("13912340002",)]


def test_a_short_link_is_made_once_per_reference(storage):
    token = storage.short_link("reference-1")
    assert len(token) == 10 and storage.short_link("reference-1") == token
    assert storage.link_reference(token) == "reference-1" and storage.link_reference("NOPE") is None


def test_given_up_messages_are_counted_and_listed_for_the_programs_asked_only(storage):
    storage.sync_places([*PLACES, Places("other", "week-1", 10, "first_come")], "stamp-2", "test")
    storage.enrol(person(1, session="week-2"), "s-1", "parent")
    for n in range(2, 6):
        storage.enrol(person(n, program="other"), f"s-{n}", "parent")
    at = now().isoformat()
    for message in storage.claim_messages("worker-1", "2099-01-01T00:00:00+08:00", "2099-01-01T00:05:00+08:00"):
        storage.mark_failed(message.id, "worker-1", "号码停机", at)
    count, rows = storage.failed_messages(limit=2, programs={"winter"})
    assert count == 1 and [(program, session) for program, session, _ in rows] == [("winter", "week-2")]
    assert storage.failed_messages(limit=2, programs=set()) == (0, [])
    everything, newest = storage.failed_messages(limit=2)
    assert everything == 5 and [program for program, _, _ in newest] == ["other", "other"]
