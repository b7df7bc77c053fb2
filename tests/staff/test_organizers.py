"""Organizers are records in classes/organizers.yaml: programs and accounts name them by id,
and every console URL (dashboard, rosters, the program editor) scopes by that id."""

import pytest

from forms_app import served
from forms_app.db import get_db
from forms_app.staff import accounts
from programs.loader import load_catalogue, read_program
from tests.staff.conftest import PASSWORD, SANLITUN, WANGJING, login
from tests.staff.test_accounts import cli
from tests.staff.test_editor import open_editor, send, start_new, yaml_text

REGISTRY = """\
- id: bj-wangjing
  name: 望京街道总工会
  district: 北京市朝阳区
  contact: 010-64700001
- id: bj-sanlitun
  name: 三里屯街道总工会
  district: 北京市朝阳区
  contact: 010-64170001
"""


@pytest.fixture
def app(make_app, classes):
    (classes.path / "organizers.yaml").write_text(REGISTRY, encoding="utf-8")
    classes.write("wangjing-winter", organizer="bj-wangjing")
    classes.write("sanlitun-winter", organizer=SANLITUN, title="三里屯街道寒假托管班")  # an older file: the name, not the id
    app = make_app()
    with app.app_context():
        for username, organizer, admin in (
            ("wj", "bj-wangjing", False),
            ("sl", "bj-sanlitun", False),
            ("old", WANGJING, False),
            ("district", None, True),
        ):
            get_db().save_staff(accounts.new_account(username, PASSWORD, organizer, admin))
    return app


def logged_in(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 303
    return client


def test_check_reads_ids_accepts_known_names_with_the_id_suggested_and_refuses_unknown_ones(app, classes):
    catalogue = load_catalogue(classes.path)
    assert catalogue.ok
    wangjing, sanlitun = catalogue.get("wangjing-winter"), catalogue.get("sanlitun-winter")
    assert (wangjing.organizer_id, wangjing.organizer) == ("bj-wangjing", WANGJING)  # the site still shows the name
    assert (sanlitun.organizer_id, sanlitun.organizer) == ("bj-sanlitun", SANLITUN)
    [hint] = [n for n in catalogue.notices if "organizer" in n.message]
    assert hint.path.endswith("sanlitun-winter.yaml") and "organizer: bj-sanlitun" in hint.message

    target = classes.write("sunhe-winter", organizer="孙河街道总工会")
    program, problems, _ = read_program(target, classes.path)
    assert (
        program is None
        and "不在 classes/organizers.yaml 中" in problems[0].message
        and "bj-wangjing（望京街道总工会）" in problems[0].message
    )


def test_the_console_scopes_by_id_whatever_the_file_or_a_legacy_account_calls_the_union(app):
    wj, sl, old = logged_in(app, "wj"), logged_in(app, "sl"), logged_in(app, "old")
    for client, mine, theirs in (
        (wj, "望京街道总工会寒假托管班", "三里屯"),
        (old, "望京街道总工会寒假托管班", "三里屯"),
        (sl, "三里屯街道寒假托管班", "望京街道总工会寒假托管班"),
    ):
        page = client.get("/staff/").get_data(as_text=True)
        assert mine in page and theirs not in page
    assert "望京街道总工会" in wj.get("/staff/").get_data(as_text=True)  # the name, not bj-wangjing, for staff to read
    assert sl.get("/staff/sessions/wangjing-winter/week-1").status_code == 404
    assert sl.get("/staff/sessions/sanlitun-winter/week-1").status_code == 200  # a file naming its union by name


def test_the_editor_scopes_by_id(app, classes):
    wj, sl = logged_in(app, "wj"), logged_in(app, "sl")
    assert sl.get("/staff/programs/wangjing-winter/edit").status_code == 404
    assert wj.get("/staff/programs/sanlitun-winter/edit").status_code == 404
    fields = open_editor(sl, "sanlitun-winter")
    for forged in ("bj-wangjing", WANGJING):
        answer = send(sl, "sanlitun-winter", fields, "publish", text=yaml_text(organizer=forged))
        assert answer.status_code == 422 and "必须是你所属的“三里屯街道总工会”（bj-sanlitun）" in answer.get_data(as_text=True)
    unknown = send(sl, "sanlitun-winter", fields, "publish", text=yaml_text(organizer="bj-nowhere"))
    assert unknown.status_code == 422 and "不在 classes/organizers.yaml 中" in unknown.get_data(as_text=True)
    assert send(sl, "sanlitun-winter", fields, "publish", text=yaml_text(organizer="bj-sanlitun")).status_code == 303
    with app.app_context():
        assert served.catalogue().get("sanlitun-winter").organizer_id == "bj-sanlitun"

    fresh = start_new(wj, "wangjing-summer")
    assert "organizer: bj-wangjing   # 望京街道总工会" in fresh["text"]


def test_a_concurrent_edit_by_two_staff_of_one_union_is_refused_by_id_as_well(app, classes):
    first, second = logged_in(app, "wj"), logged_in(app, "old")
    a, b = open_editor(first, "wangjing-winter"), open_editor(second, "wangjing-winter")
    assert send(first, "wangjing-winter", a, "publish", text=yaml_text(organizer="bj-wangjing", capacity=4)).status_code == 303
    assert send(second, "wangjing-winter", b, "publish", text=yaml_text(organizer="bj-wangjing", capacity=9)).status_code == 409


def test_staff_add_stores_the_id_for_a_name_and_refuses_an_unknown_union(app):
    assert cli(app, "staff", "add", "wj2", "--organizer", WANGJING, password="another good one").exit_code == 0
    with app.app_context():
        assert get_db().staff("wj2").organizer == "bj-wangjing"
    refused = cli(app, "staff", "add", "x1", "--organizer", "孙河街道总工会", password="another good one")
    assert refused.exit_code == 1 and "bj-sanlitun" in refused.output


def test_the_admin_chooses_the_organizer_from_the_list_and_the_account_is_scoped_by_its_id(app):
    from tests.staff.conftest import token

    admin = logged_in(app, "district")
    page = admin.get("/staff/accounts").get_data(as_text=True)
    assert '<option value="bj-wangjing">望京街道总工会（北京市朝阳区）</option>' in page
    data = {"csrf_token": token(admin, "/staff/accounts"), "username": "sl2", "organizer": "bj-sanlitun", "password": "another good one"}
    assert admin.post("/staff/accounts", data=data).status_code == 303
    with app.app_context():
        assert get_db().staff("sl2").organizer == "bj-sanlitun"
    newcomer = app.test_client()
    assert login(newcomer, "sl2", "another good one").status_code == 303
    assert "三里屯街道寒假托管班" in newcomer.get("/staff/").get_data(as_text=True)
    assert newcomer.get("/staff/programs/wangjing-winter/edit").status_code == 404


def test_every_new_console_url_scopes_by_organizer_id(app, classes):
    """Another organizer's file through every editor URL, action and view; the admin-only data and
    account pages; another organizer's lottery: each is a 404 and changes nothing."""
    from tests.staff.conftest import token

    sl = logged_in(app, "sl")
    before = (classes.path / "wangjing-winter.yaml").read_bytes()
    own = open_editor(sl, "sanlitun-winter")
    assert sl.get("/staff/programs/wangjing-winter/edit").status_code == 404
    assert sl.get("/staff/programs/wangjing-winter/form").status_code == 404
    for view in ("yaml", "form"):
        for action in ("check", "preview", "publish", "form", "yaml"):
            text = yaml_text(organizer="bj-sanlitun", title="三里屯冒名")
            answer = send(sl, "wangjing-winter", own, action, view=view, text=text, **{"f-title": "三里屯冒名"})
            assert answer.status_code == 404 and "望京街道总工会寒假托管班" not in answer.get_data(as_text=True), (view, action)
    for path in ("/staff/data/", "/staff/accounts"):
        assert sl.get(path).status_code == 404
    assert sl.post("/staff/data/purge", data={"csrf_token": token(sl), "confirmed": "yes"}).status_code == 404
    for path in ("/staff/sessions/wangjing-winter/week-1/lottery.json", "/staff/sessions/wangjing-winter/week-1/audit"):
        assert sl.get(path).status_code == 404
    assert sl.post("/staff/sessions/wangjing-winter/week-1/draw", data={"csrf_token": token(sl), "confirmed": "yes"}).status_code == 404
    assert (classes.path / "wangjing-winter.yaml").read_bytes() == before


def test_a_forged_organizer_id_is_refused_from_the_form_view_too(app, classes):
    """The form view has no organizer box, but its hidden text could be edited: the same check refuses it."""
    from tests.staff.test_editor import open_form

    sl = logged_in(app, "sl")
    fields, boxes, _page = open_form(sl, "sanlitun-winter")
    before = (classes.path / "sanlitun-winter.yaml").read_bytes()
    forged = {**fields, "text": yaml_text(organizer="bj-wangjing", title="三里屯街道寒假托管班")}
    answer = send(sl, "sanlitun-winter", forged, "publish", view="form", **boxes)
    assert answer.status_code == 422 and "必须是你所属的“三里屯街道总工会”（bj-sanlitun）" in answer.get_data(as_text=True)
    assert (classes.path / "sanlitun-winter.yaml").read_bytes() == before
    new = start_new(sl, "sanlitun-summer")
    answer = send(sl, "sanlitun-summer", {**new, "text": yaml_text(organizer="bj-wangjing")}, "publish", view="form")
    assert answer.status_code == 422 and not (classes.path / "sanlitun-summer.yaml").exists()
