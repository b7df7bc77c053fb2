"""What the issue's native speaker asked of the parents' pages: a workers' class speaks of
学员, never 家庭, on every page that mentions whoever waits; the form describes itself to a
search engine or a chat preview; a parent's result pages ask not to be indexed."""

import re

from tests.app.helpers import child, csrf_token, submit_form

NIGHT = "/enrol/night-school/week-1"


def workers_result(classes, make_app):
    classes.workers("night-school", capacity=1)
    client = make_app().test_client()
    response, _ = submit_form(client, NIGHT, **child(name="刘师傅", birthdate=None, guardian_name=None))
    return client, response.headers["Location"]


def test_a_workers_class_speaks_of_学员_on_every_page_about_the_waitlist(classes, make_app):
    client, result = workers_result(classes, make_app)
    pages = {path: client.get(path).get_data(as_text=True) for path in (result, result + "/cancel", result + "/erase")}
    for path, page in pages.items():
        assert "候补的学员" in page, path
        assert "家庭" not in page, path
    assert "出生日期" not in pages[result + "/erase"] and "监护人" not in pages[result + "/erase"]
    token = csrf_token(pages[result + "/cancel"])
    cancelled = client.post(result + "/cancel", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert "名额已让给候补的学员" in cancelled and "家庭" not in cancelled


def test_a_childrens_class_still_says_家庭(client):
    response, _ = submit_form(client, "/enrol/wangjing-winter/week-1", **child())
    result = response.headers["Location"]
    for path in (result, result + "/cancel", result + "/erase"):
        assert "候补的家庭" in client.get(path).get_data(as_text=True), path


def test_the_form_has_a_description_and_personal_pages_ask_not_to_be_indexed(client):
    form = client.get("/enrol/wangjing-winter/week-1").get_data(as_text=True)
    description = re.search(r'<meta name="description" content="([^"]+)">', form).group(1)
    assert "望京街道总工会寒假托管班" in description and "第一期" in description
    assert 'name="robots"' not in form
    response, _ = submit_form(client, "/enrol/wangjing-winter/week-1", **child())
    result = response.headers["Location"]
    for path in (result, result + "/cancel", result + "/erase", "/staff/login"):
        assert '<meta name="robots" content="noindex">' in client.get(path).get_data(as_text=True), path
