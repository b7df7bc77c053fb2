#!/usr/bin/env python3
"""The 09:00 rush: N parents waiting for a window that opens at a fixed instant.

    .venv/bin/python benchmarks/rush.py [--clients 200,1000] [--capacity 40] [--workers 4] [--limiter off]
        [--database postgresql://postgres@127.0.0.1:5432/test]

Phone verification is on: each of N client threads first asks for a code
(`POST /api/verification`) and reads it from the development sender's log,
as a parent reads the SMS while waiting; then it waits for the opening
instant and submits once with the code through the JSON API (retrying only a
"not open yet" answer, as a parent whose phone clock runs fast would). Meanwhile readers keep the catalogue
busy (live places and the form page). Printed per N: seconds from opening
until the session is full, p50/p99 latency of the answers, errors (5xx,
timeouts, refused connections), how many losers were told 已进入候补, the
slowest such answer, and overbooked places (must be 0). The floor is the
same N enrolments through the storage transaction in one process, on the
same backend (with --database, a PostgreSQL schema of its own per run). The
last column is the machine's ceiling: the same N parents at one instant
against the minimal Flask app of benchmarks/floor_app.py at the same
gunicorn, on an SQLite file, so the app's own cost reads against what these
2 cores and client threads allow for nothing but count-and-insert. Rate
limits stay on, as in benchmarks/enrol_load.py, with parents spread over
loopback addresses as a city's parents are spread over networks.
"""

import argparse
import json
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import floor_app  # noqa: E402
from enrol_load import (  # noqa: E402
    PROGRAM,
    ROOT,
    SESSION,
    Codes,
    Gunicorn,
    add_limiter_argument,
    ask_code,
    direct,
    fresh_database,
    hold_line,
    limiter_env,
    limiter_label,
    overbooked,
    parent_address,
    percentile,
    person,
    request,
    verification_env,
    verification_label,
    write_classes,
)

from programs.model import SHANGHAI  # noqa: E402

READERS = 20
# Long enough for gunicorn to start on a loaded machine before parents ask for codes.
LEAD_SECONDS = 20
# Time allowed per parent, before the opening, to ask for a code and read it.
CODE_SECONDS = 0.012


def full_after(confirmed_at, capacity, opening):
    """Seconds from the opening to the answer that filled the last place, or None if none did."""
    ordered = sorted(confirmed_at)
    return ordered[capacity - 1] - opening if len(ordered) >= capacity else None


def seconds(value):
    return "未满" if value is None else f"{value:.2f}"


def open_at(classes, instant):
    path = classes / f"{PROGRAM}.yaml"
    program = yaml.safe_load(path.read_text(encoding="utf-8"))
    program["registration"]["opens"] = instant.isoformat(timespec="seconds")
    path.write_text(yaml.safe_dump(program, allow_unicode=True), encoding="utf-8")


def parent(port, n, instant, codes, answers, early):
    fields = person(n)
    try:
        status, _ = ask_code(port, n)
    except OSError as error:
        status = repr(error)
    if status != 202:
        answers.append((f"code {status}", None, 0.0, time.time()))
        return
    body = json.dumps({"program": PROGRAM, "session": SESSION, "consent": True, "code": codes.take(fields["phone"]), **fields})
    early.append(time.time() < instant)
    time.sleep(max(0.0, instant - time.time()))
    began = time.perf_counter()
    while True:
        try:
            response, data = request(port, "POST", "/api/enrolments", body, {"Content-Type": "application/json"}, parent_address(n))
        except OSError as error:
            answers.append(("error", repr(error), time.perf_counter() - began, time.time()))
            return
        answer = json.loads(data) if data.startswith(b"{") else {}
        if response.status == 409 and answer.get("error") == "not_open":
            time.sleep(0.02)
            continue
        kind = answer.get("status") if response.status == 201 else f"http {response.status}"
        answers.append((kind, answer.get("position"), time.perf_counter() - began, time.time()))
        return


def reader(port, stop, errors):
    paths = ["/api/availability", f"/enrol/{PROGRAM}/{SESSION}"]
    turn = 0
    while not stop.is_set():
        try:
            response, _ = request(port, "GET", paths[turn % 2])
            if response.status >= 500:
                errors.append(response.status)
        except OSError as error:
            errors.append(repr(error))
        turn += 1


def rush(clients, capacity, workers, port, scratch, limiter, server_url):
    folder = scratch / f"rush-{clients}"
    write_classes(folder / "classes", capacity)
    lead = LEAD_SECONDS + 2 + clients * CODE_SECONDS
    instant = datetime.now(SHANGHAI).replace(microsecond=0) + timedelta(seconds=round(lead))
    open_at(folder / "classes", instant)
    with fresh_database(server_url, folder, "rush") as database:
        env = {
            "FORMS_APP_DATABASE": database,
            "FORMS_APP_CLASSES_DIR": str(folder / "classes"),
            "FORMS_APP_SECRET_KEY": "benchmark",
            **limiter_env(limiter),
            **verification_env(folder / "messages.log", clients),
        }
        codes = Codes(folder / "messages.log")
        server = Gunicorn("forms_app:create_app()", env, workers, port)
        answers, reader_errors, early, stop = [], [], [], threading.Event()
        opening = instant.timestamp()
        try:
            readers = [threading.Thread(target=reader, args=(port, stop, reader_errors)) for _ in range(READERS)]
            parents = [threading.Thread(target=parent, args=(port, n, opening, codes, answers, early)) for n in range(clients)]
            for thread in readers + parents:
                thread.start()
            for thread in parents:
                thread.join()
            stop.set()
            for thread in readers:
                thread.join()
        finally:
            server.stop()
            codes.close()
        over = overbooked(database, capacity)
    with fresh_database(server_url, folder, "floor") as floor_database:
        floor, hold = direct(floor_database, clients, capacity)
    waitlisted = [(latency, position) for kind, position, latency, _ in answers if kind == "waitlisted"]
    failures = [kind for kind, *_ in answers if kind not in ("confirmed", "waitlisted")]
    latencies = [latency for kind, _, latency, _ in answers if not kind.startswith("code")]
    return {
        "clients": clients,
        "full_after": full_after([done for kind, _, _, done in answers if kind == "confirmed"], capacity, opening),
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "errors": len(failures) + len(reader_errors),
        "waitlisted": len(waitlisted),
        "slowest_waitlisted": max((latency for latency, _ in waitlisted), default=0) * 1000,
        "positions_ok": sorted(p for _, p in waitlisted) == list(range(1, len(waitlisted) + 1)),
        "overbooked": over,
        "codes_in_time": sum(early),
        "floor": floor,
        "hold": hold,
    }


def ceiling(clients, capacity, workers, port, scratch):
    """The same `clients` parents at one instant against the minimal Flask app of
    benchmarks/floor_app.py (count and insert in one transaction: no validation, no code, no
    rate limits, no readers) at the same gunicorn: what this machine and these client threads
    allow before any of the app's own work. Returns (full after or None, p50, p99) in s, ms, ms."""
    database = str(scratch / f"ceiling-{clients}.sqlite3")
    floor_app.create(database)
    env = {"FLOOR_DATABASE": database, "FLOOR_CAPACITY": str(capacity), "PYTHONPATH": str(ROOT / "benchmarks")}
    server = Gunicorn("floor_app:flask_app", env, workers, port)
    answers = []
    instant = time.time() + 2 + clients * 0.002

    def one(n):
        time.sleep(max(0.0, instant - time.time()))
        began = time.perf_counter()
        _, data = request(port, "POST", "/", json.dumps({"name": f"孩子{n}"}), None, parent_address(n))
        answers.append((json.loads(data)["status"], time.perf_counter() - began, time.time()))

    try:
        threads = [threading.Thread(target=one, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    latencies = [latency for _, latency, _ in answers]
    confirmed_at = [done for status, _, done in answers if status == "confirmed"]
    return full_after(confirmed_at, capacity, instant), percentile(latencies, 0.5), percentile(latencies, 0.99)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="200,1000")
    parser.add_argument("--capacity", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--database", help="a postgresql:// server to measure instead of SQLite files")
    add_limiter_argument(parser)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for clients in (int(n) for n in args.clients.split(",")):
            row = rush(clients, args.capacity, args.workers, args.port, Path(scratch), args.limiter, args.database)
            row["ceiling"] = ceiling(clients, args.capacity, args.workers, args.port, Path(scratch))
            rows.append(row)
    backend = "PostgreSQL" if args.database else "SQLite"
    print(
        f"{backend}，名额 {args.capacity}，gunicorn {args.workers} 个 worker，{limiter_label(args.limiter)}，"
        f"{verification_label(max(row['clients'] for row in rows))}，另有 {READERS} 个读者持续刷新余量和报名页"
    )
    print(
        "| 同时等待的家长 | 开放前拿到验证码 | 开放后满员 (s) | p50 (ms) | p99 (ms) | 错误 | 候补 | 最慢候补答复 (ms) "
        "| 候补位次连续 | 超额 | 下限：单进程事务 (s) | 最简 Flask 同样抢报：满员 (s) / p50 / p99 (ms) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|:-:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['clients']} | {row['codes_in_time']} | {seconds(row['full_after'])} | {row['p50']:.0f} | {row['p99']:.0f} | {row['errors']} | {row['waitlisted']} "
            f"| {row['slowest_waitlisted']:.0f} | {'是' if row['positions_ok'] else '否'} | {row['overbooked']} "
            f"| {row['floor']:.3f} | {seconds(row['ceiling'][0])} / {row['ceiling'][1]:.0f} / {row['ceiling'][2]:.0f} |"
        )
    for row in rows:
        print(f"{row['clients']} 位家长的下限运行中，{hold_line(row['hold'])}")
    return 1 if any(row["overbooked"] or row["errors"] or not row["positions_ok"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
