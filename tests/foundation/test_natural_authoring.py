"""Staff write Chinese the way they type it: read it as meant, or say exactly what to change.

The corpus in natural_corpus.py is one edit of a good file per way of
writing; each must be read with the intended value, refused at its line
with a Chinese message naming the fix, or pass with a warning at its line.
"""

import pytest

from tests.foundation.natural_corpus import CORPUS, MISREAD, Read, Refuse, Warn, at_line, classify, meets_expectation, run

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
    "time-sexagesimal",
    "capacity-leading-zero",
    "date-full-width",
    "date-chinese",
    "date-slashes",
    "date-with-weekday",
    "time-full-width-colons",
    "time-wave-dash",
    "opens-chinese-date",
    "opens-date-only",
    "closes-date-only-is-end-of-day",
    "closes-24-00",
    "days-every-week",
    "days-and",
    "capacity-ren",
    "capacity-full-width",
    "ages-range-sui",
    "ages-full-width-brackets",
    "ages-list-sui",
    "fee-free",
    "fee-per-person",
    "mode-first-come-chinese",
    "status-archived-chinese",
    "required-shi",
    "tags-dunhao",
    "tags-full-width-comma",
    "tags-plain-text",
    "phone-curly-quotes",
    "phone-full-width",
    "title-curly-quotes",
    "full-width-colon-after-key",
    "no-space-after-colon",
    "dash-without-space",
    "session-id-full-width",
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


def test_every_mistake_in_one_run_each_at_its_own_line(classes):
    """A full-width colon used to hide everything after it; a missing space was reported a line late."""
    from tests.foundation.natural_corpus import BASE

    text = (
        BASE.replace("title: 望京", "title：望京")
        .replace("summary: 基础托管加特色拓展", "summary: 第2期 #寒假托管 火热报名中")
        .replace("  name: 王老师", "  name:")
        .replace("fee: 0", "fee: 免费")
        .replace("start: 2027-01-25", "start: 2027-02-30")
        .replace("capacity: 30", "capacity: 30人")
        .replace("    days: 周一至周五", "\tdays: 周一至周五")
        .replace("mode: first_come", "mode:摇号")
    )
    path = classes.write(text)
    code, lines = classes.check()
    assert code == 1
    expected = [
        (1, "提示：title 后面用了全角冒号"),
        (7, 'summary: "第2期 #寒假托管 火热报名中"'),
        (13, "contact.name（联系人姓名） 没有填写"),
        (15, "提示：fee（费用） 写的是“免费”，已按 0"),
        (19, "2027-02-30 不存在（2027 年 2 月只有 28 天）"),
        (21, "提示：sessions[0].capacity（名额） 写的是“30人”，已按 30 读取"),
        (22, "制表符（Tab）"),
        (27, "提示：mode 的冒号后面要有一个空格"),
        (27, "已按 lottery（摇号） 读取"),
    ]
    for line, fragment in expected:
        assert any(text.startswith(f"{path}:{line}: ") and fragment in text for text in lines), (line, fragment, lines)
    assert len(lines) == len(expected)


def test_no_program_files_is_never_all_passed(classes):
    stray = classes.root / "beijing-chaoyang" / "wangjing-2027-winter.yaml.txt"
    stray.parent.mkdir(parents=True)
    stray.write_text("title: 望京\n", encoding="utf-8")
    (classes.root / "beijing-chaoyang" / "说明.docx").write_bytes(b"x")
    code, lines = classes.check()
    assert code == 1
    assert f"{stray}:1: 这个文件不会被读取：班级文件名要以 .yaml 结尾，请改名为 wangjing-2027-winter.yaml" in lines
    assert any(
        line.endswith("说明.docx:1: 注意：这个文件不会被读取：只有以 .yaml 结尾的文件才是班级文件（图片可以放在这里）") for line in lines
    )
    assert not any("全部通过" in line for line in lines)


def test_an_empty_classes_folder_says_so(classes):
    classes.root.mkdir()
    code, lines = classes.check()
    assert code == 0 and lines == ["没有找到任何班级文件：classes/ 下的班级文件要以 .yaml 结尾，网站上现在一个班也没有。"]


def test_command_line_mistakes_are_answered_in_chinese(capsys):
    import build

    for argv, expected in (
        (["chek"], "没有“chek”这个命令"),
        (["chek"], "是不是想写 check？"),
        ([], "缺少必填的参数：命令"),
        (["check", "--foo"], "不认识的参数：--foo"),
        (["check", "--classes"], "--classes 后面要写一个值"),
    ):
        with pytest.raises(SystemExit) as stopped:
            build.main(argv)
        assert stopped.value.code == 2
        err = capsys.readouterr().err
        assert expected in err and err.startswith("用法：build.py") and "usage" not in err and "error" not in err


def test_help_is_chinese(capsys):
    import build

    with pytest.raises(SystemExit):
        build.main(["check", "-h"])
    out = capsys.readouterr().out
    assert "用法：" in out and "选项：" in out and "显示这段帮助后退出" in out and "show this help" not in out


README_EXAMPLES = {
    "refused": (
        ("summary: 基础托管加特色拓展", "summary: 第2期 #寒假托管 火热报名中"),
        ("capacity: 30", "capacity: 约30人"),
        ("start: 2027-01-25", "start: 2027-02-30"),
        ("fee: 0", "fee: 50元/天"),
        ("mode: first_come", "mode: lotery"),
    ),
    "noted": (
        ("title: 望京", "title：望京"),
        ("phone: 010-64700001", "phone: “010-64700001转8012”"),
        ("tags: [托管班, 书法]", "tags: [托管班、书法]"),
        ("capacity: 30", "capacity: 30人"),
        ("closes: 2027-01-20 17:00", "closes: 2027年1月20日"),
        ("fee: 0", "fee: 免费"),
        ("time: 08:30-17:30", "time: 8:30～17:30"),
    ),
    "warned": (("days: 周一至周五", "days: 周六、周日"), ("status: published", "status: draft")),
}


@pytest.mark.parametrize("example", README_EXAMPLES)
def test_the_readme_shows_what_check_really_prints(tmp_path, capsys, monkeypatch, example):
    from pathlib import Path

    import build
    from tests.foundation.natural_corpus import BASE

    text = BASE
    for old, new in README_EXAMPLES[example]:
        text = text.replace(old, new, 1)
    target = tmp_path / "classes" / "beijing-chaoyang" / "wangjing-2027-summer.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    build.main(["check", "--classes", "classes"])
    printed = capsys.readouterr()
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    staff = readme[readme.index("## 发布一个新的托管班") : readme.index("## Layout")]
    for line in (printed.out + printed.err).splitlines():
        assert f"   {line}\n" in staff, line
    assert "make check" in staff and "make serve" in staff


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TYPED = st.text(alphabet="：，、；（）［］“”＂　０１２３４５６７８９－#*&@[]{}:\"' -\t\n人名岁元周至到每天免费摇号是否", max_size=8)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.integers(0, 1200), st.integers(0, 6), TYPED)
def test_any_typed_edit_is_answered_in_chinese_at_a_line(tmp_path, start, length, typed):
    """Whatever staff type into a good file, every message is Chinese, names a line, and never says None."""
    from programs.loader import read_program
    from tests.foundation.natural_corpus import BASE, ENGLISH

    start = min(start, len(BASE))
    path = tmp_path / "fuzz-1.yaml"
    path.write_text(BASE[:start] + typed + BASE[start + length :], encoding="utf-8")
    program, problems, notices = read_program(path, tmp_path)
    assert (program is None) == bool(problems)
    for issue in problems + notices:
        assert 1 <= issue.line and issue.message and not ENGLISH.search(issue.message), issue
        assert "None" not in issue.message and "Traceback" not in issue.message, issue
