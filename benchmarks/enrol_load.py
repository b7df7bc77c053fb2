#!/usr/bin/env python3
"""Enrolment throughput and latency at gunicorn, beside two floors.

    .venv/bin/python benchmarks/enrol_load.py [--clients 50] [--requests 2000] [--workers 4] [--rounds 1]
        [--database postgresql://postgres@127.0.0.1:5432/test] [--limiter redis://127.0.0.1:6379 | off]

Rows: the storage transaction called directly in one process; a bare
count-and-insert WSGI app (benchmarks/floor_app.py) at gunicorn, and the same
in a minimal Flask app, the reference the issue's targets were set against;
the JSON API; the HTML form (GET for the CSRF token, then POST). Phone
verification is on, as in production: before each app row every parent asks
for a code (`POST /api/verification`, a row of its own), reads it from the
development sender's log file, and then enrolls with it. Each HTTP row prints
requests per second, p50/p99 latency of the timed request, the number of
places overbooked (must be 0) and its speed as a share of the bare app and of
the minimal Flask app; the last line gives the ratios the targets name.
With --database the transaction and app rows run on that PostgreSQL, each in
a schema of its own that is dropped afterwards; the bare app stays on SQLite
so both backends are measured against the same floor. The app runs with its
rate limits on, counting in Redis as under gunicorn in production, and the
clients come from 500 loopback addresses so no limit is reached (the header
says whether the per-address code limit had to be raised for the run).

This 2-core virtual machine's speed drifts by a factor of two within minutes,
so a ratio of rows run a minute apart moves with it. --rounds N runs every row
N times, one round after another, and prints each round's ratios and their
median, the figure to read the targets by.
"""

import argparse
import json
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import floor_app  # noqa: E402
import psycopg  # noqa: E402
import yaml  # noqa: E402

from forms_app.storage import Applicant, Places, open_storage, postgres  # noqa: E402
from programs.model import SHANGHAI  # noqa: E402

PROGRAM, SESSION = "bench", "week-1"
GUNICORN = Path(sys.executable).parent / "gunicorn"
PARENT_ADDRESSES = 500
# The issue set its targets beside a minimal Flask app measured on its own machine;
# the same app runs in every run here, so the figures can be read on that scale too.
REFERENCE_FLASK_RATE, REFERENCE_FLASK_P99 = 970, 90


def write_classes(folder, capacity):
    now, start = datetime.now(SHANGHAI), date.today() + timedelta(days=40)
    program = {
        "title": "压力测试托管班",
        "organizer": "测试工会",
        "district": "测试区",
        "audience": "children",
        "ages": [6, 12],
        "summary": "压力测试",
        "location": {"name": "测试地点", "address": "测试地址"},
        "contact": {"name": "测试", "phone": "010-84701234"},
        "sessions": [
            {
                "id": SESSION,
                "name": "第一期",
                "start": start.isoformat(),
                "end": (start + timedelta(days=4)).isoformat(),
                "capacity": capacity,
            }
        ],
        "registration": {
            "opens": (now - timedelta(hours=1)).isoformat(timespec="minutes"),
            "closes": (now + timedelta(days=1)).isoformat(timespec="minutes"),
            "mode": "first_come",
        },
    }
    folder.mkdir(parents=True)
    (folder / f"{PROGRAM}.yaml").write_text(yaml.safe_dump(program, allow_unicode=True), encoding="utf-8")


def person(n):
    return {
        "name": f"孩子{n}",
        "birthdate": f"{date.today().year - 8}-01-01",
        "guardian_name": "家长",
        "phone": f"139{n:08d}",
        "employer": "测试单位",
    }


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


class Gunicorn:
    def __init__(self, target, env, workers, port):
        self.port = port
        self.ready = tempfile.TemporaryDirectory()
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--backlog",
                "2048",
                "--config",
                str(ROOT / "benchmarks" / "ready_hook.py"),
                target,
            ],
            cwd=ROOT,
            env={**os.environ, **env, "BENCHMARK_READY_DIR": self.ready.name},
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while len(os.listdir(self.ready.name)) < workers:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"{target} did not start")
            time.sleep(0.05)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait()
        self.ready.cleanup()


def parent_address(n):
    """Parents reach the app from many addresses, as a city's parents do at 09:00; all of
    127.0.0.0/8 is loopback, so the per-address limit counts each one on its own."""
    return f"127.0.{1 + n % PARENT_ADDRESSES // 250}.{1 + n % PARENT_ADDRESSES % 250}"


class Answer:
    def __init__(self, status, headers):
        self.status = status
        self.headers = headers

    def getheader(self, name):
        return self.headers.get(name.lower())


def request(port, method, path, body=None, headers=None, source=None):
    """One HTTP/1.1 request on a new connection, as each parent's phone makes.

    Raw sockets rather than http.client: the clients share the server's two
    cores, and http.client spent 0.6-0.7 ms of CPU per request to this one's
    0.4-0.5, CPU the server then lacked. gunicorn's sync workers close every
    connection, so the answer ends where the socket does."""
    body = body.encode() if isinstance(body, str) else body
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    with socket.create_connection(("127.0.0.1", port), timeout=60, source_address=(source, 0) if source else None) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b""))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, data = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        found.setdefault(name.strip().lower(), value.strip())
    return Answer(int(status_line.split()[1]), found), data


def drive(clients, total, one):
    """Run `one(n)` for n in range(total) on `clients` threads; return (seconds, [latency])."""
    latencies, lock = [], threading.Lock()

    def run(n):
        latency = one(n)
        with lock:
            latencies.append(latency)

    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(run, range(total)))
    return time.perf_counter() - began, latencies


def json_enrol(port, codes):
    def one(n):
        fields = person(n)
        body = json.dumps({"program": PROGRAM, "session": SESSION, "consent": True, "code": codes.take(fields["phone"]), **fields})
        began = time.perf_counter()
        response, data = request(port, "POST", "/api/enrolments", body, {"Content-Type": "application/json"}, parent_address(n))
        assert response.status == 201, data
        return time.perf_counter() - began

    return one


def form_enrol(port, codes):
    path = f"/enrol/{PROGRAM}/{SESSION}"

    def one(n):
        code = codes.take(person(n)["phone"])
        response, page = request(port, "GET", path, source=parent_address(n))
        cookie = response.getheader("Set-Cookie").split(";")[0]
        html = page.decode()
        fields = {
            "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
            "submission": re.search(r'name="submission" type="hidden" value="([^"]*)"', html).group(1),
            "consent": "y",
            "code": code,
            **person(n),
        }
        began = time.perf_counter()
        response, data = request(
            port,
            "POST",
            path,
            urllib.parse.urlencode(fields),
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
            parent_address(n),
        )
        assert response.status == 303, data[:500]
        return time.perf_counter() - began

    return one


def floor_enrol(port, _codes=None):
    def one(n):
        began = time.perf_counter()
        response, data = request(port, "POST", "/", json.dumps({"name": f"孩子{n}"}))
        assert response.status == 201, data
        return time.perf_counter() - began

    return one


@contextmanager
def fresh_database(server, scratch, name):
    """An SQLite file in `scratch`, or with --database an empty schema on that PostgreSQL server."""
    if server is None:
        yield str(scratch / f"{name}.sqlite3")
        return
    schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{server}{'&' if '?' in server else '?'}options={urllib.parse.quote(f'-c search_path={schema}')}"
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def overbooked(database, capacity):
    sql = "SELECT count(*) FROM enrolments WHERE status = 'confirmed'"
    if database.startswith("postgresql://"):
        with psycopg.connect(database) as conn:
            (confirmed,) = conn.execute(sql).fetchone()
    else:
        with closing(sqlite3.connect(database)) as conn:
            (confirmed,) = conn.execute(sql).fetchone()
    return max(0, confirmed - capacity)


def bench_storage(database, capacity):
    """The storage on `database` with the benchmark's one session synced, `capacity` places."""
    storage = open_storage(database)
    storage.create_schema()
    storage.sync_places([Places(PROGRAM, SESSION, capacity, "first_come")], "bench", "bench")
    return storage


def enrol_directly(storage, n):
    """Parent n's enrolment through the storage itself, as the app would ask for it."""
    fields = person(n)
    fields["birthdate"] = date.fromisoformat(fields["birthdate"])
    storage.enrol(Applicant(program=PROGRAM, session=SESSION, consent="bench", **fields), f"direct-{n}", "bench")


def direct(database, total, capacity):
    """(seconds, (p50, p99, one round trip) in ms): `total` enrolments through the storage in one
    process, each timed from the moment it holds the session's lock to its commit, beside the
    p50 of one `SELECT 1` on the same connection pool (PostgreSQL; None on SQLite), so the
    hold reads as a number of round trips measured in the same run."""
    storage = bench_storage(database, capacity)
    trip = round_trip(storage) if storage.database.dialect == "postgresql" else None
    holds = HoldTimer(storage.database)
    began = time.perf_counter()
    for n in range(total):
        enrol_directly(storage, n)
    seconds = time.perf_counter() - began
    storage.close()
    trips = sorted(holds.trips)[len(holds.trips) // 2]
    answered = percentile(holds.answered, 0.5) if trip is not None else None
    return seconds, (percentile(holds.holds, 0.5), percentile(holds.holds, 0.99), trip, trips, answered)


def round_trip(storage, times=300):
    waits = []
    for _ in range(times):
        with storage.database.reading() as tx:
            began = time.perf_counter()
            tx.one("SELECT 1 AS one")
            waits.append(time.perf_counter() - began)
    return percentile(waits, 0.5)


class HoldTimer:
    """How long each write transaction holds the lock every other enrolment of the session
    waits for: on SQLite from BEGIN IMMEDIATE until its commit returns; on PostgreSQL, for the
    transaction the adapter sends whole (`insert_locked`, one pipelined round trip), by the
    server's clock from its lock statement until the COMMIT is done (`_clock_server`), with
    the time until the adapter returns, the flush included, in `answered`; for any other, from
    sending the first statement that locks a row (FOR UPDATE) until its commit returns. Wraps
    the adapter in this process only, so the app under test is not touched."""

    def __init__(self, database):
        self.holds, self.locked, self.trips, self.count = [], None, [], 0
        writing, timer = database.writing, self
        exclusive = database.dialect == "sqlite"

        @contextmanager
        def timed():
            outermost = timer.locked is None
            with writing() as tx:
                if exclusive and outermost:
                    timer.locked, timer.count = time.perf_counter(), 0
                yield _Probe(tx, timer)
            if outermost and timer.locked is not None:
                timer.holds.append(time.perf_counter() - timer.locked)
                timer.trips.append(timer.count + 1)  # and the COMMIT
                timer.locked = None

        database.writing = timed
        if not exclusive:
            insert_locked, marks = database.insert_locked, []
            timer.answered = []
            _clock_server(database, marks)

            def whole(*args):
                began = time.perf_counter()
                try:
                    return insert_locked(*args)
                finally:
                    timer.answered.append(time.perf_counter() - began)
                    held_from, held_to = (cursor.fetchone()["clocked"] for cursor in marks)
                    marks.clear()
                    timer.holds.append((held_to - held_from).total_seconds())
                    timer.trips.append(1)  # BEGIN to COMMIT pipelined: one round trip

            database.insert_locked = whole


def _clock_server(database, marks):
    """Have PostgreSQL stamp its own clock when the lock statement runs and when the flushing
    statement after the enrolment's COMMIT runs (`postgres.DURABLE`): between the two the
    session's row is locked. The cursors of both go to `marks`, read once the pipeline is done."""
    connection = database.pool.connection

    class Clocked:
        def __init__(self, conn):
            self._conn = conn

        def __getattr__(self, name):
            return getattr(self._conn, name)

        def execute(self, sql, params=None):
            clocked = "FOR UPDATE" in sql or sql == postgres.DURABLE
            if "FOR UPDATE" in sql:
                sql = sql.replace("SELECT ", "SELECT clock_timestamp() AS clocked, ", 1)
            elif clocked:
                sql += ", clock_timestamp() AS clocked"
            cursor = self._conn.execute(sql, params)
            if clocked:
                marks.append(cursor)
            return cursor

    @contextmanager
    def clocked_connection(*args, **kwargs):
        with connection(*args, **kwargs) as conn:
            yield Clocked(conn)

    database.pool.connection = clocked_connection


class _Probe:
    def __init__(self, tx, timer):
        self._tx, self._timer = tx, timer

    def __getattr__(self, name):
        method = getattr(self._tx, name)

        def call(sql, *args, **kwargs):
            if self._timer.locked is None and "FOR UPDATE" in sql:
                self._timer.locked, self._timer.count = time.perf_counter(), 0
            if self._timer.locked is not None:
                self._timer.count += 1
            return method(sql, *args, **kwargs)

        return call


def fsync_profile(folder, seconds=3.0):
    """The disk's own fsync latency (p50, p99, longest, in ms). Every enrolment's commit
    waits for one fsync while holding the writer's turn, so one long stall of the
    disk holds up every client at once and shows up directly in the app's p99."""
    waits = []
    with open(folder / "fsync-probe", "wb") as probe:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            probe.write(b"x" * 4096)
            probe.flush()
            began = time.perf_counter()
            os.fsync(probe.fileno())
            waits.append(time.perf_counter() - began)
    return percentile(waits, 0.5), percentile(waits, 0.99), max(waits) * 1000


def limiter_env(store):
    """The app's rate limits stay on, counting in the shared store production uses, under
    a key prefix of their own so repeated runs do not count against each other."""
    if store == "off":
        return {"FORMS_APP_RATELIMIT_ENABLED": "false"}
    return {
        "FORMS_APP_RATELIMIT_ENABLED": "true",
        "FORMS_APP_RATELIMIT_STORAGE_URI": store,
        "FORMS_APP_RATELIMIT_KEY_PREFIX": f"enrol-load-{uuid.uuid4().hex}",
    }


# The app's own default for FORMS_APP_VERIFY_PER_ADDRESS (forms_app/verification.py).
CODES_PER_ADDRESS = 20


def verification_env(log, parents):
    """Phone verification on, with the development sender writing each code to `log`, where
    `Codes` reads it as a parent reads the SMS. The per-address limit stays at the app's
    default unless the parents spread over PARENT_ADDRESSES would each ask for more codes
    than it allows; then it is raised for this run only, and `verification_label` says so."""
    env = {"FORMS_APP_VERIFY_PHONE": "true", "FORMS_APP_SMS_PROVIDER": "dev", "FORMS_APP_DEV_MESSAGES_FILE": str(log)}
    per_address = -(-parents // PARENT_ADDRESSES)
    if per_address > CODES_PER_ADDRESS:
        env["FORMS_APP_VERIFY_PER_ADDRESS"] = str(per_address)
    return env


def verification_label(parents):
    per_address = -(-parents // PARENT_ADDRESSES)
    if per_address > CODES_PER_ADDRESS:
        return f"手机短信验证开启（每个地址每小时验证码上限为本次运行调高到 {per_address}）"
    return f"手机短信验证开启（每位家长先取验证码；每个地址最多 {per_address} 个，未超过默认上限 {CODES_PER_ADDRESS}）"


class Codes:
    """The development sender's log, read as it grows: the latest code sent to each masked
    phone (139****0001; unique for fewer than 10,000 parents). One reader thread tails the
    file for every parent, so 1,000 waiting parents do not each re-read it."""

    CODE = re.compile(r"验证码(\d{6})")

    def __init__(self, path):
        self.path = Path(path)
        self.codes, self.ready = {}, threading.Condition()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._tail, daemon=True)
        self.thread.start()

    def _tail(self):
        offset, partial = 0, b""
        while not self.stop.is_set():
            try:
                with open(self.path, "rb") as handle:
                    handle.seek(offset)
                    chunk = handle.read()
            except FileNotFoundError:
                chunk = b""
            offset += len(chunk)
            *lines, partial = (partial + chunk).split(b"\n")
            found = {}
            for line in lines:
                message = json.loads(line)
                code = self.CODE.search(message["text"]) if message["kind"] == "code" else None
                if code:
                    found[message["to"]] = code.group(1)
            if found:
                with self.ready:
                    self.codes.update(found)
                    self.ready.notify_all()
            self.stop.wait(0.005)

    def take(self, phone, timeout=60):
        """The code sent to `phone`, waiting for its line; used once."""
        masked = phone[:3] + "****" + phone[-4:]
        with self.ready:
            if not self.ready.wait_for(lambda: masked in self.codes, timeout):
                raise RuntimeError(f"no code for {masked} in {self.path}")
            return self.codes.pop(masked)

    def close(self):
        self.stop.set()
        self.thread.join()


def ask_code(port, n):
    """One parent's 获取验证码: (HTTP status, latency)."""
    body = json.dumps({"phone": person(n)["phone"]})
    began = time.perf_counter()
    response, data = request(port, "POST", "/api/verification", body, {"Content-Type": "application/json"}, parent_address(n))
    return response.status, time.perf_counter() - began


def at_gunicorn(args, label, target, env, surface, database, capacity, codes=None):
    """Table rows: `target` served by gunicorn, driven through `surface` by the clients. With
    `codes`, every parent first asks for a verification code (a row of its own), and the
    enrolments are timed once each parent has read its code."""
    server = Gunicorn(target, env, args.workers, args.port)
    rows = []
    try:
        if codes is not None:
            seconds, latencies = drive(args.clients, args.requests, asked(args.port))
            rows.append((f"{label}：先取验证码", args.requests / seconds, percentile(latencies, 0.5), percentile(latencies, 0.99), None))
        seconds, latencies = drive(args.clients, args.requests, surface(args.port, codes))
    finally:
        server.stop()
    over = overbooked(database, capacity)
    return rows + [(label, args.requests / seconds, percentile(latencies, 0.5), percentile(latencies, 0.99), over)]


def asked(port):
    def one(n):
        status, latency = ask_code(port, n)
        assert status == 202, status
        return latency

    return one


def add_limiter_argument(parser):
    parser.add_argument(
        "--limiter",
        default="redis://127.0.0.1:6379",
        help="the rate limiter's shared store, as in production; 'off' measures without limits",
    )


def limiter_label(store):
    return "限流关闭" if store == "off" else f"限流开启（{store}）"


def hold_line(hold):
    p50, p99, trip, trips, answered = hold
    line = f"单进程直接调用时每次报名持有班次锁：p50 {p50:.2f} ms，p99 {p99:.2f} ms"
    if trip is None:
        return line + f"（SQLite：从 BEGIN IMMEDIATE 到提交，其间 {trips} 条语句，含 COMMIT）"
    return line + (
        f"（服务器时钟：从加锁语句到 COMMIT 完成），整个事务与数据库往返 {trips} 次；"
        f"连同随后等磁盘 fsync 的同步提交，一次报名 p50 {answered:.2f} ms；同一次运行中一次往返（SELECT 1）p50 {trip:.2f} ms"
    )


def _ms(value):
    return "—" if value is None else f"{value:.1f}"


DIRECT, FLASK, JSON_API, FORM = "直接调用事务（单进程）", "同上，最简 Flask 应用（议题的参照）", "JSON API", "HTML 表单（GET+POST）"
FLOORS = (("最简计数+插入应用（下限）", "floor_app:app"), (FLASK, "floor_app:flask_app"))
SURFACES = ((JSON_API, json_enrol), (FORM, form_enrol))


def one_round(args, scratch, capacity):
    """Every row once, in the order of the table: (rows, lock hold of the direct row)."""
    rows = []
    with fresh_database(args.database, scratch, "direct") as database:
        seconds, hold = direct(database, args.requests, capacity)
        rows.append((DIRECT, args.requests / seconds, None, None, overbooked(database, capacity)))
    for label, target in FLOORS:
        floor_db = str(scratch / f"{target.replace(':', '-')}.sqlite3")
        floor_app.create(floor_db)
        env = {"FLOOR_DATABASE": floor_db, "FLOOR_CAPACITY": str(capacity), "PYTHONPATH": str(ROOT / "benchmarks")}
        rows += at_gunicorn(args, label, target, env, floor_enrol, floor_db, capacity)
    for label, surface in SURFACES:
        folder = scratch / label.split()[0]
        write_classes(folder / "classes", capacity)
        with fresh_database(args.database, folder, "forms") as database:
            env = {
                "FORMS_APP_DATABASE": database,
                "FORMS_APP_CLASSES_DIR": str(folder / "classes"),
                "FORMS_APP_SECRET_KEY": "benchmark",
                **limiter_env(args.limiter),
                **verification_env(folder / "messages.log", args.requests),
            }
            codes = Codes(folder / "messages.log")
            try:
                rows += at_gunicorn(args, label, "forms_app:create_app()", env, surface, database, capacity, codes)
            finally:
                codes.close()
    return rows, hold


def rates(rows):
    """{label: enrolments per second} of one round's rows."""
    return {label: rate for label, rate, *_ in rows}


def ratios(rate):
    """(JSON / minimal Flask, form / minimal Flask, JSON / direct) of one round's `rates`."""
    return rate[JSON_API] / rate[FLASK], rate[FORM] / rate[FLASK], rate[JSON_API] / rate[DIRECT]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--rounds", type=int, default=1, help="run every row this many times, one round after another")
    parser.add_argument("--database", help="a postgresql:// server to measure instead of SQLite files")
    add_limiter_argument(parser)
    args = parser.parse_args(argv)
    capacity = args.requests // 2
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        disk = fsync_profile(scratch)
        rounds = []
        for n in range(args.rounds):
            (scratch / f"round-{n}").mkdir()
            rounds.append(one_round(args, scratch / f"round-{n}", capacity))
    rows, hold = rounds[0]
    (_, floor_rate, *_), (_, flask_rate, _, flask_p99, _) = rows[1:3]

    backend = "PostgreSQL" if args.database else "SQLite"
    print(
        f"{backend}：{args.requests} 次报名，{args.clients} 个并发客户端，gunicorn {args.workers} 个 worker，"
        f"名额 {capacity}，{limiter_label(args.limiter)}，{verification_label(args.requests)}"
    )
    print("磁盘 fsync（运行前取样 3 秒）：p50 {:.2f} ms，p99 {:.2f} ms，最长 {:.0f} ms".format(*disk))
    print(hold_line(hold))
    if args.rounds > 1:
        print(f"第 1 轮（共 {args.rounds} 轮）：")
    print("| 场景 | 次/秒 | p50 (ms) | p99 (ms) | 超额 | 相对下限 | 相对最简 Flask |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, rate, p50, p99, over in rows:
        over = "—" if over is None else over
        print(f"| {label} | {rate:.0f} | {_ms(p50)} | {_ms(p99)} | {over} | {rate / floor_rate:.2f} | {rate / flask_rate:.2f} |")
    each = [ratios(rates(round_rows)) for round_rows, _ in rounds]
    if args.rounds > 1:
        print("每一轮（同一轮里的行前后相隔不到一分钟，机器快慢的漂移对比值影响较小）：")
        print("| 轮 | 最简 Flask 次/秒 | JSON API 次/秒 | 表单 次/秒 | JSON / 最简 Flask | 表单 / 最简 Flask | JSON / 直接调用 |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for n, ((round_rows, _), (json_share, form_share, direct_share)) in enumerate(zip(rounds, each), 1):
            rate = rates(round_rows)
            print(
                f"| {n} | {rate[FLASK]:.0f} | {rate[JSON_API]:.0f} | {rate[FORM]:.0f} "
                f"| {json_share:.2f} | {form_share:.2f} | {direct_share:.2f} |"
            )
    json_share, form_share, direct_share = (statistics.median(values) for values in zip(*each))
    which = "同一次运行的比值" if args.rounds == 1 else f"{args.rounds} 轮比值的中位数"
    print(
        f"{which}：JSON API / 最简 Flask = {json_share:.2f}（目标 ≥ 0.6，SQLite），"
        f"表单 / 最简 Flask = {form_share:.2f}（目标 ≥ 0.3），"
        f"JSON API / 直接调用事务 = {direct_share:.2f}（目标 ≥ 0.5，PostgreSQL）"
    )
    by_label = {row[0]: row for row in rows}
    (_, json_rate, _, json_p99, _), (_, form_rate, *_) = by_label[JSON_API], by_label[FORM]
    scale = REFERENCE_FLASK_RATE / flask_rate
    print(
        f"换算到议题测量时的机器（{'第 1 轮；' if args.rounds > 1 else ''}那里最简 Flask 应用约 {REFERENCE_FLASK_RATE}/秒、p99 约 {REFERENCE_FLASK_P99} ms；"
        f"本次为 {flask_rate:.0f}/秒、{flask_p99:.0f} ms）：JSON API {json_rate * scale:.0f}/秒、"
        f"p99 {json_p99 * REFERENCE_FLASK_P99 / flask_p99:.0f} ms，表单 {form_rate * scale:.0f}/秒"
        "（目标：JSON ≥500/秒且 p99 <150 ms，表单 ≥250/秒）"
    )
    return 1 if any(row[4] for round_rows, _ in rounds for row in round_rows) else 0


if __name__ == "__main__":
    sys.exit(main())
