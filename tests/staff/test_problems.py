"""A broken program file is shown to its organizer and the district admin, not to other organizers."""

from tests.app.test_catalogue import break_file, reload


def test_a_broken_file_is_shown_to_its_organizer_and_the_admin(app, classes, wangjing, admin):
    from tests.staff.conftest import login

    broken = break_file(classes, "wangjing-winter", capacity=9)
    assert reload(app).exit_code == 1
    page = wangjing.get("/staff/").get_data(as_text=True)
    assert f"班级文件有问题：{broken}" in page and "仍按上次通过检查的版本报名" in page
    assert f"{broken}:" in page and "望京街道总工会寒假托管班" in page
    assert f"{broken}" in admin.get("/staff/").get_data(as_text=True)
    other = app.test_client()
    login(other, "sl")
    assert "班级文件有问题" not in other.get("/staff/").get_data(as_text=True)
