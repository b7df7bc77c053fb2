"""The storage contract for the staff console: rosters, moves, attendance, audit, accounts, lottery draw, purge."""

import functools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from forms_app.storage import Duplicate, StaffAccount, UnknownSession
from programs import lottery
from tests.contract.conftest import PLACES
from tests.contract.test_storage import enrol


def draw_all(seed, capacity, entries):
    return lottery.publication("draw", "week-1", capacity, seed, [[lottery.entry_ticket(seed, e.reference)] for e in entries])


def test_roster_lists_every_status_in_queue_order_and_status_counts_include_cancelled(storage):
    made = [enrol(storage, n) for n in range(4)]
    storage.cancel(made[0].reference, "parent")
    roster = storage.roster("winter", "week-1")
    assert [(e.reference, e.status, e.position) for e in roster] == [
        (made[1].reference, "confirmed", None),
        (made[2].reference, "confirmed", None),
        (made[3].reference, "waitlisted", 1),
        (made[0].reference, "cancelled", None),
    ]
    assert storage.status_counts()[("winter", "week-1")] == {"confirmed": 2, "waitlisted": 1, "cancelled": 1}


def test_promoting_by_hand_when_full_puts_the_person_first_in_line(storage):
    *_, first, second = [enrol(storage, n) for n in range(4)]
    moved = storage.promote(second.reference, "staff:li")
    assert (moved.status, moved.position) == ("waitlisted", 1)
    assert storage.get(first.reference).position == 2
    assert storage.promote(first.reference, "staff:li").position == 1
    assert [e.action for e in storage.audit("winter", "week-1", second.id)][-1] == "queued_first"


def test_a_move_admits_like_a_newcomer_and_frees_the_place_left_behind(storage):
    leaving, _, waiting = [enrol(storage, n) for n in range(3)]
    moved, promoted = storage.move(leaving.reference, "week-2", "staff:li")
    assert (moved.session, moved.status) == ("week-2", "confirmed")
    assert [p.reference for p in promoted] == [waiting.reference]
    actions = [(e.session, e.action) for e in storage.audit("winter", "week-1", leaving.id)]
    assert actions[-2:] == [("week-1", "moved_out"), ("week-2", "moved_in")]
    with pytest.raises(UnknownSession):
        storage.move(waiting.reference, "week-9", "staff:li")
    enrol(storage, 3, session="week-2", name=waiting.name, phone=waiting.phone, birthdate=waiting.birthdate)
    with pytest.raises(Duplicate):
        storage.move(waiting.reference, "week-2", "staff:li")


def test_attendance_keeps_the_last_mark_of_each_day_and_logs_every_mark(storage):
    made = enrol(storage, 1)
    storage.mark_attendance(made.reference, "2027-01-04", True, "staff:li")
    storage.mark_attendance(made.reference, "2027-01-04", False, "staff:wang")
    storage.mark_attendance(made.reference, "2027-01-05", True, "staff:li")
    assert storage.attendance("winter", "week-1") == {(made.id, "2027-01-04"): False, (made.id, "2027-01-05"): True}
    assert [e.action for e in storage.audit("winter", "week-1")][-3:] == ["present", "absent", "present"]


def test_log_appends_to_the_session_audit(storage):
    made = enrol(storage, 1)
    storage.log("winter", "week-1", made.id, "phone_shown", "staff:li", {"why": "电话联系"})
    last = storage.audit("winter", "week-1")[-1]
    assert (last.enrolment_id, last.action, last.actor, last.detail) == (made.id, "phone_shown", "staff:li", {"why": "电话联系"})
    assert [e.action for e in storage.audit("winter", "week-1", made.id)] == ["enrolled", "phone_shown"]


def test_staff_accounts_are_saved_replaced_and_listed(storage):
    admin = StaffAccount("admin", None, True, "hash-1")
    li = StaffAccount("li", "望京街道总工会", False, "hash-2")
    storage.save_staff(li)
    storage.save_staff(admin)
    storage.save_staff(replace(li, disabled=True))
    assert storage.staff("li") == replace(li, disabled=True)
    assert storage.staff("nobody") is None
    assert storage.all_staff() == [admin, replace(li, disabled=True)]


def test_a_district_admin_keeps_its_district_and_a_save_can_widen_or_narrow_it(storage):
    chaoyang = StaffAccount("chaoyang", None, True, "hash-3", district="北京市朝阳区")
    storage.save_staff(chaoyang)
    assert storage.staff("chaoyang").district == "北京市朝阳区"
    storage.save_staff(replace(chaoyang, district=None))
    assert storage.staff("chaoyang").district is None
    storage.save_staff(replace(chaoyang, district="江西省新余市"))
    assert [a.district for a in storage.all_staff()] == ["江西省新余市"]


def test_a_lottery_seed_is_committed_once_and_the_draw_runs_once(storage, backend):
    [committed] = storage.lotteries()
    assert (committed.program, committed.commitment, committed.drawn_at) == ("draw", lottery.commitment(committed.seed), None)
    storage.sync_places(PLACES, "stamp-2", "test")
    assert storage.lotteries() == [committed]

    entries = [enrol(storage, n, program="draw") for n in range(3)]
    record, fresh = storage.draw_lottery("draw", "week-1", draw_all, "staff:li")
    assert fresh and len(record["confirmed"]) == 2
    ticket = functools.partial(lottery.entry_ticket, committed.seed)
    statuses = {ticket(e.reference): (e.status, e.position) for e in storage.roster("draw", "week-1")}
    assert statuses[record["waitlisted"][0]] == ("waitlisted", 1)
    assert {statuses[code][0] for code in record["confirmed"]} == {"confirmed"}
    assert storage.draw_lottery("draw", "week-1", draw_all, "staff:li") == (record, False)
    assert storage.lotteries()[0].publication == record
    assert backend.rows("SELECT count(*) FROM outbox WHERE kind = 'drawn'") == [(len(entries),)]
    with pytest.raises(UnknownSession):
        storage.draw_lottery("winter", "week-1", draw_all, "staff:li")


def test_purge_anonymises_ended_sessions_and_keeps_counts(storage):
    ended = [replace(p, ends=date(2026, 1, 9)) if p.session == "week-1" else replace(p, ends=date(2027, 1, 9)) for p in PLACES]
    storage.sync_places(ended, "stamp-2", "test")
    old, later = enrol(storage, 1), enrol(storage, 2, session="week-2")
    before = storage.counts()
    assert storage.purge(date(2026, 6, 1), "system:purge") == 1
    assert storage.purge(date(2026, 6, 1), "system:purge") == 0
    purged = storage.get(old.reference)
    assert (purged.phone, purged.birthdate, purged.status) == ("", None, "confirmed") and old.name not in purged.name
    assert storage.get(later.reference) == later
    assert storage.counts() == before


def test_a_purge_limited_to_some_programs_leaves_the_others_alone(storage):
    storage.sync_places([replace(p, ends=date(2026, 1, 9)) for p in PLACES], "stamp-2", "test")
    winter, draw = enrol(storage, 1), enrol(storage, 2, program="draw")
    storage.cancel(winter.reference, "parent")
    storage.cancel(draw.reference, "parent")
    assert storage.purge(date(2026, 6, 1), "staff:chaoyang", programs={"elsewhere"}) == 0
    assert storage.purge_cancelled(datetime.now(UTC) + timedelta(days=1), "staff:chaoyang", programs={"elsewhere"}) == 0
    assert storage.get(winter.reference).name == winter.name
    assert storage.purge(date(2026, 6, 1), "staff:chaoyang", programs={"winter"}) == 1
    assert storage.get(winter.reference).name != winter.name and storage.get(draw.reference).name == draw.name
    assert storage.purge_cancelled(datetime.now(UTC) + timedelta(days=1), "staff:all") == 1
    assert storage.get(draw.reference).name != draw.name
