"""The floors for benchmarks/enrol_load.py: the least an enrolment can cost over HTTP.

`app` is a bare WSGI app doing the same count-and-insert in one BEGIN
IMMEDIATE transaction on the same kind of SQLite file, with no validation, no
forms and no framework, so the benchmark can print how much the real app adds.
`flask_app` does the same inside a minimal Flask app: the reference the
enrolment issue measured its targets against (about 970/s on its machine).
"""

import json
import os
import sqlite3

from flask import Flask, jsonify, request

SCHEMA = "CREATE TABLE IF NOT EXISTS enrolments (id INTEGER PRIMARY KEY, name TEXT, status TEXT)"
DATABASE = os.environ.get("FLOOR_DATABASE", "floor.sqlite3")
CAPACITY = int(os.environ.get("FLOOR_CAPACITY", "40"))
_connection = []


def create(database):
    """Run once before the workers start: WAL and the table."""
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(SCHEMA)


def _conn():
    if not _connection:
        conn = sqlite3.connect(DATABASE, timeout=30, isolation_level=None)
        conn.execute("PRAGMA synchronous=FULL")
        _connection.append(conn)
    return _connection[0]


def _enrol(name):
    conn = _conn()
    conn.execute("BEGIN IMMEDIATE")
    try:
        (confirmed,) = conn.execute("SELECT count(*) FROM enrolments WHERE status = 'confirmed'").fetchone()
        status = "confirmed" if confirmed < CAPACITY else "waitlisted"
        conn.execute("INSERT INTO enrolments (name, status) VALUES (?, ?)", [name, status])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return status


def app(environ, start_response):
    body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)) or b"{}")
    status = _enrol(body.get("name"))
    start_response("201 Created", [("Content-Type", "application/json")])
    return [json.dumps({"status": status}).encode()]


flask_app = Flask(__name__)


@flask_app.post("/")
def enrol():
    return jsonify(status=_enrol((request.get_json(force=True, silent=True) or {}).get("name"))), 201
