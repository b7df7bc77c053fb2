"""Every validation rule staff can trip, each shown with a broken file.

Each test asserts the exact `PATH:LINE:` prefix and the Chinese message, so
a staff member is sent to the right line with words that say what to fix.
"""

import pytest

from tests.foundation.samples import VALID, broken

RULES = [
    pytest.param(
        broken("  - id: week-1\n", "  - id: week-1\n   name: 缩进错了\n"),
        16,
        "缩进",
        id="yaml-syntax",
    ),
    pytest.param(
        broken("    capacity: 30\n", "\tcapacity: 30\n"),
        19,
        "制表符（Tab）",
        id="tab-indentation",
    ),
    pytest.param(
        broken("    capacity: 30", "    capacty: 30"),
        19,
        "未知的键 capacty，是不是想写 capacity？",
        id="unknown-key-did-you-mean",
    ),
    pytest.param(
        broken("summary: 基础托管+特色拓展\n", ""),
        1,
        "缺少必填项 summary（简介）",
        id="missing-top-level-key",
    ),
    pytest.param(
        broken("    capacity: 30\n", ""),
        15,
        "缺少必填项 capacity（名额）",
        id="missing-nested-key",
    ),
    pytest.param(
        broken("title: 望京街道总工会寒假职工子女托管班", "title: [寒假, 托管班]"),
        1,
        "title（班名） 应是文字",
        id="wrong-type",
    ),
    pytest.param(
        broken("start: 2027-01-25", "start: 2027-02-30"),
        17,
        "sessions[0].start（开始日期） 不是有效的日期",
        id="impossible-date",
    ),
    pytest.param(
        broken("end: 2027-01-29", "end: 2027-01-20"),
        18,
        "结束日期 2027-01-20 早于开始日期 2027-01-25",
        id="end-before-start",
    ),
    pytest.param(
        broken("closes: 2027-01-20 17:00", "closes: 2026-11-01 17:00"),
        24,
        "报名截止时间应晚于开始时间",
        id="closes-before-opens",
    ),
    pytest.param(
        broken("ages: [6, 12]", "ages: [12, 6]"),
        6,
        "年龄范围写反了",
        id="ages-reversed",
    ),
    pytest.param(
        broken("ages: [6, 12]", "ages: [2, 12]"),
        6,
        "年龄 2 超出范围：应在 3 到 18 岁之间",
        id="ages-out-of-range",
    ),
    pytest.param(
        broken("ages: [6, 12]\n", ""),
        5,
        "ages（年龄）：面向职工子女（audience: children）时必须填写 ages",
        id="ages-required-for-children",
    ),
    pytest.param(
        broken("capacity: 30", "capacity: 0"),
        19,
        "sessions[0].capacity（名额） 应是不小于 1 的整数，现在是 0",
        id="capacity-zero",
    ),
    pytest.param(
        broken("capacity: 30", "capacity: 2.5"),
        19,
        "sessions[0].capacity（名额） 应是不小于 1 的整数",
        id="capacity-fraction",
    ),
    pytest.param(
        broken("capacity: 30", "capacity: 三十"),
        19,
        "sessions[0].capacity（名额） 应是不小于 1 的整数，现在是“三十”",
        id="capacity-text",
    ),
    pytest.param(
        broken("phone: 010-64700001", "phone: 1234"),
        13,
        "contact.phone（联系电话）：“1234”不是有效的电话号码",
        id="invalid-phone",
    ),
    pytest.param(
        broken("mode: first_come", "mode: lotery"),
        25,
        "registration.mode（报名方式） 只能是 first_come、lottery，现在是“lotery”",
        id="unknown-mode",
    ),
    pytest.param(
        broken("type: yesno", "type: essay"),
        29,
        "只能是 text、yesno、choice，现在是“essay”",
        id="unknown-question-type",
    ),
    pytest.param(
        broken("type: yesno", "type: choice"),
        27,
        "单选题（type: choice）必须填写 choices 选项",
        id="choice-without-choices",
    ),
    pytest.param(
        broken("time: 08:30-17:30", "time: 8点半到5点半"),
        21,
        "时间应写成“08:30-17:30”这样的格式",
        id="bad-time",
    ),
    pytest.param(
        broken("days: 周一至周五", "days: 周五至周一"),
        20,
        "上课日应写成“周一至周五”",
        id="bad-days",
    ),
    pytest.param(
        VALID + "images: [poster.jpg]\n",
        30,
        "images[0]（图片）文件不存在：poster.jpg",
        id="missing-image",
    ),
    pytest.param(
        broken("organizer: 望京街道总工会", "organizer: 望京街道总工会\norganizer: 孙河街道总工会"),
        3,
        "键“organizer”重复出现",
        id="duplicate-key",
    ),
    pytest.param(
        broken("mode: first_come", "mode: first_come\n  offer_hours: 0"),
        26,
        "registration.offer_hours（确认期限） 写候补补上后留给家长确认的小时数，应是 1 到 168 之间的整数（最长 7 天，如 offer_hours: 48），现在是“0”",
        id="offer-hours-too-short",
    ),
    pytest.param(
        broken("mode: first_come", "mode: first_come\n  offer_hours: 200"),
        26,
        "应是 1 到 168 之间的整数",
        id="offer-hours-too-long",
    ),
    pytest.param(
        broken("mode: first_come", "mode: first_come\n  offer_hours: 两天"),
        26,
        "应是 1 到 168 之间的整数",
        id="offer-hours-not-a-number",
    ),
]


@pytest.mark.parametrize("text, line, message", RULES)
def test_broken_file_reports_line_and_chinese_message(classes, text, line, message):
    path = classes.write(text)
    code, lines = classes.check()
    assert code == 1
    assert any(reported.startswith(f"{path}:{line}: ") and message in reported for reported in lines), lines


def test_duplicate_session_ids_point_at_the_second_id(classes):
    second = VALID.replace(
        "registration:", "  - id: week-1\n    name: 第二期\n    start: 2027-02-01\n    end: 2027-02-05\n    capacity: 30\nregistration:"
    )
    path = classes.write(second)
    code, lines = classes.check()
    assert code == 1
    assert f"{path}:22: sessions[1].id（编号）：班次编号“week-1”重复（第 1 项已用过）" in lines


def test_duplicate_program_ids_across_folders(classes):
    classes.write(VALID, folder="beijing-chaoyang")
    copy = classes.write(VALID, folder="shandong-weihai")
    code, lines = classes.check()
    assert code == 1
    assert any(line.startswith(f"{copy}:1: ") and "班级编号“wangjing-2027-winter”与" in line and "重复" in line for line in lines)


def test_every_problem_of_every_file_in_one_run(classes):
    first = classes.write(broken("capacity: 30", "capacty: 30").replace("mode: first_come", "mode: lotery"), name="a")
    second = classes.write(broken("phone: 010-64700001", "phone: 123"), name="b", folder="other")
    code, lines = classes.check()
    assert code == 1
    assert [line.split(": ")[0] for line in lines] == [f"{first}:19", f"{first}:25", f"{second}:13"]


def test_dates_fail_independently_of_other_errors(classes):
    text = broken("capacity: 30", "capacity: 0").replace("end: 2027-01-29", "end: 2027-01-01")
    path = classes.write(text)
    code, lines = classes.check()
    assert f"{path}:18: sessions[0].end（结束日期）：结束日期 2027-01-01 早于开始日期 2027-01-25" in lines
    assert any(line.startswith(f"{path}:19: ") for line in lines)


def test_bad_file_name_and_yml_extension(classes):
    bad_name = classes.write(VALID, name="Wangjing_Winter")
    yml = classes.root / "x" / "sunhe.yml"
    yml.parent.mkdir()
    yml.write_text(VALID, encoding="utf-8")
    code, lines = classes.check()
    assert code == 1
    assert any(line.startswith(f"{bad_name}:1: ") and "只能用小写字母、数字和连字符" in line for line in lines)
    assert f"{yml}:1: 扩展名应为 .yaml（不是 .yml），否则不会被收录" in lines


def test_valid_catalogue_prints_one_summary_line(classes):
    classes.write(VALID)
    code, lines = classes.check()
    assert code == 0
    assert lines == ["共 1 个班，1 个班次，30 个名额，全部通过检查。"]


def test_phone_written_as_a_bare_number_is_accepted(classes):
    classes.write(broken("phone: 010-64700001", "phone: 13800138000"))
    assert classes.check()[0] == 0


def test_time_zone_defaults_to_shanghai(classes):
    from programs.loader import load_catalogue

    classes.write(VALID)
    program = load_catalogue(classes.root).programs[0]
    assert program.registration.opens.isoformat() == "2026-11-20T09:00:00+08:00"


@pytest.mark.parametrize("written", ["48", "48小时", "48 个小时"])
def test_offer_hours_are_whole_hours_and_unset_means_no_offers(classes, written):
    from programs.loader import load_catalogue

    classes.write(VALID)
    assert load_catalogue(classes.root).programs[0].registration.offer_hours is None
    classes.write(broken("mode: first_come", f"mode: first_come\n  offer_hours: {written}"))
    assert classes.check()[0] == 0
    assert load_catalogue(classes.root).programs[0].registration.offer_hours == 48
