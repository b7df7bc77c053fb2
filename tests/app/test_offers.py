"""Offers on the parents' pages: plain HTML forms (they work with JavaScript off), the deadline
in Beijing time, accept, and decline after 确定放弃吗？; staff see 待确认 with the deadline."""

from datetime import datetime

import jsonschema
import pytest
import requests

from tests.app.helpers import api_child, child, csrf_token, rows, submit_form

FORM = "/enrol/wangjing-winter/week-1"


@pytest.fixture
def client(classes, make_app):
    classes.write("wangjing-winter", capacity=1, offer_hours=48)
    return make_app().test_client()


@pytest.fixture
def offered(client):
    """Capacity 1 with 48 offer hours: 孩子0 cancels, so 孩子1 is offered the place and 孩子2 waits."""
    pages = []
    for number in range(3):
        response, _ = submit_form(client, FORM, **child(name=f"孩子{number}", phone=f"1391234000{number}"))
        pages.append(response.headers["Location"])
    asked = client.get(pages[0] + "/cancel").get_data(as_text=True)
    client.post(pages[0] + "/cancel", data={"csrf_token": csrf_token(asked)})
    return pages


def follow(client, response):
    assert response.status_code == 303, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def deadline_words(database, name):
    (until,) = rows(database, f"SELECT offer_expires_at FROM enrolments WHERE name = '{name}'")[0]
    moment = datetime.fromisoformat(until)
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


def test_the_offered_family_sees_the_deadline_in_beijing_time_and_accepts(offered, client, database):
    page = client.get(offered[1]).get_data(as_text=True)
    assert "候补已补上，待您确认" in page
    assert f"请在 {deadline_words(database, '孩子1')} 前确认" in page
    assert "<script" not in page.split("</header>")[-1], "plain forms: no script needed to answer"
    accepted = client.post(offered[1] + "/accept", data={"csrf_token": csrf_token(page)})
    after = follow(client, accepted)
    assert "已确认，报名成功" in after and "您已从候补转为报名成功" in after and "请在" not in after
    assert "已进入候补第 1 位" in client.get(offered[2]).get_data(as_text=True), "accepting passes nothing on"
    actions = rows(database, "SELECT e.name, v.action FROM events v JOIN enrolments e ON e.id = v.enrolment_id ORDER BY v.id")
    assert actions[-2:] == [("孩子1", "offered"), ("孩子1", "offer_accepted")]


def test_the_api_gives_the_deadline_of_an_offer_as_its_description_says(offered, client, database):
    spec = client.get("/api/openapi.json").get_json()
    schema = spec["paths"]["/api/enrolments/{reference}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    shown = client.get("/api/enrolments/" + offered[1].removeprefix("/r/")).get_json()
    jsonschema.validate(shown, {**schema, "components": spec["components"]}, format_checker=jsonschema.FormatChecker())
    (until,) = rows(database, "SELECT offer_expires_at FROM enrolments WHERE name = '孩子1'")[0]
    assert (shown["status"], shown["offer_expires_at"]) == ("offered", until)
    assert "offer_expires_at" not in client.get("/api/enrolments/" + offered[2].removeprefix("/r/")).get_json()


def test_accepting_needs_the_form_token(offered, client):
    assert client.post(offered[1] + "/accept", data={}).status_code == 400
    assert "待您确认" in client.get(offered[1]).get_data(as_text=True)


def test_declining_asks_first_then_passes_the_place_on(offered, client, database):
    asked = client.get(offered[1] + "/decline")
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "确定放弃 孩子1 的名额吗？" in question
    assert asked.headers["Cache-Control"] == "no-store"
    assert "待您确认" in client.get(offered[1]).get_data(as_text=True), "asking changes nothing"
    declined = client.post(offered[1] + "/decline", data={"csrf_token": csrf_token(question)})
    after = follow(client, declined)
    assert "已取消" in after and "已放弃这个名额" in after
    nxt = client.get(offered[2]).get_data(as_text=True)
    assert "候补已补上，待您确认" in nxt and f"请在 {deadline_words(database, '孩子2')} 前确认" in nxt
    again = client.get(offered[1] + "/decline").get_data(as_text=True)
    assert "没有可以放弃的" in again
    assert client.post(offered[1] + "/decline", data={"csrf_token": csrf_token(question)}).status_code == 303
    assert rows(database, "SELECT count(*) FROM events WHERE action = 'offer_declined'") == [(1,)]


def test_with_javascript_off_a_real_browser_accepts_and_declines(classes, serve, browser, database):
    classes.write("wangjing-winter", capacity=1, offer_hours=48)
    server = serve()
    made = [
        requests.post(server.url + "/api/enrolments", json=api_child(name=f"孩子{n}", phone=f"139{n:08d}"), timeout=30) for n in range(4)
    ]
    references = [answer.json()["reference"] for answer in made]
    requests.post(f"{server.url}/api/enrolments/{references[0]}/cancel", timeout=30)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()

    page.goto(f"{server.url}/r/{references[1]}")
    assert f"请在 {deadline_words(database, '孩子1')} 前确认" in page.inner_text("main")
    page.click("button:has-text('确认报名')")
    page.wait_for_load_state()
    assert "已确认，报名成功" in page.inner_text("main")

    requests.post(f"{server.url}/api/enrolments/{references[1]}/cancel", timeout=30)
    page.goto(f"{server.url}/r/{references[2]}")
    page.click("text=放弃这个名额")
    page.wait_for_load_state()
    assert "确定放弃 孩子2 的名额吗？" in page.inner_text("main")
    page.click("button:has-text('确定放弃')")
    page.wait_for_load_state()
    assert "已放弃这个名额" in page.inner_text("main")
    assert requests.get(f"{server.url}/api/enrolments/{references[3]}", timeout=30).json()["status"] == "offered"
    context.close()
