"""Two app servers, one PostgreSQL: the session row lock keeps capacity across machines."""

from concurrent.futures import ThreadPoolExecutor

import psycopg
import requests

from tests.app.helpers import Classes, Server, api_child

RUSH = 400
CAPACITY = 40


def test_400_parents_at_two_gunicorn_instances_fill_40_places_exactly(postgres_url, tmp_path):
    classes = Classes(tmp_path / "classes")
    classes.write("wangjing-winter", capacity=CAPACITY)
    env = {
        "FORMS_APP_DATABASE": postgres_url,
        "FORMS_APP_CLASSES_DIR": str(classes.path),
        "FORMS_APP_SECRET_KEY": "test-only-key",
        "FORMS_APP_RATELIMIT_ENABLED": "false",
    }
    servers = [Server(env, workers=3), Server(env, workers=3)]
    try:
        for server in servers:
            server.start()

        def post(n):
            url = servers[n % 2].url + "/api/enrolments"
            response = requests.post(url, json=api_child(name=f"孩子{n}", phone=f"139{n:08d}"), timeout=120)
            return response.status_code, response.json()

        with ThreadPoolExecutor(RUSH) as pool:
            answers = list(pool.map(post, range(RUSH)))
    finally:
        for server in servers:
            server.stop()

    assert [code for code, _ in answers] == [201] * RUSH
    confirmed = [body for _, body in answers if body["status"] == "confirmed"]
    waitlisted = [body for _, body in answers if body["status"] == "waitlisted"]
    assert len(confirmed) == CAPACITY and len(waitlisted) == RUSH - CAPACITY
    assert sorted(body["position"] for body in waitlisted) == list(range(1, RUSH - CAPACITY + 1))
    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute("SELECT reference, status FROM enrolments ORDER BY id").fetchall()
    in_arrival_order = [status for _, status in rows]
    assert in_arrival_order == ["confirmed"] * CAPACITY + ["waitlisted"] * (RUSH - CAPACITY)
    position = {body["reference"]: body["position"] for body in waitlisted}
    assert [position[reference] for reference, _ in rows[CAPACITY:]] == list(range(1, RUSH - CAPACITY + 1))
