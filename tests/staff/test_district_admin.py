"""An admin may be limited to one district of classes/organizers.yaml: it reaches its district's
unions' programs, files, data and accounts and nothing of another district's, at every URL; the
federation-wide admin still reaches everything and alone makes admins."""

from datetime import timedelta

import pytest

from forms_app.db import get_db
from forms_app.staff import accounts
from tests.app.helpers import TODAY, program_data
from tests.app.test_catalogue import break_file, reload
from tests.staff.conftest import PASSWORD, enrol, login, token
from tests.staff.test_access import refused_everywhere, state
from tests.staff.test_accounts import cli
from tests.staff.test_editor import open_editor, send, start_new, yaml_text
from tests.staff.test_organizers import REGISTRY as CHAOYANG_UNIONS

CHAOYANG, XINYU = "北京市朝阳区", "江西省新余市"
REGISTRY = (
    CHAOYANG_UNIONS
    + """\
- id: jx-xinyu
  name: 新余市总工会
  district: 江西省新余市
  contact: 0790-6220001
"""
)


@pytest.fixture
def app(make_app, classes):
    (classes.path / "organizers.yaml").write_text(REGISTRY, encoding="utf-8")
    classes.write("wangjing-winter", organizer="bj-wangjing", title="望京街道寒假托管班")
    classes.write("sanlitun-winter", organizer="bj-sanlitun", title="三里屯街道寒假托管班")
    classes.write("xinyu-winter", organizer="jx-xinyu", title="新余市寒假托管班")
    app = make_app()
    with app.app_context():
        for username, organizer, admin, district in (
            ("wj", "bj-wangjing", False, None),
            ("xy", "jx-xinyu", False, None),
            ("chaoyang", None, True, CHAOYANG),
            ("district", None, True, None),
        ):
            get_db().save_staff(accounts.new_account(username, PASSWORD, organizer, admin, district))
    return app


def logged_in(app, username, password=PASSWORD):
    client = app.test_client()
    assert login(client, username, password).status_code == 303
    return client


@pytest.fixture
def chaoyang(app):
    return logged_in(app, "chaoyang")


def test_a_district_admin_sees_its_districts_programs_and_the_federation_admin_sees_all(app, chaoyang):
    own = chaoyang.get("/staff/").get_data(as_text=True)
    assert "望京街道寒假托管班" in own and "三里屯街道寒假托管班" in own and "新余市寒假托管班" not in own
    assert f"区总工会管理员（{CHAOYANG}）" in own
    everything = logged_in(app, "district").get("/staff/").get_data(as_text=True)
    assert all(title in everything for title in ("望京街道寒假托管班", "三里屯街道寒假托管班", "新余市寒假托管班"))


def test_another_districts_enrolment_is_a_404_at_every_console_url(app, chaoyang):
    theirs = enrol(app, "张小红", program="xinyu-winter", phone="13912340009")
    before = state(app, theirs.reference)
    assert refused_everywhere(app, chaoyang, "xinyu-winter", theirs, confirmed="yes") >= 14  # roster, person, exports, draw, check-in ...
    assert state(app, theirs.reference) == before
    with app.app_context():
        assert [e.action for e in get_db().audit("xinyu-winter", "week-1")] == ["enrolled"]

    ours = enrol(app, "王小明", program="sanlitun-winter")
    base = "/staff/sessions/sanlitun-winter/week-1"
    assert "王小明" in chaoyang.get(base).get_data(as_text=True)
    assert chaoyang.get(f"{base}/people/{ours.id}").status_code == 200
    assert chaoyang.get(f"{base}/export.csv").status_code == 200


def test_the_editor_offers_only_the_districts_files_and_refuses_another_districts_organizer(app, chaoyang, classes):
    listing = chaoyang.get("/staff/programs/").get_data(as_text=True)
    assert "sanlitun-winter" in listing and "wangjing-winter" in listing and "xinyu-winter" not in listing
    assert chaoyang.get("/staff/programs/xinyu-winter/edit").status_code == 404
    assert chaoyang.get("/staff/programs/xinyu-winter/form").status_code == 404
    fields = open_editor(chaoyang, "sanlitun-winter")
    before = (classes.path / "xinyu-winter.yaml").read_bytes()
    answer = send(chaoyang, "xinyu-winter", fields, "publish", text=yaml_text(organizer="bj-sanlitun"))
    assert answer.status_code == 404 and (classes.path / "xinyu-winter.yaml").read_bytes() == before

    moved = send(chaoyang, "sanlitun-winter", fields, "publish", text=yaml_text(organizer="jx-xinyu"))
    assert moved.status_code == 422 and f"必须是{CHAOYANG}的主办工会" in moved.get_data(as_text=True)
    fresh = start_new(chaoyang, "xinyu-summer")
    answer = send(chaoyang, "xinyu-summer", fresh, "publish", text=yaml_text(organizer="jx-xinyu"))
    assert answer.status_code == 422 and not (classes.path / "xinyu-summer.yaml").exists()
    made = send(chaoyang, "sunhe-summer", start_new(chaoyang, "sunhe-summer"), "publish", text=yaml_text(organizer="bj-wangjing"))
    assert made.status_code == 303 and (classes.path / "sunhe-summer.yaml").exists()


def create(client, **fields):
    data = {
        "csrf_token": token(client, "/staff/accounts"),
        "username": "new-one",
        "organizer": "bj-sanlitun",
        "password": "another good one",
    }
    return client.post("/staff/accounts", data={**data, **fields})


def usernames(app):
    with app.app_context():
        return [a.username for a in get_db().all_staff()]


def test_a_district_admin_manages_only_its_districts_union_accounts(app, chaoyang):
    page = chaoyang.get("/staff/accounts").get_data(as_text=True)
    assert 'value="bj-sanlitun"' in page and 'value="jx-xinyu"' not in page and 'name="admin"' not in page
    assert "wj" in page and "account-" in page
    assert ">xy<" not in page and ">district<" not in page

    refused = create(chaoyang, organizer="jx-xinyu")
    assert refused.status_code == 400 and "请从列表中选择" in refused.get_data(as_text=True)
    for forged in ({"admin": "y"}, {"admin": "y", "district": CHAOYANG}):
        answer = create(chaoyang, **forged)
        assert answer.status_code == 400 and "只有总管理员能建立管理员账号" in answer.get_data(as_text=True)
    assert "new-one" not in usernames(app)

    csrf = token(chaoyang, "/staff/accounts")
    for other in ("xy", "district"):
        assert chaoyang.post(f"/staff/accounts/{other}/disable", data={"csrf_token": csrf, "confirmed": "yes"}).status_code == 404
        assert chaoyang.post(f"/staff/accounts/{other}/reset", data={"csrf_token": csrf, "password": "x" * 12}).status_code == 404
    with app.app_context():
        assert not get_db().staff("xy").disabled and not get_db().staff("district").disabled
    assert login(app.test_client(), "xy").status_code == 303

    assert create(chaoyang).status_code == 303
    with app.app_context():
        made = get_db().staff("new-one")
    assert (made.organizer, made.admin, made.district) == ("bj-sanlitun", False, None)
    assert chaoyang.post("/staff/accounts/wj/disable", data={"csrf_token": csrf, "confirmed": "yes"}).status_code == 303
    listed = chaoyang.get("/staff/accounts").get_data(as_text=True)
    assert "新建账号 new-one" in listed and "停用账号 wj" in listed


def test_the_federation_admin_makes_a_district_admin_from_the_list_and_it_is_audited(app):
    admin = logged_in(app, "district")
    page = admin.get("/staff/accounts").get_data(as_text=True)
    assert f'<option value="{CHAOYANG}">区总工会管理员（{CHAOYANG}）</option>' in page and f"区总工会管理员（{XINYU}）" in page
    bad = create(admin, username="nowhere", admin="y", district="北京市海淀区")
    assert bad.status_code == 400 and "请从列表中选择管理员的范围" in bad.get_data(as_text=True)
    assert create(admin, username="xinyu-admin", admin="y", district=XINYU, organizer="").status_code == 303
    with app.app_context():
        made = get_db().staff("xinyu-admin")
    assert (made.admin, made.district, made.organizer) == (True, XINYU, None)
    assert f"新建账号 xinyu-admin（区总工会管理员：{XINYU}）" in admin.get("/staff/accounts").get_data(as_text=True)

    theirs = logged_in(app, "xinyu-admin", "another good one").get("/staff/").get_data(as_text=True)
    assert "新余市寒假托管班" in theirs and "望京街道寒假托管班" not in theirs
    assert create(admin, username="all-admin", admin="y", district="").status_code == 303
    with app.app_context():
        assert get_db().staff("all-admin").district is None


def test_staff_add_admin_district_checks_the_district_against_the_list(app):
    added = cli(app, "staff", "add", "cy2", "--admin", "--district", CHAOYANG, password="another good one")
    assert added.exit_code == 0, added.output
    assert f"区总工会管理员（{CHAOYANG}）" in added.output
    with app.app_context():
        assert get_db().staff("cy2").district == CHAOYANG
    assert f"cy2\t区总工会管理员（{CHAOYANG}）\t正常" in cli(app, "staff", "list").output

    unknown = cli(app, "staff", "add", "cy3", "--admin", "--district", "朝阳区", password="another good one")
    assert unknown.exit_code == 1 and f"没有区县“朝阳区”：请写其中一个：{CHAOYANG}、{XINYU}" in unknown.output
    alone = cli(app, "staff", "add", "cy4", "--district", CHAOYANG, "--organizer", "bj-wangjing", password="another good one")
    assert alone.exit_code == 1 and "--district 只用于管理员账号" in alone.output
    assert "cy3" not in usernames(app) and "cy4" not in usernames(app)


def ended(classes, program_id, organizer):
    data = program_data()
    session = {**data["sessions"][0], "start": (TODAY - timedelta(days=204)).isoformat(), "end": (TODAY - timedelta(days=200)).isoformat()}
    classes.write(program_id, organizer=organizer, title=f"{program_id} 已结束", sessions=[session])


def test_a_district_admins_data_page_previews_and_purges_only_its_district(app, chaoyang, classes):
    ended(classes, "sanlitun-old", "bj-sanlitun")
    ended(classes, "xinyu-old", "jx-xinyu")
    app.test_cli_runner().invoke(args=["reload"])
    ours = enrol(app, "甲", program="sanlitun-old", phone="13912340001")
    theirs = enrol(app, "乙", program="xinyu-old", phone="13912340002")

    page = chaoyang.get("/staff/data/").get_data(as_text=True)
    assert "sanlitun-old" in page and "xinyu-old" not in page and "中 1 人" in page
    done = chaoyang.post("/staff/data/purge", data={"csrf_token": token(chaoyang, "/staff/data/"), "confirmed": "yes"})
    assert done.status_code == 303
    with app.app_context():
        assert get_db().get(ours.reference).name.startswith("已清除")
        assert get_db().get(theirs.reference).name == "乙"
    assert "xinyu-old" in logged_in(app, "district").get("/staff/data/").get_data(as_text=True)


def test_a_broken_file_is_shown_to_its_districts_admin_and_not_to_another_districts(app, classes, chaoyang):
    broken = break_file(classes, "xinyu-winter", organizer="jx-xinyu", title="新余市寒假托管班")
    assert reload(app).exit_code == 1
    assert "班级文件有问题" not in chaoyang.get("/staff/").get_data(as_text=True)
    assert f"班级文件有问题：{broken}" in logged_in(app, "district").get("/staff/").get_data(as_text=True)
    ours = break_file(classes, "sanlitun-winter", organizer="bj-sanlitun", title="三里屯街道寒假托管班")
    assert reload(app).exit_code == 1
    page = chaoyang.get("/staff/").get_data(as_text=True)
    assert f"班级文件有问题：{ours}" in page and f"{broken}" not in page


def test_a_district_admin_is_shown_only_its_districts_given_up_messages(app, chaoyang):
    ours = enrol(app, "王小明", program="sanlitun-winter", phone="13912340001")
    theirs = enrol(app, "张小红", program="xinyu-winter", phone="13912340009")
    with app.app_context():
        for message in get_db().claim_messages("worker-1", "2099-01-01T00:00:00+08:00", "2099-01-01T00:05:00+08:00"):
            get_db().mark_failed(message.id, "worker-1", f"号码停机 {message.enrolment_id}", "2099-01-01T00:00:01+08:00")
        assert get_db().failed_messages()[0] >= 2
    page = chaoyang.get("/staff/").get_data(as_text=True)
    assert f"号码停机 {ours.id}" in page and f"号码停机 {theirs.id}" not in page and "张小红" not in page
    everything = logged_in(app, "district").get("/staff/").get_data(as_text=True)
    assert f"号码停机 {ours.id}" in everything and f"号码停机 {theirs.id}" in everything
