"""Helpers for the enrolment app's tests: programs written as YAML with windows
relative to now, form and API bodies, and a real gunicorn server."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg
import requests
import yaml

from programs.model import SHANGHAI

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
TODAY = datetime.now(SHANGHAI).date()
# A Monday about six weeks out: the default session runs 周一至周五 from START to START + 4, so it
# has five class days whatever day of the week the tests run on.
START = TODAY + timedelta(days=40 + (7 - (TODAY + timedelta(days=40)).weekday()) % 7)


def dates_since(start):
    """Beijing's dates from `start` to now, as ISO strings: what the app may have stamped "today"
    while a test ran, even when the run crosses midnight in Beijing (16:00 UTC)."""
    now = datetime.now(SHANGHAI).date()
    return {(start + timedelta(days=n)).isoformat() for n in range((now - start).days + 1)}


def born(age):
    """A birthdate that makes a child `age` on the default session's first day."""
    return date(START.year - age, 1, 1)


def program_data(**changes):
    now = datetime.now(SHANGHAI)
    data = {
        "title": "望京街道总工会寒假托管班",
        "organizer": "望京街道总工会",
        "district": "北京市朝阳区",
        "audience": "children",
        "ages": [6, 12],
        "summary": "寒假期间为职工子女提供看护和作业辅导。",
        "location": {"name": "望京职工之家", "address": "北京市朝阳区望京街道1号"},
        "contact": {"name": "李老师", "phone": "010-84701234"},
        "sessions": [
            {
                "id": "week-1",
                "name": "第一期",
                "start": START.isoformat(),
                "end": (START + timedelta(days=4)).isoformat(),
                "capacity": 2,
                "days": "周一至周五",
                "time": "08:30-17:30",
            }
        ],
        "registration": {
            "opens": (now - timedelta(hours=1)).isoformat(timespec="minutes"),
            "closes": (now + timedelta(days=10)).isoformat(timespec="minutes"),
            "mode": "first_come",
            "questions": [
                {"id": "lunch", "label": "是否需要午餐", "type": "yesno", "required": True},
                {"id": "grade", "label": "年级", "type": "choice", "choices": ["一年级", "二年级", "三年级"]},
            ],
        },
        "status": "published",
    }
    for key, value in changes.items():
        if key in ("opens", "closes", "mode", "offer_hours"):
            data["registration"][key] = value.isoformat(timespec="minutes") if isinstance(value, datetime) else value
        elif key == "capacity":
            data["sessions"][0]["capacity"] = value
        else:
            data[key] = value
    return data


class Classes:
    """A classes/ folder the test writes programs into."""

    def __init__(self, path):
        self.path = path
        path.mkdir()

    def write(self, program_id, **changes):
        target = self.path / f"{program_id}.yaml"
        target.write_text(yaml.safe_dump(program_data(**changes), allow_unicode=True, sort_keys=False), encoding="utf-8")
        return target

    def workers(self, program_id, **changes):
        return self.write(program_id, audience="workers", ages=None, title="新余市职工夜校", **changes)


def csrf_token(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def hidden(html, name):
    found = re.search(rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html)
    return found.group(1) if found else ""


def child(**changes):
    fields = {
        "name": "王小明",
        "birthdate": born(8).isoformat(),
        "guardian_name": "王建国",
        "phone": "13912340001",
        "employer": "北京望京科技有限公司",
        "answers-lunch": "yes",
        "consent": "y",
    }
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not None}


def api_child(**changes):
    body = {
        "program": "wangjing-winter",
        "session": "week-1",
        "name": "王小明",
        "birthdate": born(8).isoformat(),
        "guardian_name": "王建国",
        "phone": "13912340001",
        "employer": "北京望京科技有限公司",
        "answers": {"lunch": True},
        "consent": True,
    }
    body.update(changes)
    return body


def fill_in_browser(page, name="王小明", phone="13912340001", lunch=True):
    """Fill the enrol form in a real browser as a parent does, consent ticked; `lunch` answers the
    test programs' lunch question (a program without questions passes False)."""
    page.fill("#name", name)
    page.fill("#birthdate", born(8).isoformat())
    page.fill("#guardian_name", "王建国")
    page.fill("#phone", phone)
    page.fill("#employer", "北京望京科技有限公司")
    if lunch:
        page.check("input[name=answers-lunch][value=yes]")
    page.check("#consent")


def submit_form(client, path, **fields):
    """GET the form for its CSRF token and submission id, then POST it like a browser."""
    page = client.get(path).get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "submission": hidden(page, "submission"), **fields}
    return client.post(path, data=form), form


def rows(database, sql, params=()):
    """Read the app's database directly, whichever backend it is, for what no page shows."""
    if str(database).startswith("postgresql://"):
        with psycopg.connect(str(database)) as conn:
            return [tuple(row) for row in conn.execute(sql, params or None).fetchall()]
    with closing(sqlite3.connect(database)) as conn:
        return conn.execute(sql, params).fetchall()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask_command(database, classes, *args):
    """A `flask --app forms_app` command in its own process, as an operator runs it, on this test's files."""
    env = {
        **os.environ,
        "FORMS_APP_DATABASE": str(database),
        "FORMS_APP_CLASSES_DIR": str(classes.path),
        "FORMS_APP_SECRET_KEY": "test-only-key",
    }
    command = [sys.executable, "-m", "flask", "--app", "forms_app", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=60)


class Server:
    """gunicorn running forms_app in its own process group, so kill -9 takes it all down."""

    def __init__(self, env, workers=4):
        self.env, self.workers = env, workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def command(self):
        return [str(GUNICORN), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}", "forms_app:create_app()"]

    def start(self):
        command = self.command()
        # stderr goes to a file, not a pipe: the app logs a line per enrolment, and an
        # unread pipe fills up and blocks every worker mid-request.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **self.env},
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(self.log.read().decode())
            try:
                if requests.get(self.url + "/api/availability", timeout=5).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


class OnePortServer(Server):
    """gunicorn running forms_app.devserver: the built site and the app on one port, as `make run` does."""

    def __init__(self, env, site, workers=1):
        super().__init__(env, workers=workers)
        self.site = site

    def command(self):
        return [
            str(GUNICORN),
            "--workers",
            str(self.workers),
            "--threads",
            "8",
            "--bind",
            f"127.0.0.1:{self.port}",
            f"forms_app.devserver:site_and_app({str(self.site)!r})",
        ]
