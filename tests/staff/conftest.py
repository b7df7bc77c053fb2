"""Fixtures for the staff console: the app fixtures of tests/app, two organizers'
programs, accounts for each plus a district admin, and logged-in clients."""

import pytest

from forms_app.db import get_db
from forms_app.staff import accounts
from forms_app.storage import Applicant
from tests.app.conftest import classes, database, make_app, published, serve  # noqa: F401  (fixtures reused as they are)
from tests.app.helpers import born, csrf_token

PASSWORD = "correct horse battery"
WANGJING, SANLITUN = "望京街道总工会", "三里屯街道总工会"


@pytest.fixture
def app(make_app, classes):  # noqa: F811
    classes.write("sanlitun-winter", organizer=SANLITUN, title="三里屯街道寒假托管班")
    app = make_app()
    with app.app_context():
        for username, organizer, admin in (("wj", WANGJING, False), ("sl", SANLITUN, False), ("district", None, True)):
            get_db().save_staff(accounts.new_account(username, PASSWORD, organizer, admin))
    return app


def enrol(app, name, program="wangjing-winter", session="week-1", phone="13912340001", submission=None):
    """An enrolment through the parents' transaction, whatever the registration window says."""
    applicant = Applicant(program, session, name, phone, "北京望京科技有限公司", born(8), "王建国", {"lunch": True}, "v1")
    with app.app_context():
        return get_db().enrol(applicant, submission or f"sub-{name}-{phone}", "parent")[0]


def login(client, username, password=PASSWORD):
    page = client.get("/staff/login").get_data(as_text=True)
    return client.post("/staff/login", data={"csrf_token": csrf_token(page), "username": username, "password": password})


def token(client, path="/staff/"):
    return csrf_token(client.get(path).get_data(as_text=True))


@pytest.fixture
def wangjing(app):
    client = app.test_client()
    assert login(client, "wj").status_code == 303
    return client


@pytest.fixture
def admin(app):
    client = app.test_client()
    assert login(client, "district").status_code == 303
    return client
