"""What the outbox holds for one message, as the worker and the staff console read it.

The SMS worker leases rows, sends them and records the provider's answer;
staff see each row's state beside the person it was for.
"""

import json
from dataclasses import dataclass

from .records import from_row

QUEUED, SENT, RETRYING, FAILED = "queued", "sent", "retrying", "failed"
STATE_LABELS = {QUEUED: "排队中", SENT: "已发送", RETRYING: "发送失败，等待重试", FAILED: "发送失败"}

COLUMNS = (
    "o.id, o.created_at, o.enrolment_id, o.kind, o.recipient, o.payload, o.sent_at, o.lease_owner, o.lease_until,"
    " o.send_key, o.attempts, o.next_at, o.provider_id, o.error, o.failed_at"
)


@dataclass(frozen=True)
class Message:
    id: int
    created_at: str
    enrolment_id: int | None
    kind: str
    recipient: str | None
    payload: dict
    sent_at: str | None
    send_key: str | None
    attempts: int
    next_at: str | None
    provider_id: str | None
    error: str | None
    failed_at: str | None
    # Set by a claim when an earlier lease ran out with no outcome recorded: that worker may have sent it.
    uncertain: bool = False
    name: str | None = None

    @property
    def state(self):
        if self.sent_at:
            return SENT
        if self.failed_at:
            return FAILED
        return RETRYING if self.error else QUEUED

    @property
    def state_label(self):
        return STATE_LABELS[self.state]


def message(row, uncertain=False):
    return from_row(Message, row, payload=json.loads(row["payload"] or "{}"), uncertain=uncertain)
