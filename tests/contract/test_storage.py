"""The storage contract: every backend gives the same answers to the same calls."""

import itertools
import json
import threading
from dataclasses import replace
from datetime import date

import pytest

from forms_app import capacity
from forms_app.storage import Applicant, Counts, Duplicate, NotEnough, UnknownSession, migrations, rules
from tests.contract.conftest import PLACES


def person(n, **changes):
    fields = dict(
        program="winter",
        session="week-1",
        name=f"孩子{n}",
        phone=f"139{n:08d}",
        employer="望京科技",
        birthdate=date(2017, 1, n % 28 + 1),
        guardian_name="家长",
        answers={"lunch": True},
        consent="同意",
    )
    return Applicant(**{**fields, **changes})


def enrol(storage, n, **changes):
    return storage.enrol(person(n, **changes), f"submission-{n}", "parent")[0]


def test_places_are_confirmed_then_waitlisted_in_arrival_order(storage):
    answers = [enrol(storage, n) for n in range(5)]
    assert [(a.status, a.position) for a in answers] == [("confirmed", None)] * 2 + [("waitlisted", p) for p in (1, 2, 3)]
    fetched = storage.get(answers[3].reference)
    assert (fetched.status, fetched.position, fetched.answers, fetched.birthdate) == ("waitlisted", 2, {"lunch": True}, date(2017, 1, 4))
    assert storage.get("no-such-reference") is None


def test_a_lottery_session_only_registers(storage):
    answers = [enrol(storage, n, program="draw") for n in range(3)]
    assert {a.status for a in answers} == {"lottery"}


def test_the_same_person_holds_one_live_enrolment_per_session(storage):
    first = enrol(storage, 1)
    with pytest.raises(Duplicate) as raised:
        storage.enrol(person(1), "another-submission", "parent")
    assert raised.value.existing.reference == first.reference
    assert enrol(storage, 1, session="week-2").status == "confirmed"
    assert enrol(storage, 2, name="孩子1", birthdate=None).status == "confirmed"
    storage.cancel(first.reference, "parent")
    assert storage.enrol(person(1), "after-cancelling", "parent")[0].status == "confirmed"


def test_a_replayed_submission_returns_the_first_answer(storage):
    siblings = [person(1), person(2, phone=person(1).phone)]
    first = [storage.enrol(child, "family", "parent") for child in siblings]
    again = [storage.enrol(child, "family", "parent") for child in siblings]
    assert [replayed for _, replayed in first] == [False, False] and [replayed for _, replayed in again] == [True, True]
    assert [e.reference for e, _ in again] == [e.reference for e, _ in first]
    assert [e.name for e in storage.submission("family")] == ["孩子1", "孩子2"]
    assert storage.counts()[("winter", "week-1")] == Counts(2, 2, 0)


def test_the_database_decides_a_newcomer_exactly_as_capacity_status_for_new(storage):
    """Enrolment asks the database for the status (rules.STATUS_FOR_NEW); it must be the rule's."""
    cases = list(itertools.product(["first_come", "lottery"], [0, 1, 3], [0, 1, 2, 3, 4], [0, 1, 5], [False, True]))
    rows = " UNION ALL ".join(
        f"SELECT {n} AS n, '{mode}' AS mode, {places} AS capacity, {holding} AS holding, {waiting} AS waiting, {str(drawn).lower()} AS drawn"
        for n, (mode, places, holding, waiting, drawn) in enumerate(cases)
    )
    with storage.database.reading() as tx:
        found = {row["n"]: row["status"] for row in tx.all(f"SELECT n, {rules.STATUS_FOR_NEW} AS status FROM ({rows}) AS cases")}
    assert [found[n] for n in range(len(cases))] == [capacity.status_for_new(*case) for case in cases]


def test_a_newcomer_s_event_and_message_say_the_status_and_place_in_line_it_got(storage, backend):
    answers = [enrol(storage, n) for n in range(4)] + [enrol(storage, 9, program="draw")]
    events = backend.rows("SELECT enrolment_id, action, actor, detail FROM events WHERE action = 'enrolled' ORDER BY id")
    assert [(i, action, actor, json.loads(detail)) for i, action, actor, detail in events] == [
        (a.id, "enrolled", "parent", {"status": a.status}) for a in answers
    ]
    messages = backend.rows("SELECT enrolment_id, kind, recipient, payload FROM outbox ORDER BY id")
    assert [(i, kind, to, json.loads(payload)) for i, kind, to, payload in messages] == [
        (
            a.id,
            a.status,
            a.phone,
            {
                "reference": a.reference,
                "program": "winter",
                "session": "week-1",
                "status": a.status,
                "position": a.position,
                "deadline": None,
            },
        )
        for a in answers[:4]
    ]
    assert [a.position for a in answers[:4]] == [None, None, 1, 2]


def test_a_taken_code_is_drawn_again_without_a_second_enrolment(storage, backend, monkeypatch):
    first = enrol(storage, 1)
    codes = iter([first.code, "ZZZZZZZZ"])
    monkeypatch.setattr(rules, "new_code", lambda: next(codes))
    second = enrol(storage, 2)
    assert (second.code, second.status) == ("ZZZZZZZZ", "confirmed")
    assert backend.rows("SELECT count(*) FROM enrolments") == [(2,)]
    assert backend.rows("SELECT count(*) FROM events WHERE action = 'enrolled'") == [(2,)]


def test_an_unsynced_session_is_refused(storage):
    with pytest.raises(UnknownSession):
        enrol(storage, 1, session="week-9")


def test_cancelling_a_place_promotes_the_first_waitlisted_and_writes_the_outbox(storage, backend):
    confirmed, _, first, second = [enrol(storage, n) for n in range(4)]
    cancelled, promoted = storage.cancel(confirmed.reference, "parent")
    assert cancelled.status == "cancelled"
    assert [p.reference for p in promoted] == [first.reference] and promoted[0].status == "confirmed"
    assert storage.get(second.reference).position == 1
    assert backend.rows("SELECT enrolment_id, kind, recipient FROM outbox WHERE kind = 'promoted'") == [(first.id, "promoted", first.phone)]
    assert storage.cancel(confirmed.reference, "parent") == (storage.get(confirmed.reference), [])
    assert storage.cancel("no-such-reference", "parent") == (None, [])


def test_cancelling_a_waitlisted_place_promotes_nobody(storage, backend):
    *_, waiting, last = [enrol(storage, n) for n in range(4)]
    assert storage.cancel(waiting.reference, "parent")[1] == []
    assert storage.get(last.reference).position == 1
    assert backend.rows("SELECT count(*) FROM outbox WHERE kind = 'promoted'") == [(0,)]


def test_lowering_capacity_drops_nobody_and_raising_it_promotes_in_order(storage, backend):
    answers = [enrol(storage, n) for n in range(5)]
    lowered = [replace(p, capacity=1) if p.session == "week-1" and p.program == "winter" else p for p in PLACES]
    assert storage.sync_places(lowered, "stamp-2", "staff") == []
    assert storage.counts()[("winter", "week-1")] == Counts(1, 2, 3)
    assert storage.catalogue_stamp() == "stamp-2"

    raised = [replace(p, capacity=4) if p.session == "week-1" and p.program == "winter" else p for p in PLACES]
    promoted = storage.sync_places(raised, "stamp-3", "staff")
    assert [p.reference for p in promoted] == [a.reference for a in answers[2:4]]
    assert storage.get(answers[4].reference).position == 1
    changes = backend.rows("SELECT action, actor FROM events WHERE action = 'capacity_changed' ORDER BY id")
    assert changes == [("capacity_changed", "staff")] * 2


def test_counts_cover_every_synced_session(storage):
    enrol(storage, 1)
    enrol(storage, 2, program="draw")
    assert storage.counts() == {
        ("winter", "week-1"): Counts(2, 1, 0),
        ("winter", "week-2"): Counts(5, 0, 0),
        ("draw", "week-1"): Counts(2, 0, 0, entered=1),
    }


def test_find_needs_the_code_and_the_phone_together(storage):
    made = enrol(storage, 1)
    assert storage.find(made.phone, made.code).reference == made.reference
    assert storage.find("13900000099", made.code) is None
    assert storage.find(made.phone, "ZZZZZZZZ") is None


def test_migrations_are_idempotent_and_a_new_step_keeps_the_data(storage, monkeypatch):
    made = enrol(storage, 1)
    assert storage.create_schema() == []
    step = (migrations.latest() + 1, "test step", "ALTER TABLE enrolments ADD COLUMN contract_note TEXT")
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS + [step])
    assert storage.create_schema() == [step[0]]
    assert storage.create_schema() == []
    assert storage.get(made.reference) == made


def test_app_servers_starting_together_apply_each_step_once(backend):
    storages = [backend.open() for _ in range(4)]
    applied, barrier = [], threading.Barrier(len(storages))

    def start(storage):
        barrier.wait()
        applied.append(storage.create_schema())

    threads = [threading.Thread(target=start, args=(s,)) for s in storages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for storage in storages:
        storage.close()
    assert sorted(applied, key=len) == [[]] * 3 + [[step[0] for step in migrations.MIGRATIONS]]


def test_concurrent_writers_never_overbook(backend, storage):
    """Each thread is its own app server with its own connection, as gunicorn workers on several machines are."""
    answers, barrier = [], threading.Barrier(16)

    def rush(n):
        server = backend.open()
        barrier.wait()
        answers.append(enrol(server, n))
        server.close()

    threads = [threading.Thread(target=rush, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(a.status == "confirmed" for a in answers) == 2
    waiting = sorted((a for a in answers if a.status == "waitlisted"), key=lambda a: a.id)
    assert [a.position for a in waiting] == list(range(1, 15))
    assert storage.counts()[("winter", "week-1")] == Counts(2, 2, 14)


def test_ping_reads_and_writes(storage):
    storage.ping()


def test_backup_copies_an_sqlite_file_and_points_postgresql_to_pg_dump(storage, backend, tmp_path):
    made = enrol(storage, 1)
    if backend.kind == "postgresql":
        with pytest.raises(NotImplementedError, match="pg_dump"):
            storage.backup(tmp_path / "copy")
        return
    storage.backup(tmp_path / "copy.sqlite3")
    copy = type(storage)(str(tmp_path / "copy.sqlite3"))
    assert copy.get(made.reference) == made
    copy.close()


def family(*numbers, **changes):
    """Siblings sharing one phone, as a parent fills them into one form."""
    return [person(n, phone="13900000099", **changes) for n in numbers]


def test_siblings_all_or_none_are_all_confirmed_or_nothing_is_written(storage, backend):
    enrol(storage, 1)
    with pytest.raises(NotEnough) as raised:
        storage.enrol_together(family(2, 3), "family", "parent")
    assert raised.value.remaining == 1
    assert storage.submission("family") == [] and storage.counts()[("winter", "week-1")] == Counts(2, 1, 0)
    assert backend.rows("SELECT count(*) FROM outbox")[0][0] == 1
    together, replayed = storage.enrol_together(family(2, 3, session="week-2"), "family-2", "parent")
    assert not replayed and [(e.name, e.status) for e in together] == [("孩子2", "confirmed"), ("孩子3", "confirmed")]
    events = backend.rows("SELECT enrolment_id, detail FROM events WHERE action = 'enrolled' ORDER BY id")[1:]
    assert [(i, json.loads(detail)) for i, detail in events] == [(e.id, {"status": "confirmed"}) for e in together]
    assert [kind for (kind,) in backend.rows("SELECT kind FROM outbox ORDER BY id")] == ["confirmed"] * 3
    again, replayed = storage.enrol_together(family(2, 3, session="week-2"), "family-2", "parent")
    assert replayed and [e.reference for e in again] == [e.reference for e in together]


def test_siblings_all_or_none_never_jump_a_waitlist_nor_double_a_child(storage):
    for n in range(3):
        enrol(storage, n)
    storage.cancel(storage.submission("submission-0")[0].reference, "parent")
    # The cancelled place went to the one waiting; with the session full, no group fits.
    with pytest.raises(NotEnough) as raised:
        storage.enrol_together(family(5, 6), "family", "parent")
    assert raised.value.remaining == 0
    enrol(storage, 7, session="week-2")
    with pytest.raises(Duplicate):
        storage.enrol_together([person(8, session="week-2"), person(7, session="week-2")], "family", "parent")
    assert storage.submission("family") == []
    with pytest.raises(UnknownSession):
        storage.enrol_together(family(5, 6, session="no-such-week"), "family", "parent")


def test_siblings_racing_all_or_none_never_leave_a_partial_group_nor_overbook(backend, storage):
    """Eight families of two or three children race for five places in their own connections:
    each family is wholly confirmed or wholly absent, and the places taken never pass five."""
    outcomes, barrier = {}, threading.Barrier(8)

    def rush(f):
        server = backend.open()
        children = [person(10 * f + c, session="week-2", phone=f"1380000{f:04d}") for c in range(2 + f % 2)]
        barrier.wait()
        try:
            outcomes[f] = [e.status for e in server.enrol_together(children, f"family-{f}", "parent")[0]]
        except NotEnough:
            outcomes[f] = []
        server.close()

    threads = [threading.Thread(target=rush, args=(f,)) for f in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 8
    stored = {f: [e.status for e in storage.submission(f"family-{f}")] for f in range(8)}
    assert stored == outcomes
    for f, statuses in stored.items():
        assert statuses in ([], ["confirmed"] * (2 + f % 2))
    taken = sum(len(statuses) for statuses in stored.values())
    assert 4 <= taken <= 5 and storage.counts()[("winter", "week-2")] == Counts(5, taken, 0)
