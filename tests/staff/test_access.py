"""A 望京街道总工会 account never reaches another organizer's enrolments, by any URL,
however the ids are guessed; a district admin reaches them all."""

from forms_app.db import get_db
from tests.app.helpers import START
from tests.staff.conftest import enrol, token


def console_urls(app, program, session, enrolment_id):
    """Every console URL that names a session, filled in for this one (login and logout name none)."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff/") or "<program_id>" not in rule.rule:
            continue
        path = rule.rule.replace("<program_id>", program).replace("<session_id>", session)
        path = path.replace("<int:enrolment_id>", str(enrolment_id)).replace("<day>", START.isoformat())
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path, "<int:enrolment_id>" in rule.rule


def state(app, reference):
    with app.app_context():
        found = get_db().get(reference)
        return found.status, found.session, get_db().attendance(found.program, found.session)


def refused_everywhere(app, client, program, theirs, **form):
    """Every console URL naming `theirs` (an enrolment of `program`, week-1) answers 404 and reveals nothing."""
    csrf = token(client)
    tried = 0
    for method, path, _names_one in console_urls(app, program, "week-1", theirs.id):
        response = client.open(path, method=method, data={"csrf_token": csrf, "present": "1", "session": "week-1", **form})
        assert response.status_code == 404, (method, path)
        assert theirs.name not in response.get_data(as_text=True) and theirs.phone not in response.get_data(as_text=True)
        tried += 1
    return tried


def test_another_organizers_enrolment_is_a_404_at_every_url(app, wangjing):
    theirs = enrol(app, "张小红", program="sanlitun-winter", phone="13912340009")
    before = state(app, theirs.reference)
    assert refused_everywhere(app, wangjing, "sanlitun-winter", theirs) >= 14
    assert state(app, theirs.reference) == before


def test_guessing_an_id_under_ones_own_session_finds_nothing_either(app, wangjing):
    enrol(app, "王小明")
    theirs = enrol(app, "张小红", program="sanlitun-winter", phone="13912340009")
    assert theirs.id == 2
    csrf = token(wangjing)
    for guess in range(theirs.id, theirs.id + 3):
        for method, path, names_one in console_urls(app, "wangjing-winter", "week-1", guess):
            if not names_one:
                continue
            response = wangjing.open(path, method=method, data={"csrf_token": csrf, "present": "1"})
            assert response.status_code == 404, (method, path)
    assert state(app, theirs.reference)[0] == "confirmed"


def test_the_dashboard_lists_only_ones_own_organizer(wangjing, admin):
    own = wangjing.get("/staff/").get_data(as_text=True)
    assert "望京街道总工会寒假托管班" in own and "三里屯街道寒假托管班" not in own
    everything = admin.get("/staff/").get_data(as_text=True)
    assert "望京街道总工会寒假托管班" in everything and "三里屯街道寒假托管班" in everything


def test_exports_of_another_organizer_are_refused(app, wangjing):
    enrol(app, "张小红", program="sanlitun-winter", phone="13912340009")
    for kind in ("csv", "xlsx"):
        assert wangjing.get(f"/staff/sessions/sanlitun-winter/week-1/export.{kind}").status_code == 404
    with app.app_context():
        assert [e.action for e in get_db().audit("sanlitun-winter", "week-1")] == ["enrolled"]


def test_a_district_admin_reads_exports_and_changes_any_organizers_enrolments(app, admin):
    theirs = enrol(app, "张小红", program="sanlitun-winter", phone="13912340009")
    base = "/staff/sessions/sanlitun-winter/week-1"
    assert "张小红" in admin.get(base).get_data(as_text=True)
    assert "13912340009" in admin.get(f"{base}/people/{theirs.id}").get_data(as_text=True)
    assert admin.get(f"{base}/export.csv").status_code == 200
    assert admin.post(f"{base}/people/{theirs.id}/cancel", data={"csrf_token": token(admin), "confirmed": "yes"}).status_code == 303
    assert state(app, theirs.reference)[0] == "cancelled"
