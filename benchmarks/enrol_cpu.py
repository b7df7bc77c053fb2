#!/usr/bin/env python3
"""CPU per JSON enrolment inside one process, with no HTTP server or client.

    .venv/bin/python benchmarks/enrol_cpu.py [--requests 2000] [--capacity 1000] [--instructions]

The app is called straight through WSGI, so the figure is the app's own
Python (and SQLite) per enrolment, without gunicorn, the kernel's network
stack or the clients sharing the cores. Rows: the minimal Flask app of
benchmarks/floor_app.py called the same way (the floor enrol_load.py's
targets are set against); the storage's enrolment alone, without Flask; the
app with its rate limits off, counted in this process's memory, and counted
in Redis; and the app as in production, limits in Redis and every phone
proven by an SMS code (asked for before the enrolments, not counted). Each
part's cost shows as the difference between two rows. On a machine whose
speed drifts, compare rows from the same run, not across runs.

With --instructions each setting runs under valgrind's callgrind instead, and
the figure is machine instructions per enrolment (the difference between a
short and a long run, so start-up cancels out). It counts the app's own
process in user space only, not the kernel or Redis, but it is the same on a
busy machine as on a quiet one, so two versions of the code can be compared
by one run each. It takes a minute or two per row.
"""

import argparse
import io
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import floor_app  # noqa: E402
from enrol_load import PROGRAM, SESSION, Codes, bench_storage, enrol_directly, parent_address, person, write_classes  # noqa: E402

from forms_app import create_app  # noqa: E402

LIMITS_IN_REDIS = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"}
SETTINGS = {
    "限流关闭": {"RATELIMIT_ENABLED": False},
    "限流计数在进程内存": {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"},
    "限流计数在 Redis": LIMITS_IN_REDIS,
    # Production: limits in Redis and every parent's phone proven by an SMS code.
    "限流计数在 Redis，短信验证开启（生产默认）": {**LIMITS_IN_REDIS, "VERIFY_PHONE": True},
}
FLOOR, STORAGE = "最简 Flask 应用（下限，同样的计数+插入）", "只有存储层（storage.enrol，不经 Flask）"
SUBJECTS = [FLOOR, STORAGE, *SETTINGS]
WARM_UP = 200


def call(app, path, fields, n, expected):
    """POST `fields` as JSON to `path` of the WSGI `app`, from parent n's address, which must
    answer with the `expected` status code."""
    body = json.dumps(fields).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_ADDR": parent_address(n),
    }
    statuses = []
    b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    assert statuses[0].startswith(expected), statuses


def codes_for(app, log, parents):
    """Each of the first `parents` parents asks for a code, as before enrolling, and reads it
    from the development sender's log; {n: code}. The log's reader stops before any enrolment."""
    codes = Codes(log)
    try:
        for n in range(parents):
            call(app, "/api/verification", {"phone": person(n)["phone"]}, n, "202")
        return {n: codes.take(person(n)["phone"]) for n in range(parents)}
    finally:
        codes.close()


def prepare(subject, capacity, scratch, parents):
    """`one(n)`, parent n's enrolment through `subject`. Codes, where the subject needs them, are
    asked for all `parents` here, so their cost is the same however many enrolments follow."""
    folder = Path(tempfile.mkdtemp(dir=scratch))
    if subject == FLOOR:
        floor_app.DATABASE, floor_app.CAPACITY = str(folder / "floor.sqlite3"), capacity
        floor_app.create(floor_app.DATABASE)
        return lambda n: call(floor_app.flask_app, "/", {"name": f"孩子{n}"}, n, "201")
    if subject == STORAGE:
        storage = bench_storage(str(folder / "forms.sqlite3"), capacity)
        return lambda n: enrol_directly(storage, n)
    write_classes(folder / "classes", capacity)
    settings = {
        "DATABASE": str(folder / "forms.sqlite3"),
        "CLASSES_DIR": str(folder / "classes"),
        "SECRET_KEY": "benchmark",
        "VERIFY_PHONE": False,
        "RATELIMIT_KEY_PREFIX": f"enrol-cpu-{uuid.uuid4().hex}",
        "SMS_PROVIDER": "dev",
        "DEV_MESSAGES_FILE": str(folder / "messages.log"),
        "VERIFY_PER_ADDRESS": parents,
        **SETTINGS[subject],
    }
    app = create_app(settings)
    codes = codes_for(app, folder / "messages.log", parents) if settings["VERIFY_PHONE"] else {}

    def enrol(n):
        fields = {"program": PROGRAM, "session": SESSION, "consent": True, **person(n)}
        call(app, "/api/enrolments", {**fields, "code": codes[n]} if codes else fields, n, "201")

    return enrol


def run(one, first, last):
    for n in range(first, last):
        one(n)


def measure(subject, requests, capacity, scratch):
    one = prepare(subject, capacity, scratch, WARM_UP + requests)
    run(one, 0, WARM_UP)
    cpu, wall = time.process_time(), time.perf_counter()
    run(one, WARM_UP, WARM_UP + requests)
    return (time.process_time() - cpu) / requests * 1000, (time.perf_counter() - wall) / requests * 1000


def instructions(subject, requests, capacity):
    """Instructions per enrolment through `subject`, from two runs of this script under callgrind
    that differ only in how many enrolments follow the same preparation."""

    def counted(total):
        command = [sys.executable, __file__, "--only", subject, "--requests", str(total), "--capacity", str(capacity)]
        command += ["--parents", str(WARM_UP + requests)]
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command], capture_output=True, text=True, check=True
        )
        return int(re.search(r"Collected : (\d+)", run.stderr).group(1))

    return (counted(WARM_UP + requests) - counted(WARM_UP)) / requests


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--capacity", type=int, default=1000)
    parser.add_argument("--instructions", action="store_true", help="count instructions under valgrind instead of timing")
    parser.add_argument("--only", choices=SUBJECTS, help=argparse.SUPPRESS)
    parser.add_argument("--parents", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.getLogger("forms_app.outcomes").disabled = True
    if args.only:
        with tempfile.TemporaryDirectory() as scratch:
            run(prepare(args.only, args.capacity, Path(scratch), args.parents or args.requests), 0, args.requests)
        return
    if args.instructions:
        if shutil.which("valgrind") is None:
            sys.exit("--instructions needs valgrind (apt-get install valgrind)")
        requests = min(args.requests, 300)
        print(f"进程内每次 JSON 报名的机器指令数（callgrind，{requests} 次之差，名额 {args.capacity}，不经 HTTP）")
        print("| 场景 | 指令数（百万） |")
        print("|---|---:|")
        for subject in SUBJECTS:
            print(f"| {subject} | {instructions(subject, requests, args.capacity) / 1e6:.3f} |")
        return
    print(f"进程内每次 JSON 报名（{args.requests} 次，名额 {args.capacity}，不经 HTTP）")
    print("| 场景 | CPU (ms) | 墙钟 (ms) |")
    print("|---|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        for subject in SUBJECTS:
            cpu, wall = measure(subject, args.requests, args.capacity, Path(scratch))
            print(f"| {subject} | {cpu:.2f} | {wall:.2f} |")


if __name__ == "__main__":
    main()
