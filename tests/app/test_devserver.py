"""`make run`: the built catalogue and the app answer on one port."""

from werkzeug.test import Client

from forms_app.devserver import site_and_app


def test_site_pages_and_app_routes_share_one_port(classes, database, tmp_path, monkeypatch):
    monkeypatch.setenv("FORMS_APP_DATABASE", str(database))
    monkeypatch.setenv("FORMS_APP_CLASSES_DIR", str(classes.path))
    site = tmp_path / "site"
    (site / "unions" / "望京街道总工会").mkdir(parents=True)
    (site / "index.html").write_text("目录首页", encoding="utf-8")
    (site / "unions" / "望京街道总工会" / "index.html").write_text("望京", encoding="utf-8")
    client = Client(site_and_app(site))
    assert client.get("/").get_data(as_text=True) == "目录首页"
    assert client.get("/unions/望京街道总工会/").get_data(as_text=True) == "望京"
    assert "孩子姓名" in client.get("/enrol/wangjing-winter/week-1").get_data(as_text=True)
    assert client.get("/api/availability").status_code == 200
