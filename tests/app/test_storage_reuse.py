"""A thread's SQLite storage is reused between requests, but never after someone closed it."""

from forms_app.storage import open_storage


def test_a_closed_storage_is_replaced_not_handed_out_again(tmp_path):
    first = open_storage(str(tmp_path / "a.sqlite3"))
    first.create_schema()
    first.close()
    first.close()

    again = open_storage(str(tmp_path / "a.sqlite3"))
    assert again is not first
    again.ping()

    elsewhere = open_storage(str(tmp_path / "b.sqlite3"))
    elsewhere.create_schema()
    elsewhere.ping()
    assert open_storage(str(tmp_path / "b.sqlite3")) is elsewhere
