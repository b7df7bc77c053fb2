"""The app reads capacities and windows from the YAML: at start, on `flask reload`,
and in every other worker once it notices the reload."""

import pytest

from forms_app import create_app
from tests.app.helpers import api_child, rows


def enrol_many(client, count, start=0):
    return [
        client.post("/api/enrolments", json=api_child(name=f"孩子{n}", phone=f"139123400{n:02d}")).get_json()
        for n in range(start, start + count)
    ]


def reload(app):
    return app.test_cli_runner().invoke(args=["reload"])


def test_lowering_capacity_drops_nobody_and_raising_it_promotes_in_order(classes, app, database):
    client = app.test_client()
    enrol_many(client, 2)
    classes.write("wangjing-winter", capacity=1)
    result = reload(app)
    assert result.exit_code == 0 and "共 1 个班" in result.output
    places = client.get("/api/availability").get_json()["wangjing-winter"]["week-1"]
    assert (places["capacity"], places["confirmed"], places["remaining"], places["state"]) == (1, 2, 0, "full")
    waiting = enrol_many(client, 3, start=2)
    assert [(w["status"], w["position"]) for w in waiting] == [("waitlisted", 1), ("waitlisted", 2), ("waitlisted", 3)]
    classes.write("wangjing-winter", capacity=4)
    assert "候补转为报名成功：2 人" in reload(app).output
    statuses = [client.get(f"/api/enrolments/{w['reference']}").get_json() for w in waiting]
    assert [(s["status"], s["position"]) for s in statuses] == [("confirmed", None), ("confirmed", None), ("waitlisted", 1)]
    assert rows(database, "SELECT count(*) FROM outbox WHERE kind = 'promoted'") == [(2,)]
    assert rows(database, "SELECT count(*) FROM events WHERE action = 'capacity_changed'") == [(2,)]


def test_other_workers_notice_a_reload(classes, make_app):
    worker, other = make_app(), make_app()
    classes.write("wangjing-winter", capacity=7)
    reload(other)
    places = worker.test_client().get("/api/availability").get_json()["wangjing-winter"]["week-1"]
    assert places["capacity"] == 7


def test_files_edited_again_after_a_reload_are_stored_before_they_are_served(classes, make_app, database):
    worker, other = make_app(), make_app()
    classes.write("wangjing-winter", capacity=7)
    reload(other)
    classes.write("wangjing-winter", capacity=3)
    places = worker.test_client().get("/api/availability").get_json()["wangjing-winter"]["week-1"]
    assert places["capacity"] == 3
    assert rows(database, "SELECT capacity FROM places WHERE program = 'wangjing-winter' AND session = 'week-1'") == [(3,)]


def break_file(classes, program_id, **changes):
    """An edit of the program that is valid YAML but fails the checks: capacity changed, a key misspelt."""
    target = classes.write(program_id, **changes)
    target.write_text(target.read_text(encoding="utf-8") + "capacty: 3\n", encoding="utf-8")
    return target


def test_a_file_broken_at_start_is_served_as_its_last_good_version(classes, make_app):
    classes.write("sanlitun-winter", organizer="三里屯街道总工会")
    make_app()
    broken = break_file(classes, "wangjing-winter", capacity=9)
    app = make_app()
    client = app.test_client()
    places = client.get("/api/availability").get_json()
    assert places["wangjing-winter"]["week-1"]["capacity"] == 2 and "sanlitun-winter" in places
    assert client.post("/api/enrolments", json=api_child()).status_code == 201
    assert client.post("/api/enrolments", json=api_child(program="sanlitun-winter")).status_code == 201
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["status"] == "degraded"
    [problem] = health.get_json()["problems"]
    assert problem["program"] == "wangjing-winter" and problem["serving"] == "last_good"
    assert problem["problems"][0].startswith(f"{broken}:")


def test_a_file_that_never_passed_is_not_served_and_the_others_are(classes, make_app):
    (classes.path / "broken.yaml").write_text("title: 缺了很多字段\n", encoding="utf-8")
    client = make_app().test_client()
    assert client.get("/enrol/broken/week-1").status_code == 404
    assert client.post("/api/enrolments", json=api_child()).status_code == 201
    [problem] = client.get("/healthz").get_json()["problems"]
    assert (problem["program"], problem["serving"]) == ("broken", "none")
    assert problem["problems"][0].startswith(f"{classes.path / 'broken.yaml'}:1:")


def test_reload_with_a_broken_file_lists_its_problems_and_keeps_the_last_good_version(classes, app):
    broken = break_file(classes, "wangjing-winter", capacity=9)
    (classes.path / "never.yaml").write_text("title: 缺了很多字段\n", encoding="utf-8")
    result = reload(app)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"{broken}:" in result.output and f"{classes.path / 'never.yaml'}:1:" in result.output
    assert "仍按上次通过检查的版本报名：wangjing-winter" in result.output
    places = app.test_client().get("/api/availability").get_json()["wangjing-winter"]["week-1"]
    assert places["capacity"] == 2
    assert app.test_client().post("/api/enrolments", json=api_child()).status_code == 201
    classes.write("wangjing-winter", capacity=9)
    (classes.path / "never.yaml").unlink()
    fixed = reload(app)
    assert fixed.exit_code == 0 and "全部通过检查" in fixed.output
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}
    assert app.test_client().get("/api/availability").get_json()["wangjing-winter"]["week-1"]["capacity"] == 9


def test_other_workers_serve_the_last_good_version_after_a_reload_with_a_broken_file(classes, make_app):
    worker, other = make_app(), make_app()
    break_file(classes, "wangjing-winter", capacity=9)
    assert reload(other).exit_code == 1
    assert worker.test_client().get("/api/availability").get_json()["wangjing-winter"]["week-1"]["capacity"] == 2
    assert worker.test_client().get("/healthz").get_json()["status"] == "degraded"


@pytest.mark.sqlite_only
def test_configuration_comes_from_prefixed_environment(classes, database, tmp_path, monkeypatch):
    monkeypatch.setenv("FORMS_APP_DATABASE", str(database))
    monkeypatch.setenv("FORMS_APP_CLASSES_DIR", str(classes.path))
    monkeypatch.setenv("FORMS_APP_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("FORMS_APP_SECRET_KEY", "from-the-environment")
    app = create_app()
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert rows(database, "PRAGMA journal_mode") == [("wal",)]


def test_without_a_secret_key_one_is_generated_once_and_kept(classes, database, monkeypatch, tmp_path):
    monkeypatch.delenv("FORMS_APP_SECRET_KEY", raising=False)
    first = create_app({"DATABASE": str(database), "CLASSES_DIR": str(classes.path)})
    second = create_app({"DATABASE": str(database), "CLASSES_DIR": str(classes.path)})
    assert len(first.config["SECRET_KEY"]) >= 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
