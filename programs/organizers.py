"""classes/organizers.yaml: every union that runs classes, with a stable id.

Programs and staff accounts name their organizer by id, so renaming a union
(or a typo in one file) cannot move a class out of its staff's reach or into
another union's. A program may still give the Chinese name: check accepts a
name it recognises and suggests the id. Without organizers.yaml (an old
checkout, a test folder) organizers stay free text and the text is the id.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

FILE = "organizers.yaml"
ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


@dataclass(frozen=True)
class Organizer:
    id: str
    name: str
    district: str = ""
    contact: str = ""


class Registry(dict):
    """{id: Organizer}; `present` is False when classes/ has no organizers.yaml."""

    present = False

    def by_name(self, name):
        return next((o for o in self.values() if o.name == name), None)

    def resolve(self, value):
        """The id that `value` (an id, or a known Chinese name) stands for; the text itself without a registry."""
        if not isinstance(value, str):
            return None
        value = value.strip()
        if not self.present:
            return value or None
        if value in self:
            return value
        found = self.by_name(value)
        return found.id if found else None

    def name_of(self, organizer_id):
        found = self.get(organizer_id)
        return found.name if found else organizer_id


def load(classes_dir):
    """(Registry, [(line, message)]) read from classes_dir/organizers.yaml."""
    registry = Registry()
    path = Path(classes_dir) / FILE if classes_dir else None
    if path is None or not path.is_file():
        return registry, []
    registry.present = True
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as bad:
        line = getattr(getattr(bad, "problem_mark", None), "line", 0) + 1
        return registry, [(line, "主办工会名单不是有效的 YAML：请对照文件开头的示例修改")]
    if not isinstance(data, list):
        return registry, [(1, "主办工会名单应是一个列表：每个工会以“- id: ”开头")]
    problems = []
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    for index, entry in enumerate(data):
        line = _line_of_entry(lines, index)
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not isinstance(entry.get("name"), str):
            problems.append((line, f"第 {index + 1} 个工会要写 id（编号）和 name（全称）"))
            continue
        organizer_id = entry["id"].strip()
        if not re.match(ID, organizer_id):
            problems.append((line, f"工会编号“{organizer_id}”无效：只能用小写字母、数字和连字符，如 bj-chaoyang-wangjing"))
            continue
        if organizer_id in registry:
            problems.append((line, f"工会编号“{organizer_id}”重复：每个工会的编号必须唯一"))
            continue
        registry[organizer_id] = Organizer(
            organizer_id, entry["name"].strip(), str(entry.get("district") or "").strip(), str(entry.get("contact") or "").strip()
        )
    return registry, problems


def _line_of_entry(lines, index):
    starts = [n for n, line in enumerate(lines, 1) if line.startswith("- ")]
    return starts[index] if index < len(starts) else 1


def check_value(value, registry):
    """(id or None, message or None, level): what check says about a program's organizer."""
    if not registry.present or not isinstance(value, str):
        return registry.resolve(value), None, None
    value = value.strip()
    if value in registry:
        return value, None, None
    found = registry.by_name(value)
    if found:
        return found.id, f"organizer 请写主办工会编号：organizer: {found.id}（“{value}”的编号，见 classes/{FILE}）", "warning"
    known = "、".join(f"{o.id}（{o.name}）" for o in registry.values())
    return (
        None,
        f"organizer（主办工会）“{value}”不在 classes/{FILE} 中：请写其中一个编号：{known}；新的工会请先请区总工会管理员加进名单",
        "error",
    )
