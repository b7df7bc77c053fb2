"""Staff write Chinese the way they type it: read it as meant, or say exactly what to change.

The corpus in natural_corpus.py is one edit of a good file per way of
writing; each must be read with the intended value, refused at its line
with a Chinese message naming the fix, or pass with a warning at its line.
"""
import pytest

from tests.foundation.natural_corpus import CORPUS, MISREAD, READ, Read, Refuse, Warn, at_line, classify, meets_expectation, run

FAMILIES = {
    "scalars as typed": ("phone-leading-zero-octal", "time-sexagesimal", "capacity-hex"),
    "dates": ("date-chinese", "date-impossible"),
    "closes": ("closes-date-only-is-end-of-day",),
    "days": ("days-every-week", "days-outside-dates"),
    "tags": ("tags-dunhao", "tags-full-width-comma"),
    "comments": ("summary-hashtag",),
    "quotes": ("title-curly-quotes", "phone-curly-quotes"),
    "files": ("saved-as-yaml-txt",),
    "yaml slips": ("full-width-colon-after-key", "no-space-after-colon", "dash-without-space", "tab-indent"),
}


def test_the_corpus_is_big_and_covers_every_family():
    ids = [variant.id for variant in CORPUS]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)
    for family, members in FAMILIES.items():
        assert set(members) <= set(ids), family
    kinds = {type(variant.expect) for variant in CORPUS}
    assert kinds == {Read, Refuse, Warn}


@pytest.mark.parametrize("variant", CORPUS, ids=lambda variant: variant.id)
def test_variant_is_read_as_meant_or_refused_with_the_fix(tmp_path, variant):
    answer = run(variant, tmp_path)
    assert meets_expectation(variant, answer), (variant.expect, answer.code, answer.out)
    assert classify(variant, answer) != MISREAD
    assert not any("Traceback" in line or "None" in line for line in answer.out), answer.out


NOTED = (
    "time-sexagesimal", "capacity-leading-zero", "date-full-width", "date-chinese", "date-slashes", "date-with-weekday",
    "time-full-width-colons", "time-wave-dash", "opens-chinese-date", "opens-date-only", "closes-date-only-is-end-of-day",
    "closes-24-00", "days-every-week", "days-and", "capacity-ren", "capacity-full-width", "ages-range-sui",
    "ages-full-width-brackets", "ages-list-sui", "fee-free", "fee-per-person", "mode-first-come-chinese", "status-archived-chinese",
    "required-shi", "tags-dunhao", "tags-full-width-comma", "tags-plain-text", "phone-curly-quotes", "phone-full-width",
    "title-curly-quotes", "full-width-colon-after-key", "no-space-after-colon", "dash-without-space", "session-id-full-width",
)
QUIET = ("phone-leading-zero-octal", "capacity-quoted", "days-list", "summary-real-comment", "fee-decimal", "phone-extension")
BY_ID = {variant.id: variant for variant in CORPUS}


@pytest.mark.parametrize("variant_id", NOTED)
def test_a_value_read_differently_from_its_spelling_leaves_a_note_at_its_line(tmp_path, variant_id):
    """A reading staff did not mean must be visible: check says what it read, at the line, and still passes."""
    variant = BY_ID[variant_id]
    answer = run(variant, tmp_path)
    assert answer.code == 0
    assert at_line(answer, variant.line, "提示："), answer.out
    assert "条提示" in answer.out[-1]


@pytest.mark.parametrize("variant_id", QUIET)
def test_a_value_written_the_canonical_way_passes_without_notes(tmp_path, variant_id):
    answer = run(BY_ID[variant_id], tmp_path)
    assert answer.code == 0 and answer.out == ["共 1 个班，1 个班次，30 个名额，全部通过检查。"], answer.out
