"""The staff commands around `check`: the shipped catalogue, schema, new."""

import json
import re
import subprocess
import sys
from pathlib import Path

import build
from programs.model import PLACEHOLDER
from programs.schema import SCHEMA_FILE, schema_text

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_catalogue_passes_check():
    result = subprocess.run([sys.executable, "build.py", "check"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
    assert re.fullmatch(r"共 \d+ 个班，\d+ 个班次，\d+ 个名额，全部通过检查。\n", result.stdout)


def test_shipped_catalogue_holds_the_article_programs():
    from programs.loader import load_catalogue

    catalogue = load_catalogue(ROOT / "classes")
    organizers = {p.organizer for p in catalogue.programs}
    assert {"望京街道总工会", "孙河街道总工会", "三里屯街道总工会", "文登区总工会", "新余市总工会"} <= organizers
    sunhe = catalogue.get("sunhe-2027-winter")
    assert sunhe.ages == (6, 12) and sunhe.sessions[0].capacity == 40
    assert sunhe.location.name == "康营家园拓堡成长馆"
    assert any(c.name == "榫卯的智慧" for c in catalogue.get("sanlitun-2027-winter").courses)
    assert any("花饽饽" in c.name for c in catalogue.get("wendeng-wenqixing-2027-winter").courses)
    assert any(p.audience == "workers" for p in catalogue.programs)


def test_broken_copy_of_a_shipped_file_is_reported_with_its_path(tmp_path, capsys):
    source = (ROOT / "classes/beijing-chaoyang/sunhe-2027-winter.yaml").read_text(encoding="utf-8")
    copy = tmp_path / "c" / "sunhe-2027-winter.yaml"
    copy.parent.mkdir()
    copy.write_text(source.replace("capacity: 40", "capacity: -40"), encoding="utf-8")
    assert build.main(["check", "--classes", str(tmp_path / "c")]) == 1
    line = next(n for n, text in enumerate(source.splitlines(), 1) if "capacity: 40" in text)
    assert f"{copy}:{line}: sessions[0].capacity（名额） 应是不小于 1 的整数，现在是 -40" in capsys.readouterr().out


def test_committed_schema_matches_the_model():
    committed = (ROOT / "classes" / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == schema_text(), "classes/program.schema.json is stale: run python build.py schema"


def test_schema_describes_keys_in_chinese_and_forbids_unknown_keys():
    schema = json.loads(schema_text())
    assert schema["additionalProperties"] is False
    assert "班名" in schema["properties"]["title"]["description"]
    session = schema["$defs"]["Session"]
    assert session["additionalProperties"] is False
    assert {"type": "integer", "minimum": 1} in session["properties"]["capacity"]["anyOf"]
    assert session["properties"]["capacity"]["title"] == "名额" and session["title"] == "班次"
    mode = schema["$defs"]["Registration"]["properties"]["mode"]
    assert mode["enumDescriptions"][mode["enum"].index("lottery")] == "lottery：摇号" and "摇号" in mode["enum"]
    for key in ("time", "days", "start"):
        assert session["properties"][key]["examples"] and session["properties"][key]["anyOf"][0]["pattern"]
    assert schema["$defs"]["Contact"]["properties"]["phone"]["anyOf"][0]["pattern"]
    assert set(schema["required"]) >= {
        "title",
        "organizer",
        "district",
        "audience",
        "summary",
        "location",
        "contact",
        "sessions",
        "registration",
    }


def test_schema_uses_only_json_schema_keywords():
    """pydantic once wrote `ge` (not a keyword, so editors ignored the rule) where JSON Schema says minimum."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            found.update(node)
            for key, value in node.items():
                if key not in ("properties", "$defs"):
                    walk(value)
                else:
                    for item in value.values():
                        walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(schema_text()))
    keywords = {
        "$schema",
        "$defs",
        "$ref",
        "title",
        "description",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "pattern",
        "enum",
        "enumDescriptions",
        "anyOf",
        "default",
        "examples",
        "format",
    }
    assert found <= keywords, found - keywords


def test_new_template_fails_until_filled_then_passes(tmp_path, capsys):
    classes = tmp_path / "classes"
    assert build.main(["new", "wangjing-2027-summer", "--district", "beijing-chaoyang", "--classes", str(classes)]) == 0
    target = classes / "beijing-chaoyang" / "wangjing-2027-summer.yaml"
    text = target.read_text(encoding="utf-8")
    assert text.count("#") >= 30, "every key carries a Chinese comment"

    capsys.readouterr()
    assert build.main(["check", "--classes", str(classes)]) == 1
    unfilled = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{target}:") and "title 还没有填写" in line for line in unfilled)

    answers = {
        "title": "望京街道总工会暑假托管班",
        "organizer": "望京街道总工会",
        "district": "北京市朝阳区",
        "street": "望京街道",
        "summary": "暑假托管",
        "name": "王老师",
        "description": "毛笔字入门",
        "teacher": "王老师",
        "address": "北京市朝阳区望京街道",
        "phone": "010-64700001",
        "eligibility": "辖区职工的子女",
        "": "托管班采用基础托管加特色拓展的模式。",
    }
    filled = re.sub(
        r"^(\s*(?:- )?)(\w*)(:?\s*)" + re.escape(PLACEHOLDER),
        lambda m: m.group(1) + m.group(2) + m.group(3) + answers[m.group(2)],
        text,
        flags=re.M,
    )
    target.write_text(filled, encoding="utf-8")
    capsys.readouterr()
    assert build.main(["check", "--classes", str(classes)]) == 0, capsys.readouterr().out


def test_new_refuses_an_existing_id(tmp_path, capsys):
    classes = tmp_path / "classes"
    assert build.main(["new", "x-1", "--district", "d", "--classes", str(classes)]) == 0
    assert build.main(["new", "x-1", "--district", "other", "--classes", str(classes)]) == 2
    assert "已存在" in capsys.readouterr().err


def test_the_preview_hides_mkdocs_dirty_build_warning_from_staff():
    import logging

    record = logging.LogRecord(
        "mkdocs.commands.build",
        logging.WARNING,
        __file__,
        1,
        "A 'dirty' build is being performed, this will likely lead to inaccurate navigation",
        None,
        None,
    )
    other = logging.LogRecord("mkdocs.commands.build", logging.WARNING, __file__, 1, "Documentation built", None, None)
    staff_filter = build._StaffLogFilter()
    assert staff_filter.filter(record) is False and staff_filter.filter(other) is True


def test_template_readme_and_messages_name_the_same_check_command(tmp_path, capsys):
    from programs.loader import CHECK_COMMAND
    from programs.template import program_template

    assert CHECK_COMMAND == "make check"
    assert f"然后运行：{CHECK_COMMAND}" in program_template("x-1", "../program.schema.json")
    assert build.main(["new", "x-1", "--district", "d", "--classes", str(tmp_path)]) == 0
    assert f"再运行 {CHECK_COMMAND}" in capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    staff = readme[readme.index("## 发布一个新的托管班") : readme.index("## Layout")]
    assert CHECK_COMMAND in staff and "python build.py check" not in staff
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ncheck: setup\n" in makefile and "\nserve: setup\n" in makefile


def test_serve_starts_with_the_full_check_report(tmp_path, capsys, monkeypatch):
    import catalogue.preview
    from tests.foundation.natural_corpus import BASE

    target = tmp_path / "classes" / "d" / "x-1.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(BASE.replace("capacity: 30", "capacity: 30人"), encoding="utf-8")
    started = []
    monkeypatch.setattr(catalogue.preview, "preview", lambda classes, drafts, dev_addr: started.append(drafts) or 0)
    assert build.main(["serve", "--drafts", "--classes", str(tmp_path / "classes")]) == 0
    assert started == [True]
    assert f"{target}:21: 提示：sessions[0].capacity（名额） 写的是“30人”，已按 30 读取" in capsys.readouterr().out
