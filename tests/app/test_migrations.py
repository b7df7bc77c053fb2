"""Schema changes are versioned steps: `flask migrate` is idempotent and keeps data."""

import pytest

from forms_app.storage import migrations
from tests.app.helpers import api_child


def test_migrate_twice_changes_nothing_and_keeps_enrolments(app, client):
    created = client.post("/api/enrolments", json=api_child()).get_json()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["migrate"])
    assert result.exit_code == 0
    assert f"数据库结构已是最新（第 {migrations.latest()} 版）" in result.output
    assert "已升级" not in result.output

    assert client.get(f"/api/enrolments/{created['reference']}").get_json()["status"] == "confirmed"


@pytest.mark.sqlite_only
def test_a_fresh_database_runs_every_step_once(make_app, tmp_path):
    app = make_app(DATABASE=str(tmp_path / "fresh.sqlite3"))
    from forms_app.storage.sqlite import SqliteStorage

    storage = SqliteStorage(app.config["DATABASE"])
    versions = [row[0] for row in storage.database.conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    storage.close()
    assert versions == [step[0] for step in migrations.MIGRATIONS]
