"""The app reads capacities and windows from the YAML: at start, on `flask reload`,
and in every other worker once it notices the reload."""
import pytest

from forms_app import create_app
from forms_app.served import InvalidCatalogue
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


def test_an_invalid_catalogue_refuses_to_start_and_says_why(classes, make_app):
    (classes.path / "broken.yaml").write_text("title: 缺了很多字段\n", encoding="utf-8")
    with pytest.raises(InvalidCatalogue) as refused:
        make_app()
    assert "报名系统不能启动" in str(refused.value)
    assert f"{classes.path / 'broken.yaml'}:1:" in str(refused.value)


def test_reload_with_a_broken_file_keeps_serving_the_last_good_catalogue(classes, app):
    (classes.path / "broken.yaml").write_text("title: 缺了很多字段\n", encoding="utf-8")
    result = reload(app)
    assert result.exit_code != 0 and "broken.yaml:1:" in str(result.exception)
    assert app.test_client().post("/api/enrolments", json=api_child()).status_code == 201


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
