"""The outbox worker: `flask --app forms_app notify` sends what enrolment queued.

Enrolment only writes outbox rows in its own transaction and never waits on a
provider. This process claims due rows under a lease (so two workers never
take the same row), sends each through the configured sender with the row's
idempotency key, and records the provider's message id. A failure is retried
with growing pauses and given up after SMS_MAX_ATTEMPTS tries, when staff see
it with the provider's reason.

The guarantee after a crash: a parent never receives the same message twice.
A row whose lease ran out with no outcome recorded may have been sent; the
worker asks the provider by the row's key before sending. Aliyun can answer
(QuerySendDetails lists OutId); when a provider cannot (Tencent without
SessionContext echo), the row is marked failed as 发送结果不明 for staff to
check, rather than sent a second time.
"""

import logging
import os
import socket
import time
import uuid
from datetime import datetime, timedelta

from programs.phones import mask

from .. import served
from ..clock import now as clock_now
from ..db import get_db
from ..filters import deadline
from ..storage.rules import _iso
from . import mail, texts
from .senders import NOT_FOUND, UNKNOWN, SendFailed, from_config

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
BACKOFF_SECONDS = (30, 120, 600, 1800, 3600)
HOUSEKEEPING_EVERY = 600
ACTOR = "system:notify"
UNCERTAIN = "上次发送时进程中断，短信服务无法核实是否已送达；为免重复，没有再发。请电话联系家长。"


def backoff(attempts):
    """Seconds to wait after the `attempts`-th failed try: 30 s, 2 min, 10 min, 30 min, then hourly."""
    return BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1]


class Worker:
    def __init__(self, app, sender=None, now=clock_now):
        self.app = app
        self.sender = sender or from_config(app.config)
        self.now = now
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.housekept_at = None

    def run_once(self):
        """One pass: offers past their deadline end (their places are offered on, and those messages go
        out in this same pass), reminders and housekeeping when due, then every due message.
        Returns {outcome: count}."""
        done = {"sent": 0, "retrying": 0, "failed": 0, "recovered": 0, "reminders": 0, "expired": 0}
        with self.app.app_context():
            at = self.now()
            done["expired"] = len(get_db().expire_offers(at, ACTOR)[0])
            if self.housekept_at is None or time.monotonic() - self.housekept_at >= HOUSEKEEPING_EVERY:
                self.housekept_at = time.monotonic()
                done["reminders"] = self.queue_reminders(at)
                get_db().forget_codes(at - timedelta(days=1))
            while True:
                batch = get_db().claim_messages(self.owner, _iso(at), _iso(at + LEASE))
                for message in batch:
                    outcome = self.deliver(message, at)
                    done[outcome] += 1
                if not batch:
                    break
                at = self.now()
        return done

    def run(self, interval):
        log.info("notify worker %s started, provider %s", self.owner, self.sender.name)
        while True:
            try:
                self.run_once()
            except Exception:  # a database hiccup must not end the worker; the next pass retries
                log.exception("notify pass failed; trying again")
            time.sleep(interval)

    def queue_reminders(self, at):
        """The day before a session's first day, from REMINDER_HOUR on, queue its reminders (once each)."""
        if at.hour < self.app.config["REMINDER_HOUR"]:
            return 0
        tomorrow = at.date() + timedelta(days=1)
        queued = 0
        for program in served.catalogue().programs:
            for session in program.sessions:
                if session.start == tomorrow:
                    queued += get_db().queue_reminders(program.id, session.id, _iso(at))
        return queued

    def deliver(self, message, at):
        db, phone = get_db(), message.recipient
        if message.uncertain:
            try:
                found = self.sender.find(phone, message.send_key, datetime.fromisoformat(message.created_at))
            except SendFailed as failed:
                return self._failed(message, at, f"核实上次发送时出错：{failed.reason}")
            if found == UNKNOWN:
                db.mark_failed(message.id, self.owner, UNCERTAIN, _iso(at))
                log.warning("message %s to %s: outcome of an interrupted send unknown; not resent", message.id, mask(phone))
                self.tell_staff(message, UNCERTAIN)
                return "failed"
            if found != NOT_FOUND:
                db.mark_sent(message.id, found, _iso(self.now()))
                return "recovered"
        key = texts.template_for(message.kind, message.payload)
        try:
            params = self.params(message, key)
            provider_id = self.sender.send(phone, key, params, message.send_key)
        except SendFailed as failed:
            return self._failed(message, at, failed.reason)
        db.mark_sent(message.id, provider_id, _iso(self.now()))
        log.info("message %s (%s) to %s sent: %s", message.id, key, mask(phone), provider_id)
        return "sent"

    def _failed(self, message, at, reason):
        give_up = message.attempts >= self.app.config["SMS_MAX_ATTEMPTS"]
        retry_at = None if give_up else _iso(at + timedelta(seconds=backoff(message.attempts)))
        get_db().mark_failed(message.id, self.owner, reason, _iso(at), retry_at)
        log.warning("message %s to %s failed (try %s): %s", message.id, mask(message.recipient), message.attempts, reason)
        if give_up:
            self.tell_staff(message, reason)
        return "failed" if give_up else "retrying"

    def tell_staff(self, message, reason):
        """The optional e-mail to staff for a message given up on: class, session, kind, reason and
        the console link; no child's name or phone number."""
        if not mail.configured(self.app.config):
            return
        payload = message.payload
        program, session = served.catalogue().find(payload.get("program"), payload.get("session"))
        where = f"{program.title}（{session.name}）" if program and session else f"{payload.get('program')}/{payload.get('session')}"
        kind = texts.LABELS.get(texts.template_for(message.kind, payload), message.kind)
        link = f"{self.app.config.get('PUBLIC_URL') or ''}/staff/sessions/{payload.get('program')}/{payload.get('session')}/people/{message.enrolment_id}"
        mail.send_to_staff(
            self.app.config,
            f"短信发送失败：{where}的一条“{kind}”短信",
            f"{where}的一条“{kind}”短信没有发出，不会再自动重发。\n\n原因：{reason}\n\n"
            f"请打开这个人的页面查看，必要时电话通知家长：\n{link}\n",
        )

    def params(self, message, key):
        """The template's parameters for this message, fitted to one SMS."""
        payload = message.payload
        program, session = served.catalogue().find(payload.get("program"), payload.get("session"))
        values = {
            "name": message.name or "",
            "cls": program.title if program else payload.get("program", ""),
            "session": session.name if session else payload.get("session", ""),
            "position": payload.get("position") or "",
            "result": texts.result_words(payload.get("status"), payload.get("position")),
            "time": (session.time or session.days or "按时") if session else "按时",
            "deadline": deadline(payload["deadline"]) if payload.get("deadline") else "",
            "link": get_db().short_link(payload["reference"]) if payload.get("reference") else "",
        }
        wanted = {name: str(values[name]) for name in texts.TEMPLATES[key].params}
        return texts.fit(key, wanted, self.sender.sign_name, self.app.config.get("PUBLIC_URL"))
