"""The outbox worker through the real SDKs and the stand-ins: every message kind sent once
with its template and parameters, a crash between send and mark sends once, a provider
error is retried and then shown to staff."""

import email
import re
import socket
import threading
import time
from datetime import datetime, timedelta
from email import policy

import pytest
import yaml
from aiosmtpd.controller import Controller

from forms_app import lottery
from forms_app.db import get_db
from forms_app.messaging import texts
from forms_app.messaging.worker import UNCERTAIN, Worker
from forms_app.staff import accounts
from forms_app.storage import Applicant
from programs.model import SHANGHAI
from tests.app.helpers import ROOT, api_child, born, csrf_token, free_port, program_data, rows
from tests.messaging.conftest import TEMPLATES, provider_config

NOW = datetime.now(SHANGHAI)
NOON = NOW.replace(hour=12, minute=0, second=0, microsecond=0)
TOMORROW = NOW.date() + timedelta(days=1)


def write(classes, program_id, data):
    (classes.path / f"{program_id}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def programs(classes):
    """A first-come class with a session starting tomorrow, and a lottery class whose window has closed."""
    data = program_data(capacity=1, closes=NOW + timedelta(hours=6))
    data["sessions"].append(
        {
            **data["sessions"][0],
            "id": "week-2",
            "name": "第二期",
            "start": TOMORROW.isoformat(),
            "end": (TOMORROW + timedelta(days=4)).isoformat(),
        }
    )
    write(classes, "wangjing-winter", data)
    draw = program_data(
        capacity=1, mode="lottery", title="朝阳区职工子女暑期书法班", opens=NOW - timedelta(days=3), closes=NOW - timedelta(days=1)
    )
    write(classes, "draw-class", draw)
    offer = program_data(capacity=1, title="望京街道职工子女书法班")
    offer["registration"]["offer_hours"] = 48
    write(classes, "offer-class", offer)
    return classes


def make(make_app, name, standin, **config):
    return make_app(**{**provider_config(name, standin), "VERIFY_PHONE": False, **config})


def enrol(app, name, phone, program="wangjing-winter", session="week-1"):
    applicant = Applicant(program, session, name, phone, "北京望京科技有限公司", born(8), "王建国", {"lunch": True}, "v1")
    return get_db().enrol(applicant, f"sub-{name}", "parent")[0]


def every_kind(app):
    """One family for each message a family must hear of; returns {name: phone}."""
    phones = {name: f"1391234{n:04d}" for n, name in enumerate(["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬"], 1)}
    with app.app_context():
        db = get_db()
        first = enrol(app, "甲", phones["甲"])  # confirmed
        enrol(app, "乙", phones["乙"])  # waitlisted 1
        db.cancel(first.reference, "parent")  # 乙 promoted; 甲 cancelled it herself: no SMS
        third = enrol(app, "丙", phones["丙"])  # waitlisted 1
        db.move(third.reference, "week-2", "staff:wj")  # moved, confirmed there; reminder tomorrow
        fourth = enrol(app, "丁", phones["丁"], session="week-2")  # waitlisted 1
        db.cancel(fourth.reference, "staff:wj", notify=True)  # cancelled by staff
        enrol(app, "戊", phones["戊"], program="draw-class")
        enrol(app, "己", phones["己"], program="draw-class")
        program, session = app.extensions["catalogue"]["catalogue"].find("draw-class", "week-1")
        lottery.draw(program, session, "staff:wj", at=NOW)
        seventh = enrol(app, "庚", phones["庚"], program="offer-class")  # confirmed
        enrol(app, "辛", phones["辛"], program="offer-class")  # waitlisted 1
        enrol(app, "壬", phones["壬"], program="offer-class")  # waitlisted 2
        db.cancel(seventh.reference, "parent")  # 辛 offered the place, with a deadline
        db.expire_offers(NOW + timedelta(hours=49), "system:notify")  # 辛 let it pass; 壬 offered
    return phones


def test_every_message_kind_is_sent_once_with_its_template_and_parameters(make_app, programs, aliyun, database):
    app = make(make_app, "aliyun", aliyun)
    phones = every_kind(app)
    worker = Worker(app, now=lambda: NOON)
    done = worker.run_once()
    assert (done["sent"], done["reminders"]) == (16, 1)
    assert Worker(app, now=lambda: NOON).run_once()["sent"] == 0, "nothing is sent twice, reminders included"
    by_phone = {phone: name for name, phone in phones.items()}
    got = sorted((by_phone[s["PhoneNumbers"]], s["TemplateCode"], s["TemplateParam"].get("position")) for s in aliyun.sent)
    code = TEMPLATES
    won = next(s for s in aliyun.sent if s["TemplateCode"] == code["drawn_won"])["PhoneNumbers"]
    lost = next(p for p in (phones["戊"], phones["己"]) if p != won)
    assert got == sorted(
        [
            ("甲", code["confirmed"], None),
            ("乙", code["waitlisted"], "1"),
            ("乙", code["promoted"], None),
            ("丙", code["waitlisted"], "1"),
            ("丙", code["moved"], None),
            ("丙", code["reminder"], None),
            ("丁", code["waitlisted"], "1"),
            ("丁", code["cancelled"], None),
            (by_phone[won], code["drawn_won"], None),
            (by_phone[lost], code["drawn_waitlisted"], "1"),
            ("庚", code["confirmed"], None),
            ("辛", code["waitlisted"], "1"),
            ("辛", code["offered"], None),
            ("辛", code["offer_expired"], None),
            ("壬", code["waitlisted"], "2"),
            ("壬", code["offered"], None),
        ]
    )
    moved = next(s for s in aliyun.sent if s["TemplateCode"] == code["moved"])["TemplateParam"]
    assert {k: moved[k] for k in ("name", "cls", "session", "result")} == {
        "name": "丙",
        "cls": "望京街道总工会寒假托管班",
        "session": "第二期",
        "result": "报名成功",
    }
    reminder = next(s for s in aliyun.sent if s["TemplateCode"] == code["reminder"])["TemplateParam"]
    assert reminder["time"] == "08:30-17:30"
    assert all(s["SignName"] == "望京工会" and s["OutId"] for s in aliyun.sent)
    assert len({s["OutId"] for s in aliyun.sent}) == 16
    offered = next(s for s in aliyun.sent if s["TemplateCode"] == code["offered"])["TemplateParam"]
    assert re.fullmatch(r"\d{1,2}月\d{1,2}日 \d\d:\d\d", offered["deadline"]) and offered["session"] == "第一期"
    for sent in aliyun.sent:
        key = next(k for k, v in TEMPLATES.items() if v == sent["TemplateCode"])
        text = texts.render(key, sent["TemplateParam"], "望京工会", "https://bm.example.cn")
        assert len(text) <= texts.SMS_LENGTH, text
        assert f"bm.example.cn/s/{sent['TemplateParam']['link']}" in text
    promoted = next(s for s in aliyun.sent if s["TemplateCode"] == code["promoted"])
    page = app.test_client().get(f"/s/{promoted['TemplateParam']['link']}")
    assert page.status_code == 303 and "/r/" in page.headers["Location"]
    assert rows(database, "SELECT count(*) FROM outbox WHERE sent_at IS NULL OR provider_id IS NULL") == [(0,)]


def test_tencent_gets_the_same_templates_with_positional_parameters(make_app, programs, tencent):
    app = make(make_app, "tencent", tencent)
    with app.app_context():
        enrol(app, "甲", "13912340001")
        enrol(app, "乙", "13912340002")
    assert Worker(app, now=lambda: NOON).run_once()["sent"] == 2
    first, second = tencent.sent
    assert (first["TemplateId"], first["PhoneNumberSet"], first["SmsSdkAppId"]) == (
        TEMPLATES["confirmed"],
        ["+8613912340001"],
        "1400000001",
    )
    assert first["TemplateParamSet"][:3] == ["甲", "望京街道总工会寒假托管班", "第一期"]
    assert (second["TemplateId"], second["TemplateParamSet"][3]) == (TEMPLATES["waitlisted"], "1")


def lapsed_offer(app):
    """甲 confirmed in the offer class, 乙 waiting; 甲 cancels, 乙 is offered the place and lets it run out."""
    with app.app_context():
        first = enrol(app, "甲", "13912340001", program="offer-class")
        second = enrol(app, "乙", "13912340002", program="offer-class")
        get_db().cancel(first.reference, "parent")
        get_db().expire_offers(NOW + timedelta(hours=49), "system:notify")
    return second


def test_tencent_tells_a_lapsed_offer_with_its_template_and_positional_parameters(make_app, programs, tencent):
    app = make(make_app, "tencent", tencent)
    lapsed_offer(app)
    assert Worker(app, now=lambda: NOON).run_once()["sent"] == 4, "confirmed, waitlisted, offered, offer ran out"
    [expired] = [s for s in tencent.sent if s["TemplateId"] == TEMPLATES["offer_expired"]]
    assert expired["PhoneNumberSet"] == ["+8613912340002"]
    name, cls, session, link = expired["TemplateParamSet"]
    assert (name, session) == ("乙", "第一期") and "望京街道职工子女书法班".startswith(cls.removesuffix("…"))
    assert (
        len(
            texts.render("offer_expired", {"name": name, "cls": cls, "session": session, "link": link}, "望京工会", "https://bm.example.cn")
        )
        <= 70
    )


def test_the_development_sender_shows_the_lapsed_offer_text(make_app, programs, tmp_path):
    log = tmp_path / "dev-messages.log"
    app = make_app(
        SMS_PROVIDER="dev", DEV_MESSAGES=True, DEV_MESSAGES_FILE=str(log), PUBLIC_URL="http://127.0.0.1:8000", VERIFY_PHONE=False
    )
    lapsed_offer(app)
    Worker(app, now=lambda: NOON).run_once()
    page = app.test_client().get("/dev/messages").get_data(as_text=True)
    shown = re.search(r"乙的(\S+?)（第一期）候补名额已过确认期限，已让给下一位。详情 127\.0\.0\.1:8000/s/\w{10}", page)
    assert shown and "望京街道职工子女书法班".startswith(shown.group(1).removesuffix("…")), page


def test_a_long_class_title_is_shortened_so_the_text_fits_one_sms():
    params = {
        "name": "欧阳娜娜娜",
        "cls": "北京市朝阳区望京街道总工会二〇二七年寒假职工子女托管班",
        "session": "第一期",
        "position": "12",
        "link": "ABCDEFGHJK",
    }
    fitted = texts.fit("waitlisted", params, "望京街道总工会", "https://bm.example.cn")
    text = texts.render("waitlisted", fitted, "望京街道总工会", "https://bm.example.cn")
    assert len(text) <= 70 and fitted["cls"].endswith("…") and fitted["name"] == "欧阳娜娜娜"


class Crash(BaseException):
    """The worker process dying between the provider's answer and the database write."""


def crash_after_sending(monkeypatch):
    def die(*_args, **_kwargs):
        raise Crash()

    monkeypatch.setattr(type(get_db()), "mark_sent", die)


def test_a_crash_between_send_and_mark_sends_once(make_app, programs, aliyun, database, monkeypatch):
    app = make(make_app, "aliyun", aliyun)
    with app.app_context():
        enrol(app, "甲", "13912340001")
        crash_after_sending(monkeypatch)
    with pytest.raises(Crash):
        Worker(app, now=lambda: NOON).run_once()
    monkeypatch.undo()
    assert len(aliyun.sent) == 1
    assert Worker(app, now=lambda: NOON + timedelta(seconds=30)).run_once()["sent"] == 0, "the lease still holds"
    after_lease = Worker(app, now=lambda: NOON + timedelta(minutes=2)).run_once()
    assert (after_lease["recovered"], after_lease["sent"]) == (1, 0)
    assert len(aliyun.sent) == 1 and aliyun.queries[0]["PhoneNumber"] == "13912340001"
    assert rows(database, "SELECT provider_id FROM outbox") == [(f"OutId:{aliyun.sent[0]['OutId']}",)]


def test_a_lost_send_is_sent_again_after_the_provider_says_it_never_arrived(make_app, programs, aliyun, database, monkeypatch):
    app = make(make_app, "aliyun", aliyun)
    with app.app_context():
        enrol(app, "甲", "13912340001")
    worker = Worker(app, now=lambda: NOON)

    def lost(*_args, **_kwargs):
        raise Crash()

    monkeypatch.setattr(worker.sender, "send", lost)
    with pytest.raises(Crash):
        worker.run_once()
    monkeypatch.undo()
    assert aliyun.sent == []
    assert Worker(app, now=lambda: NOON + timedelta(minutes=2)).run_once()["sent"] == 1
    assert len(aliyun.sent) == 1


def test_where_the_provider_cannot_be_asked_an_interrupted_send_is_shown_not_repeated(make_app, programs, tencent, database, monkeypatch):
    app = make(make_app, "tencent", tencent)
    with app.app_context():
        enrol(app, "甲", "13912340001")
        crash_after_sending(monkeypatch)
    with pytest.raises(Crash):
        Worker(app, now=lambda: NOON).run_once()
    monkeypatch.undo()
    assert Worker(app, now=lambda: NOON + timedelta(minutes=2)).run_once()["failed"] == 1
    assert len(tencent.sent) == 1
    assert rows(database, "SELECT error FROM outbox WHERE failed_at IS NOT NULL") == [(UNCERTAIN,)]


def test_a_provider_error_is_retried_with_backoff_then_shown_to_staff(make_app, programs, aliyun, database):
    app = make(make_app, "aliyun", aliyun, SMS_MAX_ATTEMPTS=3)
    with app.app_context():
        enrolled = enrol(app, "甲", "13912340001")
        get_db().save_staff(accounts.new_account("district", "correct horse battery", None, True))
    aliyun.fail_next(3, "isv.AMOUNT_NOT_ENOUGH", "账户余额不足")
    assert Worker(app, now=lambda: NOON).run_once()["retrying"] == 1
    assert Worker(app, now=lambda: NOON + timedelta(seconds=10)).run_once() == {**zero(), "reminders": 0}, "not before its backoff"
    assert Worker(app, now=lambda: NOON + timedelta(seconds=31)).run_once()["retrying"] == 1
    assert Worker(app, now=lambda: NOON + timedelta(minutes=3)).run_once()["failed"] == 1
    assert Worker(app, now=lambda: NOON + timedelta(days=1)).run_once()["sent"] == 0, "given up: no more tries"
    assert aliyun.sent == []
    assert rows(database, "SELECT attempts, error FROM outbox") == [(3, "阿里云：isv.AMOUNT_NOT_ENOUGH 账户余额不足")]

    staff = app.test_client()
    page = staff.get("/staff/login").get_data(as_text=True)
    staff.post("/staff/login", data={"csrf_token": csrf_token(page), "username": "district", "password": "correct horse battery"})
    dashboard = staff.get("/staff/").get_data(as_text=True)
    assert "短信发送失败 1 条" in dashboard and "账户余额不足" in dashboard
    person = staff.get(f"/staff/sessions/wangjing-winter/week-1/people/{enrolled.id}").get_data(as_text=True)
    assert "报名成功" in person and "发送失败" in person and "阿里云：isv.AMOUNT_NOT_ENOUGH 账户余额不足" in person
    roster = staff.get("/staff/sessions/wangjing-winter/week-1").get_data(as_text=True)
    assert "报名成功：发送失败" in roster


def test_staff_see_queued_retrying_and_sent(make_app, programs, aliyun):
    app = make(make_app, "aliyun", aliyun)
    with app.app_context():
        enrolled = enrol(app, "甲", "13912340001")
        get_db().save_staff(accounts.new_account("wj", "correct horse battery", "望京街道总工会", False))
    staff = app.test_client()
    page = staff.get("/staff/login").get_data(as_text=True)
    staff.post("/staff/login", data={"csrf_token": csrf_token(page), "username": "wj", "password": "correct horse battery"})
    person = f"/staff/sessions/wangjing-winter/week-1/people/{enrolled.id}"
    assert "排队中" in staff.get(person).get_data(as_text=True)
    aliyun.fail_next(1, "isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控")
    Worker(app, now=lambda: NOON).run_once()
    assert "发送失败，等待重试" in staff.get(person).get_data(as_text=True)
    Worker(app, now=lambda: NOON + timedelta(minutes=1)).run_once()
    html = staff.get(person).get_data(as_text=True)
    assert "已发送" in html and aliyun.sent[0]["BizId"] in html
    assert "短信发送失败" not in staff.get("/staff/").get_data(as_text=True), "the failure count is the admin's"


def zero():
    return {"sent": 0, "retrying": 0, "failed": 0, "recovered": 0, "expired": 0}


def test_two_workers_never_take_the_same_message(make_app, programs, aliyun):
    app = make(make_app, "aliyun", aliyun)
    with app.app_context():
        for n in range(6):
            enrol(app, f"孩子{n}", f"139123400{n:02d}")
        at, until = NOON.isoformat(timespec="milliseconds"), (NOON + timedelta(minutes=1)).isoformat(timespec="milliseconds")
        first = get_db().claim_messages("worker-1", at, until, limit=4)
        second = get_db().claim_messages("worker-2", at, until, limit=4)
    assert len(first) == 4 and len(second) == 2
    assert not {m.id for m in first} & {m.id for m in second}


def test_notify_once_from_the_command_line(make_app, programs, aliyun):
    app = make(make_app, "aliyun", aliyun)
    with app.app_context():
        enrol(app, "甲", "13912340001")
    result = app.test_cli_runner().invoke(args=["notify", "--once"])
    assert result.exit_code == 0 and "已发送 1 条" in result.output
    assert len(aliyun.sent) == 1


def test_notify_refuses_to_start_without_a_provider(make_app):
    result = make_app().test_cli_runner().invoke(args=["notify", "--once"])
    assert result.exit_code != 0 and "FORMS_APP_SMS_PROVIDER" in result.output


def test_the_result_page_says_a_promoted_child_came_off_the_waitlist(make_app, programs, aliyun):
    app = make(make_app, "aliyun", aliyun)
    with app.app_context():
        first = enrol(app, "甲", "13912340001")
        second = enrol(app, "乙", "13912340002")
        get_db().cancel(first.reference, "parent")
    client = app.test_client()
    assert "您已从候补转为报名成功" in client.get(f"/r/{second.reference}").get_data(as_text=True)
    assert "您已从候补转为报名成功" not in client.get(f"/r/{first.reference}").get_data(as_text=True)


def test_the_development_sender_writes_a_log_shown_only_in_development(make_app, programs, tmp_path):
    log = tmp_path / "dev-messages.log"
    app = make_app(
        SMS_PROVIDER="dev", DEV_MESSAGES=True, DEV_MESSAGES_FILE=str(log), PUBLIC_URL="http://127.0.0.1:8000", VERIFY_PHONE=False
    )
    with app.app_context():
        enrol(app, "甲", "13912340001")
    assert Worker(app, now=lambda: NOON).run_once()["sent"] == 1
    assert "13912340001" not in log.read_text(encoding="utf-8"), "phone numbers are masked even in the development log"
    page = app.test_client().get("/dev/messages").get_data(as_text=True)
    assert "139****0001" in page and "甲已报名成功：望京街道总工会寒假托管班（第一期）。详情 127.0.0.1:8000/s/" in page
    production = make_app(SMS_PROVIDER="dev", DEV_MESSAGES_FILE=str(log))
    assert production.test_client().get("/dev/messages").status_code == 404


def test_the_templates_to_submit_are_the_ones_the_code_sends():
    guide = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for key, template in texts.TEMPLATES.items():
        assert f"| `{key}` | {texts.LABELS[key]} | {template.text.replace('{site}', 'bm.example.cn')} |" in guide


def test_two_workers_at_once_send_each_message_exactly_once(make_app, programs, aliyun):
    app = make(make_app, "aliyun", aliyun)
    with app.app_context():
        for n in range(30):
            enrol(app, f"孩子{n}", f"139123400{n:02d}")
    workers = [Worker(app, now=lambda: NOON) for _ in range(2)]
    results = [None, None]

    def run(index):
        results[index] = workers[index].run_once()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results[0]["sent"] + results[1]["sent"] == 30
    assert sorted(s["PhoneNumbers"] for s in aliyun.sent) == sorted(f"139123400{n:02d}" for n in range(30))


def test_staff_get_an_email_when_a_message_is_given_up(make_app, programs, aliyun):
    class Inbox:
        def __init__(self):
            self.mails = []

        async def handle_DATA(self, server, session, envelope):
            self.mails.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    inbox, port = Inbox(), free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        app = make(
            make_app,
            "aliyun",
            aliyun,
            SMS_MAX_ATTEMPTS=1,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=port,
            STAFF_ALERT_EMAIL="admin@union.example.cn",
            SMTP_FROM="sms@union.example.cn",
        )
        with app.app_context():
            enrolled = enrol(app, "甲", "13912340001")
        aliyun.fail_next(1, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        assert Worker(app, now=lambda: NOON).run_once()["failed"] == 1
    finally:
        smtp.stop()
    [(to, content)] = inbox.mails
    assert to == ["admin@union.example.cn"]
    mail = email.message_from_string(content, policy=policy.default)
    body = mail.get_content()
    assert "短信发送失败" in mail["Subject"] and "isv.MOBILE_NUMBER_ILLEGAL 非法手机号" in body
    assert f"/staff/sessions/wangjing-winter/week-1/people/{enrolled.id}" in body
    assert "13912340001" not in content and "甲" not in mail["Subject"]


def test_enrolment_never_waits_on_sending(make_app, programs):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        app = make_app(
            SMS_PROVIDER="aliyun",
            SMS_ENDPOINT=f"http://127.0.0.1:{silent.getsockname()[1]}",
            SMS_ACCESS_KEY_ID="id",
            SMS_ACCESS_KEY_SECRET="secret",
            SMS_TEMPLATES=TEMPLATES,
            VERIFY_PHONE=False,
        )
        began = time.monotonic()
        answer = app.test_client().post("/api/enrolments", json=api_child())
        assert answer.status_code == 201 and time.monotonic() - began < 2, "a provider that never answers holds up nothing"
    finally:
        silent.close()


def test_the_worker_expires_offers_and_offers_the_place_on_with_its_deadline(make_app, classes, aliyun, database):
    data = program_data(capacity=1)
    data["registration"]["offer_hours"] = 2
    write(classes, "wangjing-winter", data)
    app = make(make_app, "aliyun", aliyun)
    with app.app_context():
        first = enrol(app, "甲", "13912340001")
        second = enrol(app, "乙", "13912340002")
        third = enrol(app, "丙", "13912340003")
        get_db().cancel(first.reference, "parent")
        offer = get_db().get(second.reference)
    start = datetime.now(SHANGHAI)
    assert Worker(app, now=lambda: start).run_once()["expired"] == 0, "an offer lives until its deadline"
    offered = [s for s in aliyun.sent if s["TemplateCode"] == TEMPLATES["offered"]]
    deadline = datetime.fromisoformat(offer.offer_expires_at)
    assert [(s["PhoneNumbers"], s["TemplateParam"]["deadline"]) for s in offered] == [
        ("13912340002", f"{deadline.month}月{deadline.day}日 {deadline:%H:%M}")
    ]
    text = texts.render("offered", offered[0]["TemplateParam"], "望京工会", "https://bm.example.cn")
    assert len(text) <= texts.SMS_LENGTH and "第一期" in text and f"bm.example.cn/s/{offered[0]['TemplateParam']['link']}" in text

    done = Worker(app, now=lambda: deadline + timedelta(minutes=1)).run_once()
    assert done["expired"] == 1
    with app.app_context():
        assert (get_db().get(second.reference).status, get_db().get(third.reference).status) == ("cancelled", "offered")
    offered = [s["PhoneNumbers"] for s in aliyun.sent if s["TemplateCode"] == TEMPLATES["offered"]]
    assert offered == ["13912340002", "13912340003"], "the next in line is told in the same pass"
    actions = rows(database, f"SELECT action, actor FROM events WHERE enrolment_id = {second.id} ORDER BY id")
    assert actions[-1] == ("offer_expired", "system:notify")
    expired = [s for s in aliyun.sent if s["TemplateCode"] == TEMPLATES["offer_expired"]]
    assert [s["PhoneNumbers"] for s in expired] == ["13912340002"], "only the family whose deadline passed is told it ran out"
    params = expired[0]["TemplateParam"]
    assert (params["name"], params["session"]) == ("乙", "第一期")
    assert "望京街道总工会寒假托管班".startswith(params["cls"].removesuffix("…")) and len(params["cls"]) >= texts.MIN_TITLE
    text = texts.render("offer_expired", params, "望京工会", "https://bm.example.cn")
    assert text == f"【望京工会】乙的{params['cls']}（第一期）候补名额已过确认期限，已让给下一位。详情 bm.example.cn/s/{params['link']}"
    assert len(text) <= texts.SMS_LENGTH
    result = app.test_client().get(f"/s/{params['link']}")
    assert result.headers["Location"].endswith(f"/r/{second.reference}"), "the link opens that family's own result page"
    assert Worker(app, now=lambda: start).run_once()["sent"] == 0, "told once (丙's new offer has not run out yet)"
    with app.app_context():
        get_db().save_staff(accounts.new_account("wj", "correct horse battery", "望京街道总工会", False))
    staff = app.test_client()
    page = staff.get("/staff/login").get_data(as_text=True)
    staff.post("/staff/login", data={"csrf_token": csrf_token(page), "username": "wj", "password": "correct horse battery"})
    shown = staff.get(f"/staff/sessions/wangjing-winter/week-1/people/{second.id}").get_data(as_text=True)
    assert "<td>待确认名额已过期</td>" in shown, "staff see which message told the family, in words"
