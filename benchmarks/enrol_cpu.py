#!/usr/bin/env python3
"""CPU per JSON enrolment inside one process, with no HTTP server or client.

    .venv/bin/python benchmarks/enrol_cpu.py [--requests 2000] [--capacity 1000] [--instructions]

The app is called straight through WSGI, so the figure is the app's own
Python (and SQLite) per enrolment, without gunicorn, the kernel's network
stack or the clients sharing the cores. It is printed once per rate-limit
setting: off, counted in this process's memory, and counted in Redis as in
production, so the limiter's own cost shows as the difference. On a machine
whose speed drifts, compare settings from the same run, not across runs.

With --instructions each setting runs under valgrind's callgrind instead, and
the figure is machine instructions per enrolment (the difference between a
short and a long run, so start-up cancels out). It counts the app's own
process in user space only, not the kernel or Redis, but it is the same on a
busy machine as on a quiet one, so two versions of the code can be compared
by one run each. It takes a minute or two per setting.
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

from enrol_load import PROGRAM, SESSION, parent_address, person, write_classes  # noqa: E402

from forms_app import create_app  # noqa: E402

SETTINGS = {
    "限流关闭": {"RATELIMIT_ENABLED": False},
    "限流计数在进程内存": {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"},
    "限流计数在 Redis": {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"},
}
WARM_UP = 200


def enrol(app, n):
    body = json.dumps({"program": PROGRAM, "session": SESSION, "consent": True, **person(n)}).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/enrolments",
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
    assert statuses[0].startswith("201"), statuses


def app_for(settings, capacity, scratch):
    folder = Path(tempfile.mkdtemp(dir=scratch))
    write_classes(folder / "classes", capacity)
    return create_app(
        {
            "DATABASE": str(folder / "forms.sqlite3"),
            "CLASSES_DIR": str(folder / "classes"),
            "SECRET_KEY": "benchmark",
            "VERIFY_PHONE": False,
            "RATELIMIT_KEY_PREFIX": f"enrol-cpu-{uuid.uuid4().hex}",
            **settings,
        }
    )


def measure(settings, requests, capacity, scratch):
    app = app_for(settings, capacity, scratch)
    for n in range(WARM_UP):
        enrol(app, n)
    cpu, wall = time.process_time(), time.perf_counter()
    for n in range(WARM_UP, WARM_UP + requests):
        enrol(app, n)
    return (time.process_time() - cpu) / requests * 1000, (time.perf_counter() - wall) / requests * 1000


def instructions(label, requests, capacity):
    """Instructions per enrolment of `label`, from two runs of this script under callgrind."""

    def counted(total):
        command = [sys.executable, __file__, "--only", label, "--requests", str(total), "--capacity", str(capacity)]
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
    parser.add_argument("--only", choices=SETTINGS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.getLogger("forms_app.outcomes").disabled = True
    if args.only:
        with tempfile.TemporaryDirectory() as scratch:
            app = app_for(SETTINGS[args.only], args.capacity, scratch)
            for n in range(args.requests):
                enrol(app, n)
        return
    if args.instructions:
        if shutil.which("valgrind") is None:
            sys.exit("--instructions needs valgrind (apt-get install valgrind)")
        requests = min(args.requests, 300)
        print(f"进程内每次 JSON 报名的机器指令数（callgrind，{requests} 次之差，名额 {args.capacity}，不经 HTTP）")
        print("| 限流 | 指令数（百万） |")
        print("|---|---:|")
        for label in SETTINGS:
            print(f"| {label} | {instructions(label, requests, args.capacity) / 1e6:.3f} |")
        return
    print(f"进程内每次 JSON 报名（{args.requests} 次，名额 {args.capacity}，不经 HTTP）")
    print("| 限流 | CPU (ms) | 墙钟 (ms) |")
    print("|---|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        for label, settings in SETTINGS.items():
            cpu, wall = measure(settings, args.requests, args.capacity, scratch)
            print(f"| {label} | {cpu:.2f} | {wall:.2f} |")


if __name__ == "__main__":
    main()
