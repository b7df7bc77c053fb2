"""The catalogue's fingerprint names exactly the files it was loaded from, so the
enrolment app's workers can tell when a reload changed what they serve."""

from programs.loader import load_catalogue
from tests.foundation.samples import VALID


def test_the_same_files_give_the_same_fingerprint(classes):
    classes.write(VALID)
    assert load_catalogue(classes.root).fingerprint == load_catalogue(classes.root).fingerprint


def test_an_edit_a_new_file_or_a_move_changes_it(classes):
    path = classes.write(VALID)
    seen = {load_catalogue(classes.root).fingerprint}
    path.write_text(VALID.replace("capacity: 30", "capacity: 31"), encoding="utf-8")
    seen.add(load_catalogue(classes.root).fingerprint)
    classes.write(VALID, name="wangjing-2027-summer")
    seen.add(load_catalogue(classes.root).fingerprint)
    path.rename(path.parent.parent / path.name)
    seen.add(load_catalogue(classes.root).fingerprint)
    assert len(seen) == 4
