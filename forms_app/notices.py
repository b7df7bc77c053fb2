"""The outbox rows that tell a family their child's place changed.

They are written in the same transaction as the change itself, so a message
is queued exactly when the change commits; the worker (forms_app/messaging/
worker.py) reads the outbox and sends them. The payload keeps the status and
place in line the change produced, so the text says what happened then.
"""

import json

CONFIRMED, WAITLISTED, PROMOTED, OFFERED, DRAWN = "confirmed", "waitlisted", "promoted", "offered", "drawn"
OFFER_EXPIRED, MOVED, CANCELLED, REMINDER = "offer_expired", "moved", "cancelled", "reminder"
KINDS = (CONFIRMED, WAITLISTED, PROMOTED, OFFERED, OFFER_EXPIRED, DRAWN, MOVED, CANCELLED, REMINDER)
# What a payload holds, in order, with the enrolments column each comes from: storage's
# one-statement enrolment builds the same object in SQL from these columns.
PAYLOAD = {
    "reference": "reference",
    "program": "program",
    "session": "session",
    "status": "status",
    "position": "position",
    "deadline": "offer_expires_at",
}


def place_changed(enrolment, kind, at, status=None):
    """One message about `enrolment` (as it is after the change, unless `status` says otherwise)."""
    status = status or enrolment.status
    values = {
        "reference": enrolment.reference,
        "program": enrolment.program,
        "session": enrolment.session,
        "status": status,
        "position": enrolment.position if status == "waitlisted" else None,
        "deadline": enrolment.offer_expires_at if status == "offered" else None,
    }
    return {
        "created_at": at,
        "enrolment_id": enrolment.id,
        "kind": kind,
        "recipient": enrolment.phone,
        "payload": json.dumps({field: values[field] for field in PAYLOAD}, ensure_ascii=False),
    }
