"""Issue 13: a phone number's limits cannot be spent by someone else, and requests naming
no valid phone share no counter."""

from tests.app.helpers import api_child, csrf_token

VICTIM = "13912340001"
FORM = "/enrol/wangjing-winter/week-1"


def limited_client(make_app, prefix):
    return make_app(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=prefix).test_client()


def test_junk_naming_a_phone_does_not_use_up_its_enrolments(make_app):
    client = limited_client(make_app, "junk-phone")
    junk = [client.post("/api/enrolments", json=api_child(program="no-such-program", phone=VICTIM)).status_code for _ in range(21)]
    assert junk == [404] * 21
    junk = [client.post(FORM, data={"phone": VICTIM}).status_code for _ in range(21)]
    assert junk == [400] * 21
    junk = [client.post("/api/enrolments", json=api_child(phone=VICTIM, consent=False)).status_code for _ in range(21)]
    assert junk == [422] * 21
    assert client.post("/api/enrolments", json=api_child(phone=VICTIM)).status_code == 201


def test_enrolments_that_pass_validation_still_count_per_phone(make_app):
    client = limited_client(make_app, "checked-phone")
    codes = [client.post("/api/enrolments", json=api_child(name=f"孩子{n}", phone=VICTIM)).status_code for n in range(21)]
    assert codes == [201] * 20 + [429]


def test_invalid_phones_share_no_counter(make_app):
    client = limited_client(make_app, "unknown-phone")
    answers = [client.post("/api/enrolments", json=api_child(name=f"孩子{n}", phone="1")) for n in range(25)]
    assert [a.status_code for a in answers] == [422] * 25
    assert "请填写有效的大陆手机号" in answers[-1].get_json()["errors"]["phone"]


def test_lookups_with_a_mistyped_phone_from_different_families_share_no_counter(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX="unknown-lookup")
    statuses = []
    for family in range(8):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{family + 1}"
        token = csrf_token(client.get("/lookup").get_data(as_text=True))
        statuses.append(client.post("/lookup", data={"csrf_token": token, "phone": "139", "code": "WRONG234"}).status_code)
    assert statuses == [404] * 8


def test_every_spelling_validation_accepts_counts_against_the_same_phone(make_app):
    """Spellings of one number that validation cleans up (spaces, +86, an invisible character)
    must not slip past the phone's count now that invalid phones have none."""
    client = limited_client(make_app, "spelt-phone")
    spellings = [VICTIM, "+86 139 1234 0001", "139\u200b12340001", " 13912340001 "]
    codes = [client.post("/api/enrolments", json=api_child(name=f"孩子{n}", phone=spellings[n % 4])).status_code for n in range(21)]
    assert codes == [201] * 20 + [429]
