"""Scalars are the text staff typed, and a bare closing date keeps its whole day open.

Both used to be read with another meaning: PyYAML's YAML 1.1 rules made
02251660774 the octal number 312959484 and 8:30 the sexagesimal 510, and a
`closes` written as a date closed registration at the first second of it.
"""

from datetime import date, datetime

import pytest

from programs.model import SHANGHAI, Registration
from programs.yamlsource import read_yaml


def test_yaml_1_1_numbers_stay_the_text_typed():
    source = read_yaml("phone: 02251660774\ntime: 8:30\ncapacity: 0x1E\nflag: yes\nday: 2027-01-20\nsize: 3_0\nempty:\n")
    assert source.data == {
        "phone": "02251660774",
        "time": "8:30",
        "capacity": "0x1E",
        "flag": "yes",
        "day": "2027-01-20",
        "size": "3_0",
        "empty": None,
    }


def test_line_numbers_stay_exact_after_repairs():
    source = read_yaml("title：望京\nsessions:\n  -id: week-1\n    capacity:30\n")
    assert source.lines[("title",)] == 1 and source.lines[("sessions", 0)] == 3 and source.lines[("sessions", 0, "capacity")] == 4
    assert [line for line, _ in source.notes] == [1, 3, 4]


def test_a_quoted_value_continued_on_indented_lines_is_valid_yaml_not_an_unclosed_quote():
    source = read_yaml("summary: '第一段，\n\n  第二段 ''引用''。'\ntitle: \"望京\n  托管班\"\nstreet: 望京\n")
    assert source.problems == []
    assert source.data == {"summary": "第一段，\n第二段 '引用'。", "title": "望京 托管班", "street": "望京"}
    assert source.lines[("street",)] == 6
    unclosed = read_yaml("summary: '第一段\nstreet: 望京\n")
    assert [line for line, _ in unclosed.problems] == [1]


@pytest.mark.parametrize("closes", [date(2027, 1, 20), "2027-01-20"])
def test_a_closing_date_means_the_end_of_that_day(closes):
    registration = Registration(opens=datetime(2026, 11, 20, 9, 0), closes=closes, mode="first_come")
    assert registration.closes == datetime(2027, 1, 20, 23, 59, 59, tzinfo=SHANGHAI)
    assert registration.state(datetime(2027, 1, 20, 18, 0, tzinfo=SHANGHAI)) == "open"
    assert registration.state(datetime(2027, 1, 21, 0, 0, tzinfo=SHANGHAI)) == "closed"


def test_a_closing_moment_is_kept_as_written():
    registration = Registration(opens=datetime(2026, 11, 20, 9, 0), closes="2027-01-20 17:00", mode="lottery")
    assert registration.closes == datetime(2027, 1, 20, 17, 0, tzinfo=SHANGHAI)


def test_build_prints_warnings_and_notes_like_check(classes, monkeypatch):
    import catalogue.site
    from tests.foundation.natural_corpus import BASE

    built = []
    monkeypatch.setattr(catalogue.site, "build_site", lambda catalogue, out, published: built.append(catalogue) or out)
    path = classes.write(BASE.replace("status: published", "status: 草稿"))
    classes._capsys.readouterr()
    import build

    assert build.main(["build", "--classes", str(classes.root), "--out", str(classes.root.parent / "site")]) == 0
    out = classes._capsys.readouterr().out.splitlines()
    assert f"{path}:38: 提示：status（状态） 写的是“草稿”，已按 draft（草稿） 读取" in out
    assert f"{path}:38: 注意：status 是 draft（草稿）：这个班不会出现在网站上；要发布请改成 status: published" in out
    assert built and out[-1].startswith("网站已生成到")


def test_an_empty_choice_is_called_unfilled_never_none(tmp_path):
    """Found by the typed-edit fuzz test: `type:` left empty was quoted back as “None”."""
    from programs.loader import load_catalogue
    from tests.foundation.natural_corpus import BASE

    text = BASE.replace("type: yesno", "type:", 1)
    assert text != BASE
    (tmp_path / "wangjing-2027-winter.yaml").write_text(text, encoding="utf-8")
    messages = [issue.message for issue in load_catalogue(tmp_path).problems]
    assert any("回答方式" in m and "没有填写" in m for m in messages), messages
    assert not any("None" in m for m in messages)
