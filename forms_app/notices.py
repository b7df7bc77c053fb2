"""The outbox rows that tell a family their child's place changed.

They are written in the same transaction as the change itself, so a message
is queued exactly when the change commits; the worker (forms_app/messaging/
worker.py) reads the outbox and sends them. The payload keeps the status and
place in line the change produced, so the text says what happened then.
"""

import json

CONFIRMED, WAITLISTED, PROMOTED, OFFERED, DRAWN = "confirmed", "waitlisted", "promoted", "offered", "drawn"
MOVED, CANCELLED, REMINDER = "moved", "cancelled", "reminder"
KINDS = (CONFIRMED, WAITLISTED, PROMOTED, OFFERED, DRAWN, MOVED, CANCELLED, REMINDER)


def place_changed(enrolment, kind, at, status=None):
    """One message about `enrolment` (as it is after the change, unless `status` says otherwise)."""
    return {
        "created_at": at,
        "enrolment_id": enrolment.id,
        "kind": kind,
        "recipient": enrolment.phone,
        "payload": json.dumps(
            {
                "reference": enrolment.reference,
                "program": enrolment.program,
                "session": enrolment.session,
                "status": status or enrolment.status,
                "position": enrolment.position if (status or enrolment.status) == "waitlisted" else None,
                "deadline": enrolment.offer_expires_at if (status or enrolment.status) == "offered" else None,
            },
            ensure_ascii=False,
        ),
    }
