"""The outbox rows that tell a family their child's place changed.

They are written in the same transaction as the change itself, so a message
is queued exactly when the change commits; a sender reads the outbox later.
"""
import json

PROMOTED, DRAWN = "promoted", "drawn"


def place_changed(enrolment, kind, at):
    """Promoted off the waitlist, or (kind DRAWN) the lottery's result; the result page says which."""
    return {
        "created_at": at,
        "enrolment_id": enrolment.id,
        "kind": kind,
        "recipient": enrolment.phone,
        "payload": json.dumps(
            {"reference": enrolment.reference, "program": enrolment.program, "session": enrolment.session},
            ensure_ascii=False,
        ),
    }
