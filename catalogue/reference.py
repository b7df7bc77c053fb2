"""The staff reference of the YAML format, generated from the JSON Schema.

The schema is itself generated from the program model, so the help page, the
editor's autocomplete and the validator can never disagree.
"""

import json

from programs.schema import program_schema

_KINDS = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "true 或 false", "null": ""}
_FORMATS = {"date": "日期 YYYY-MM-DD", "date-time": "日期时间 YYYY-MM-DD HH:MM"}
_SECTIONS = {"": "班级文件（顶层）"}


def reference_page():
    schema = program_schema()
    lines = [
        "---",
        "title: 班级文件字段说明",
        "search:",  # staff help: kept out of the search parents use
        "  exclude: true",
        "---",
        "",
        "# 班级文件字段说明",
        "",
        "本页根据程序里的班级模型自动生成，与 `make check` 的检查规则完全一致。"
        "“必填”的字段不写会报错；其余可以省略，省略时用“默认”一栏的值。",
        "",
    ]
    sections = [("", schema)]
    seen = set()
    while sections:
        name, node = sections.pop(0)
        lines += _section(name, node, schema, sections, seen)
    return "\n".join(lines) + "\n"


def _section(name, node, schema, sections, seen):
    title = _SECTIONS.get(name, name)
    lines = [f"## {title}", "", "| 字段 | 必填 | 类型 | 默认 | 说明 |", "| --- | --- | --- | --- | --- |"]
    required = set(node.get("required", ()))
    for key, field in node.get("properties", {}).items():
        kind, nested = _kind(field, schema)
        if nested and nested not in seen:
            seen.add(nested)
            sections.append((f"{key}（{nested}）", schema["$defs"][nested]))
        default = json.dumps(field["default"], ensure_ascii=False) if "default" in field and field["default"] not in (None, []) else ""
        lines.append(f"| `{key}` | {'必填' if key in required else ''} | {kind} | {default} | {field.get('description', '')} |")
    return lines + [""]


def _kind(field, schema):
    """A Chinese type label, and the name of the nested object it points to, if any."""
    if "$ref" in field:
        name = field["$ref"].rsplit("/", 1)[-1]
        return "对象，见下文", name
    if "enum" in field:
        return "取值：" + " / ".join(f"`{value}`" for value in field["enum"]), None
    if "anyOf" in field:
        parts = [_kind(option, schema) for option in field["anyOf"] if option.get("type") != "null"]
        labels = list(dict.fromkeys(label for label, _ in parts))
        return " 或 ".join(labels), next((nested for _, nested in parts if nested), None)
    if field.get("type") == "array":
        if "prefixItems" in field:
            return f"{len(field['prefixItems'])} 个{_kind(field['prefixItems'][0], schema)[0]}的列表", None
        label, nested = _kind(field.get("items", {}), schema)
        return f"列表，每项：{label}", nested
    if "format" in field:
        return _FORMATS.get(field["format"], field["format"]), None
    return _KINDS.get(field.get("type"), field.get("type", "")), None
