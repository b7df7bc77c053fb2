"""An enrolment's statement runs under its session's lock, so each of its searches must stay
inside that session's entries: one that reads every session's rows makes every parent at a
rush wait for a file that grows all season."""

from datetime import datetime, timezone

import pytest

from forms_app.db import get_db
from forms_app.storage.sqlite import SqliteDatabase, Transaction
from tests.app.helpers import api_child


@pytest.mark.sqlite_only
def test_every_search_of_an_enrolment_stays_inside_its_session(client, monkeypatch):
    seen = []
    original = SqliteDatabase.insert_locked

    def spy(self, before, lock, lock_params, insert, params, followers):
        seen.append((self.conn, insert, params))
        return original(self, before, lock, lock_params, insert, params, followers)

    monkeypatch.setattr(SqliteDatabase, "insert_locked", spy)
    assert client.post("/api/enrolments", json=api_child()).status_code == 201
    conn, insert, params = seen[0]
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + insert, params)]
    of_enrolments = [step for step in plan if step.startswith(("SEARCH e ", "SEARCH w ", "SCAN"))]
    assert len(of_enrolments) >= 3, plan
    assert [step for step in of_enrolments if "(program=? AND session=?" not in step] == []


@pytest.fixture
def first_read_plan(monkeypatch):
    """plan(call): the query plan of the first read `call` makes through Transaction.all."""

    def plan(call):
        seen, original = [], Transaction.all
        monkeypatch.setattr(
            Transaction, "all", lambda self, sql, params=(): seen.append((self.conn, sql, params)) or original(self, sql, params)
        )
        answer = call()
        monkeypatch.setattr(Transaction, "all", original)
        conn, sql, params = seen[0]
        return answer, [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]

    return plan


@pytest.mark.sqlite_only
def test_the_offer_sweep_reads_only_offers(app, client, first_read_plan):
    """The worker's sweep for offers past their deadline searches the index of offers alone, which
    no other enrolment writes to, instead of reading every enrolment of the season."""
    assert client.post("/api/enrolments", json=api_child()).status_code == 201
    with app.app_context():
        _, plan = first_read_plan(lambda: get_db().expire_offers(datetime.now(timezone.utc), "test"))
    assert [step for step in plan if step.startswith(("SEARCH", "SCAN"))] == [
        "SEARCH enrolments USING INDEX enrolments_offers (offer_expires_at<?)"
    ], plan


@pytest.mark.sqlite_only
def test_the_sender_reads_only_messages_still_to_send(app, client, first_read_plan):
    """Sent messages stay all season; the worker's claim, every few seconds, walks the index of
    those still to send, oldest first, and stops at its limit."""
    assert client.post("/api/enrolments", json=api_child()).status_code == 201
    with app.app_context():
        [message], plan = first_read_plan(lambda: get_db().claim_messages("test", "2099-01-01T00:00:00", "2099-01-01T00:01:00"))
    assert message.kind == "confirmed"
    assert plan == ["SCAN outbox USING INDEX outbox_pending"], plan
