"""One broken program file never stops a district: real gunicorn restarted with it present,
and the operators' commands run whatever the files say."""

import requests

from tests.app.helpers import api_child, flask_command
from tests.app.test_catalogue import break_file


def test_gunicorn_restarted_with_a_broken_file_serves_every_program(classes, serve):
    classes.write("sanlitun-winter", organizer="三里屯街道总工会", capacity=5)
    first = serve()
    first.stop()
    broken = break_file(classes, "wangjing-winter", capacity=9)
    (classes.path / "never-valid.yaml").write_text("title: [没有闭合\n", encoding="utf-8")
    server = serve()
    assert server.process.poll() is None
    good = [
        requests.post(
            server.url + "/api/enrolments", timeout=10, json=api_child(program="sanlitun-winter", name=f"孩子{n}", phone=f"1391234{n:04d}")
        )
        for n in range(5)
    ]
    assert [answer.status_code for answer in good] == [201] * 5
    assert [answer.json()["status"] for answer in good] == ["confirmed"] * 5
    kept = [
        requests.post(server.url + "/api/enrolments", timeout=10, json=api_child(name=f"孩子{n}", phone=f"1381234{n:04d}")).json()
        for n in range(3)
    ]
    assert [k["status"] for k in kept] == ["confirmed", "confirmed", "waitlisted"]  # capacity 2, not the broken 9
    health = requests.get(server.url + "/healthz", timeout=10)
    assert health.status_code == 200 and health.json()["status"] == "degraded"
    listed = {problem["program"]: problem for problem in health.json()["problems"]}
    assert listed["wangjing-winter"]["serving"] == "last_good"
    assert listed["never-valid"]["serving"] == "none"
    assert listed["wangjing-winter"]["problems"][0].startswith(f"{broken}:")
    assert requests.get(server.url + "/enrol/never-valid/week-1", timeout=10).status_code == 404


def test_maintenance_commands_run_with_a_broken_file_present(classes, database, tmp_path):
    (classes.path / "never-valid.yaml").write_text("title: [没有闭合\n", encoding="utf-8")
    break_file(classes, "wangjing-winter")

    for args in (["migrate"], ["purge"], ["staff", "list"]):
        done = flask_command(database, classes, *args)
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr
    done = flask_command(database, classes, "backup", str(tmp_path / "copy.sqlite3"))
    assert done.returncode == 0 and "已备份到" in done.stdout, done.stderr
    reloaded = flask_command(database, classes, "reload")
    assert reloaded.returncode == 1 and "Traceback" not in reloaded.stderr
    assert f"{classes.path / 'never-valid.yaml'}:1: " in reloaded.stderr
