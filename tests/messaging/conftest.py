"""Fixtures for SMS: stand-in provider servers on 127.0.0.1 that the real SDKs talk to,
and an app with phone verification on and a provider pointed at a stand-in.

Every test runs on SQLite and again on PostgreSQL (the `database` fixture of tests/app)."""

import pytest

from tests.app.conftest import classes, database, make_app, published, serve  # noqa: F401  (fixtures reused as they are)
from tests.messaging.standins import Aliyun, Tencent

TEMPLATES = {
    "code": "SMS_100001",
    "confirmed": "SMS_100002",
    "waitlisted": "SMS_100003",
    "promoted": "SMS_100004",
    "offered": "SMS_100010",
    "offer_expired": "SMS_100011",
    "drawn_won": "SMS_100005",
    "drawn_waitlisted": "SMS_100006",
    "moved": "SMS_100007",
    "cancelled": "SMS_100008",
    "reminder": "SMS_100009",
}


@pytest.fixture
def aliyun():
    standin = Aliyun()
    yield standin
    standin.stop()


@pytest.fixture
def tencent():
    standin = Tencent()
    yield standin
    standin.stop()


def provider_config(name, standin):
    return {
        "SMS_PROVIDER": name,
        "SMS_ENDPOINT": standin.url,
        "SMS_ACCESS_KEY_ID": "test-key-id",
        "SMS_ACCESS_KEY_SECRET": "test-key-secret",
        "SMS_APP_ID": "1400000001",
        "SMS_SIGN_NAME": "望京工会",
        "SMS_TEMPLATES": TEMPLATES,
        "PUBLIC_URL": "https://bm.example.cn",
        "VERIFY_PHONE": True,
    }


@pytest.fixture
def sms_app(make_app, aliyun):  # noqa: F811
    """Verification on, Aliyun SDK against the stand-in, rate limits counted in memory."""
    return make_app(**provider_config("aliyun", aliyun), RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX="sms-test")


@pytest.fixture
def sms_client(sms_app):
    return sms_app.test_client()
