"""Editing and publishing program files from /staff/programs/: the same checks as
`build.py check` beside each line, only one's own organizer, no lost edits."""

import html
import re
import subprocess

import yaml

from forms_app import served
from tests.app.helpers import csrf_token, hidden, program_data, rows
from tests.staff.conftest import SANLITUN, WANGJING, enrol, login


def textarea(page):
    return html.unescape(re.search(r"<textarea[^>]*>\r?\n?(.*?)</textarea>", page, re.S).group(1))


def yaml_text(**changes):
    return yaml.safe_dump(program_data(**changes), allow_unicode=True, sort_keys=False)


def open_editor(client, program_id):
    page = client.get(f"/staff/programs/{program_id}/edit")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    return {"csrf_token": csrf_token(text), "base": hidden(text, "base"), "folder": hidden(text, "folder"), "text": textarea(text)}


def start_new(client, program_id):
    listing = client.get("/staff/programs/").get_data(as_text=True)
    page = client.post("/staff/programs/new", data={"csrf_token": csrf_token(listing), "program_id": program_id, "folder": ""})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    return {"csrf_token": csrf_token(text), "base": hidden(text, "base"), "folder": hidden(text, "folder"), "text": textarea(text)}


def send(client, program_id, fields, action, **changes):
    return client.post(f"/staff/programs/{program_id}/edit", data={**fields, "action": action, **changes})


def test_a_new_program_starts_from_the_template_and_is_refused_until_it_passes(app, wangjing, classes, database):
    fields = start_new(wangjing, "wangjing-summer")
    assert fields["base"] == "new" and "【待填写】" in fields["text"]
    assert f"organizer: {WANGJING}" in fields["text"]

    refused = send(wangjing, "wangjing-summer", fields, "publish")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "没有发布" in page
    title_line = next(n for n, line in enumerate(fields["text"].split("\n"), 1) if line.startswith("title:"))
    assert re.search(rf'id="line-{title_line}" class="flagged">.*?第 {title_line} 行：title 还没有填写', page, re.S)
    assert not (classes.path / "wangjing-summer.yaml").exists()

    good = yaml_text(title="望京街道总工会暑期托管班")
    previewed = send(wangjing, "wangjing-summer", fields, "preview", text=good).get_data(as_text=True)
    assert 'id="preview"' in previewed and "望京街道总工会暑期托管班" in previewed and "检查通过" in previewed

    published = send(wangjing, "wangjing-summer", fields, "publish", text=good)
    assert published.status_code == 303
    assert (classes.path / "wangjing-summer.yaml").read_text(encoding="utf-8") == good
    with app.app_context():
        assert served.catalogue().get("wangjing-summer").title == "望京街道总工会暑期托管班"
    assert enrol(app, "王小明", program="wangjing-summer").status == "confirmed"
    [(action, actor, detail)] = rows(database, "SELECT action, actor, detail FROM events WHERE program = 'wangjing-summer'")[:1]
    assert (action, actor) == ("program_published", "staff:wj") and "+title: 望京街道总工会暑期托管班" in detail
    assert "已发布" in wangjing.get("/staff/programs/wangjing-summer/edit").get_data(as_text=True)


def test_checks_are_the_same_as_check_and_shown_at_their_line(wangjing):
    fields = open_editor(wangjing, "wangjing-winter")
    broken = fields["text"].replace("capacity: 2", "capacity: 0")
    line = next(n for n, text in enumerate(broken.split("\n"), 1) if "capacity: 0" in text)
    page = send(wangjing, "wangjing-winter", fields, "check", text=broken).get_data(as_text=True)
    assert re.search(
        rf'id="line-{line}" class="flagged"><span class="number">{line}</span><code>  capacity: 0</code>\s*<p class="message error">第 {line} 行：',
        page,
    )


def test_another_organizers_file_is_not_there(app, classes):
    other = app.test_client()
    assert login(other, "sl").status_code == 303
    assert "wangjing-winter" not in other.get("/staff/programs/").get_data(as_text=True)
    assert other.get("/staff/programs/wangjing-winter/edit").status_code == 404
    fields = open_editor(other, "sanlitun-winter")
    before = (classes.path / "wangjing-winter.yaml").read_bytes()
    answer = send(other, "wangjing-winter", fields, "publish", text=yaml_text(organizer=SANLITUN))
    assert answer.status_code == 404 and (classes.path / "wangjing-winter.yaml").read_bytes() == before


def test_a_forged_organizer_is_refused_for_new_and_existing_files(wangjing, classes):
    fields = open_editor(wangjing, "wangjing-winter")
    before = (classes.path / "wangjing-winter.yaml").read_bytes()
    answer = send(wangjing, "wangjing-winter", fields, "publish", text=yaml_text(organizer=SANLITUN))
    assert answer.status_code == 422 and f"必须是你所属的“{WANGJING}”" in answer.get_data(as_text=True)
    assert (classes.path / "wangjing-winter.yaml").read_bytes() == before

    fresh = start_new(wangjing, "sanlitun-summer")
    answer = send(wangjing, "sanlitun-summer", fresh, "publish", text=yaml_text(organizer=SANLITUN))
    assert answer.status_code == 422 and not (classes.path / "sanlitun-summer.yaml").exists()


def test_the_second_of_two_concurrent_edits_is_refused_not_lost(app, wangjing, classes):
    second = app.test_client()
    assert login(second, "wj").status_code == 303
    first_fields, second_fields = open_editor(wangjing, "wangjing-winter"), open_editor(second, "wangjing-winter")
    assert send(wangjing, "wangjing-winter", first_fields, "publish", text=yaml_text(capacity=5)).status_code == 303

    late = send(second, "wangjing-winter", second_fields, "publish", text=yaml_text(capacity=7))
    page = late.get_data(as_text=True)
    assert late.status_code == 409 and "已被别人修改并发布，你的修改没有保存" in page
    assert "capacity: 7" in textarea(page)
    assert "capacity: 5" in (classes.path / "wangjing-winter.yaml").read_text(encoding="utf-8")


def test_two_people_creating_the_same_id_the_second_is_refused(app, wangjing, classes):
    second = app.test_client()
    assert login(second, "wj").status_code == 303
    first_fields, second_fields = start_new(wangjing, "wangjing-summer"), start_new(second, "wangjing-summer")
    assert send(wangjing, "wangjing-summer", first_fields, "publish", text=yaml_text(capacity=5)).status_code == 303
    late = send(second, "wangjing-summer", second_fields, "publish", text=yaml_text(capacity=7))
    assert late.status_code in (409, 422) and "capacity: 5" in (classes.path / "wangjing-summer.yaml").read_text(encoding="utf-8")


def test_publishing_commits_with_the_staff_member_as_author_when_classes_is_a_git_repository(wangjing, classes):
    git = ["git", "-C", str(classes.path)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start"], check=True)
    fields = open_editor(wangjing, "wangjing-winter")
    assert send(wangjing, "wangjing-winter", fields, "publish", text=yaml_text(capacity=5)).status_code == 303
    author = subprocess.run([*git, "log", "-1", "--format=%an|%s"], capture_output=True, text=True, check=True).stdout
    assert author.startswith("wj|修改班级 wangjing-winter")
    assert subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True).stdout.strip() == ""


def test_a_forged_request_without_the_token_changes_nothing(wangjing, classes):
    fields = open_editor(wangjing, "wangjing-winter")
    before = (classes.path / "wangjing-winter.yaml").read_bytes()
    answer = send(wangjing, "wangjing-winter", {**fields, "csrf_token": ""}, "publish", text=yaml_text(capacity=5))
    assert answer.status_code == 400 and (classes.path / "wangjing-winter.yaml").read_bytes() == before


def test_bad_new_ids_and_folders_are_answered_in_chinese(wangjing):
    listing = wangjing.get("/staff/programs/").get_data(as_text=True)
    bad = wangjing.post("/staff/programs/new", data={"csrf_token": csrf_token(listing), "program_id": "Wang Jing", "folder": ""})
    assert bad.status_code == 400 and "只能用小写字母" in bad.get_data(as_text=True)
    taken = wangjing.post("/staff/programs/new", data={"csrf_token": csrf_token(listing), "program_id": "wangjing-winter", "folder": ""})
    assert taken.status_code == 400 and "已存在" in taken.get_data(as_text=True)
    nowhere = wangjing.post("/staff/programs/new", data={"csrf_token": csrf_token(listing), "program_id": "x-1", "folder": "../etc"})
    assert nowhere.status_code == 400


def test_the_admin_may_edit_every_organizers_file(admin):
    assert open_editor(admin, "sanlitun-winter")["text"]
    assert open_editor(admin, "wangjing-winter")["text"]


def test_publishing_rebuilds_the_site_in_the_background_when_site_out_is_set(make_app, classes, monkeypatch, tmp_path):
    import forms_app.staff.editor as editor
    from forms_app.db import get_db
    from forms_app.staff import accounts
    from tests.staff.conftest import PASSWORD

    started = []
    monkeypatch.setattr(editor, "_background", started.append)
    app = make_app(SITE_OUT=str(tmp_path / "site"))
    with app.app_context():
        get_db().save_staff(accounts.new_account("wj", PASSWORD, WANGJING, False))
    client = app.test_client()
    assert login(client, "wj").status_code == 303
    fields = open_editor(client, "wangjing-winter")
    assert send(client, "wangjing-winter", fields, "publish", text=yaml_text(capacity=5)).status_code == 303
    [command] = started
    assert command[1:] == [str(editor.PROJECT_ROOT / "build.py"), "build", "--classes", str(classes.path), "--out", str(tmp_path / "site")]
    page = client.get("/staff/programs/wangjing-winter/edit").get_data(as_text=True)
    assert "目录网站正在后台重新生成" in page and "发布记录" in page and "修改并发布班级文件 wangjing-winter.yaml" in page


def test_odd_requests_get_a_chinese_answer_never_a_server_error(wangjing, classes):
    fields = open_editor(wangjing, "wangjing-winter")
    odd = [
        ("wangjing-winter", {**fields, "text": "\x00\xff 乱码"}),
        ("wangjing-winter", {**fields, "text": "title: [unclosed"}),
        ("wangjing-winter", {**fields, "text": "- 1\n- 2"}),
        ("wangjing-winter", {**fields, "text": ""}),
        ("wangjing-winter", {**fields, "base": ""}),
        ("wangjing-winter", {**fields, "action": "delete"}),
        ("Not-A-Slug", fields),
        ("no-such-file", fields),
        ("no-such-file", {**fields, "base": "new", "folder": "../.."}),
        ("wangjing-winter", {**fields, "base": "new", "folder": ""}),
    ]
    for program_id, data in odd:
        for action in ("check", "preview", "publish"):
            answer = wangjing.post(f"/staff/programs/{program_id}/edit", data={"action": action, **data})
            assert answer.status_code < 500, (program_id, data, action)
    assert wangjing.get("/staff/programs/no-such-file/edit").status_code == 404
    assert "capacity: 2" in (classes.path / "wangjing-winter.yaml").read_text(encoding="utf-8")


def open_form(client, program_id):
    page = client.get(f"/staff/programs/{program_id}/form")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    boxes = dict(re.findall(r'<input type="text" id="[^"]+" name="(f-[^"]+)" value="([^"]*)"', text))
    fields = {"csrf_token": csrf_token(text), "base": hidden(text, "base"), "folder": hidden(text, "folder"), "text": textarea(text)}
    return fields, {name: html.unescape(value) for name, value in boxes.items()}, text


def test_the_form_view_shows_the_common_fields_and_writes_only_the_value_typed(wangjing, classes):
    path = classes.path / "wangjing-winter.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("capacity: 2", "capacity: 2   # 教室只有两张桌子"), encoding="utf-8")
    fields, boxes, page = open_form(wangjing, "wangjing-winter")
    assert boxes["f-title"] == program_data()["title"] and boxes["f-sessions.0.capacity"] == "2"
    assert "capacity（名额）" in page and "名额：不小于 1 的整数" in page  # label and hint from the model
    before = path.read_text(encoding="utf-8")

    answer = send(wangjing, "wangjing-winter", fields, "publish", view="form", **{**boxes, "f-sessions.0.capacity": "5"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/staff/programs/wangjing-winter/form")
    assert path.read_text(encoding="utf-8") == before.replace("capacity: 2   #", "capacity: 5   #")


def test_the_form_view_shows_each_message_under_its_box_and_saves_nothing_until_it_passes(wangjing, classes):
    path = classes.path / "wangjing-winter.yaml"
    before = path.read_bytes()
    fields, boxes, _page = open_form(wangjing, "wangjing-winter")
    typed = {**boxes, "f-sessions.0.capacity": "约30人", "f-sessions.0.time": "17:30-08:30", "f-contact.phone": "010-8470"}
    answer = send(wangjing, "wangjing-winter", fields, "publish", view="form", **typed)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and path.read_bytes() == before
    written = textarea(page).split("\n")
    for name, words in (
        ("sessions-0-capacity", "要写确定的名额数"),
        ("sessions-0-time", "结束时间应晚于开始时间"),
        ("contact-phone", "不是有效的电话号码"),
    ):
        box = re.search(rf'<p class="field flagged" id="f-line-(\d+)">\s*<label for="f-{name}">.*?</p>', page, re.S)
        assert box and f"第 {box.group(1)} 行：" in box.group(0) and words in box.group(0), name
        assert written[int(box.group(1)) - 1].strip().startswith(name.split("-")[-1] + ":")
    assert 'value="约30人"' in page  # what was typed stays in its box

    fixed = send(wangjing, "wangjing-winter", fields, "check", view="form", text=textarea(page), **boxes)
    assert fixed.status_code == 200 and "检查通过" in fixed.get_data(as_text=True)


def test_values_yaml_would_misread_are_quoted_and_the_two_views_edit_the_same_text(wangjing, classes):
    fields, boxes, _page = open_form(wangjing, "wangjing-winter")
    answer = send(wangjing, "wangjing-winter", fields, "yaml", view="form", **{**boxes, "f-summary": "第2期 #寒假托管: 火热报名"})
    text = textarea(answer.get_data(as_text=True))
    assert 'summary: "第2期 #寒假托管: 火热报名"' in text and 'name="action" value="form"' in answer.get_data(as_text=True)
    assert yaml.safe_load(text)["summary"] == "第2期 #寒假托管: 火热报名"
    back = send(wangjing, "wangjing-winter", {**fields, "text": text}, "form", view="yaml").get_data(as_text=True)
    assert 'name="f-summary" value="第2期 #寒假托管: 火热报名"' in html.unescape(back)


def test_a_new_program_can_be_filled_in_the_form_view(wangjing, classes):
    fields = start_new(wangjing, "wangjing-summer")
    page = send(wangjing, "wangjing-summer", fields, "form", view="yaml").get_data(as_text=True)
    assert 'name="f-title" value="【待填写】"' in page and "title 还没有填写" in page
    assert 'name="f-sessions.0.capacity" value="30"' in page


def test_the_form_view_keeps_the_organizer_rules(app, wangjing, classes):
    other = app.test_client()
    assert login(other, "sl").status_code == 303
    assert other.get("/staff/programs/wangjing-winter/form").status_code == 404
    fields, boxes, _page = open_form(wangjing, "wangjing-winter")
    before = (classes.path / "wangjing-winter.yaml").read_bytes()
    forged = send(wangjing, "wangjing-winter", {**fields, "text": yaml_text(organizer=SANLITUN)}, "publish", view="form", **boxes)
    assert forged.status_code == 422 and f"必须是你所属的“{WANGJING}”" in forged.get_data(as_text=True)
    assert (classes.path / "wangjing-winter.yaml").read_bytes() == before

    second = app.test_client()
    assert login(second, "wj").status_code == 303
    late_fields, late_boxes, _page = open_form(second, "wangjing-winter")
    assert send(wangjing, "wangjing-winter", fields, "publish", view="form", **{**boxes, "f-sessions.0.capacity": "5"}).status_code == 303
    late = send(second, "wangjing-winter", late_fields, "publish", view="form", **{**late_boxes, "f-sessions.0.capacity": "7"})
    assert late.status_code == 409 and 'value="7"' in late.get_data(as_text=True)
    assert "capacity: 5" in (classes.path / "wangjing-winter.yaml").read_text(encoding="utf-8")
