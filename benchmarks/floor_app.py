"""The floor for benchmarks/enrol_load.py: the least an enrolment can cost over HTTP.

A bare WSGI app doing the same count-and-insert in one BEGIN IMMEDIATE
transaction on the same kind of SQLite file, with no validation, no forms and
no framework, so the benchmark can print how much the real app adds.
"""
import json
import os
import sqlite3

DATABASE = os.environ.get("FLOOR_DATABASE", "floor.sqlite3")
CAPACITY = int(os.environ.get("FLOOR_CAPACITY", "40"))


def _connect():
    conn = sqlite3.connect(DATABASE, timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS enrolments (id INTEGER PRIMARY KEY, name TEXT, status TEXT)")
    return conn


def app(environ, start_response):
    body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)) or b"{}")
    conn = _connect()
    try:
        conn.execute("BEGIN IMMEDIATE")
        (confirmed,) = conn.execute("SELECT count(*) FROM enrolments WHERE status = 'confirmed'").fetchone()
        status = "confirmed" if confirmed < CAPACITY else "waitlisted"
        conn.execute("INSERT INTO enrolments (name, status) VALUES (?, ?)", [body.get("name"), status])
        conn.execute("COMMIT")
    finally:
        conn.close()
    start_response("201 Created", [("Content-Type", "application/json")])
    return [json.dumps({"status": status}).encode()]
