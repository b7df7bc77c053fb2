"""A line-by-line look at a program file before YAML parses it.

A YAML parser stops at the first syntax error, and reports some of them a
line late, so one full-width colon used to hide every other mistake in the
file. This scan finds the mistakes people make when typing YAML by hand,
each at its own line, and repairs the line in memory (never changing the
number of lines) so parsing and validation can go on and report the rest.

Unambiguous slips (a full-width colon, no space after the colon, `-id:`)
are read as meant and produce a note; anything that would change what YAML
reads (a `#` that starts a comment, a value starting with `*` or `[`) is an
error that quotes the exact line to paste.
"""

import json
import re
from dataclasses import dataclass, field

from .keys import LIST_KEYS, MAPPING_KEYS, MODEL_KEYS
from .messages import label_of

_INDENT = re.compile(r"^[ \t\u3000]*")
_KEY = re.compile(r"(?P<dash>-(?:[ \u3000]+|(?=[A-Za-z_])))?(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?P<gap>[ ]*)(?P<colon>[:：])(?P<rest>.*)$")
_BLOCK = re.compile(r"^[|>][-+0-9]*\s*(?:#.*)?$")
_RESERVED = "*&!@`%"
TAB = "用了制表符（Tab）缩进：YAML 只能用空格缩进，请把行首的 Tab 换成空格"
FULL_WIDTH_SPACE = "行首用了全角空格缩进：YAML 只能用半角空格缩进，请把行首的全角空格换成半角空格"


# Keys whose values are prose: a comment after them, one space from the text, may be meant as content.
_PROSE = {"title", "summary", "organizer", "district", "street", "name", "address", "teacher", "label", "eligibility"}


@dataclass
class Scan:
    text: str
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    problems: list = field(default_factory=list)


def scan(text):
    """Return a Scan: the repaired text plus (line, message) notes and problems."""
    result, out = Scan(text), []
    block_indent = None
    previous = None  # (key column, opens a block) of the last key line
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        indent = _INDENT.match(line).group()
        body = line[len(indent) :]
        if block_indent is not None:
            if not body.strip() or _width(indent) > block_indent:
                out.append(line)
                continue
            block_indent = None
        if not body or body.startswith("#"):
            out.append(line)
            continue
        if "\t" in indent or "\u3000" in indent:
            result.problems.append((number, TAB if "\t" in indent else FULL_WIDTH_SPACE))
            indent = " " * _guess_indent(previous, indent)
        line = indent + body
        found = _KEY.match(body)
        if found and (found["key"] in MODEL_KEYS or found["colon"] == "：" or found["rest"][:1] in ("", " ")):
            column = len(indent) + len(found["dash"] or "")
            if _quoted_across_lines(found["rest"].strip(" \u3000"), lines[number:], column):
                out.append(line)
                previous, block_indent = (column, "value"), column
                continue
            line, column, opens = _key_line(number, indent, found, result)
            previous = (column, opens)
            if opens == "block":
                block_indent = column
        elif re.match(r"-[ \u3000]+[#*&!@`%]", body):
            line = indent + _list_item(number, body, result)
        out.append(line)
    result.text = "\n".join(out)
    return result


def _quoted_across_lines(value, following, column):
    """A quoted value that YAML continues on more-indented lines, as yaml.dump and editors write
    long text: valid as it stands, so it is left alone rather than called an unclosed quote."""
    if value[:1] not in ("'", '"') or _closing_quote(value) is not None:
        return False
    text = value
    for line in following:
        if line.strip() and _width(_INDENT.match(line).group()) <= column:
            return False
        text += " " + line.strip()
        if _closing_quote(text) is not None:
            return True
    return False


def _width(indent):
    return len(indent.replace("\u3000", "  ").replace("\t", "  "))


def _guess_indent(previous, indent):
    """Where a Tab- or full-width-indented line most likely belongs, so parsing can go on."""
    if previous is None:
        return _width(indent)
    column, opens = previous
    return column + 2 if opens == "mapping" else column


def _key_line(number, indent, found, result):
    key, dash, rest = found["key"], found["dash"] or "", found["rest"]
    if dash and dash != "- " and dash.strip() == "-" and not dash[1:].strip("\u3000 "):
        if dash == "-":
            result.notes.append((number, f"“-”后面要有一个空格，已按“- {key}:”读取"))
        else:
            result.notes.append((number, f"“-”后面用了全角空格，已按“- {key}:”读取"))
        dash = "- "
    if found["colon"] == "：":
        result.notes.append((number, f"{key} 后面用了全角冒号“：”，已按半角冒号“:”读取"))
    elif rest[:1] not in ("", " "):
        result.notes.append((number, f"{key} 的冒号后面要有一个空格，已按“{key}: {rest.strip()}”读取"))
    value = rest.strip(" \u3000")
    column = len(indent) + len(dash)
    prefix = f"{indent}{dash}{key}:"
    if not value or value.startswith("#"):
        return prefix + (" " + value if value else ""), column, "mapping"
    if _BLOCK.match(value):
        return f"{prefix} {value}", column, "block"
    value = _checked_value(number, key, value, result)
    return f"{prefix} {value}", column, "value"


def _checked_value(number, key, value, result):
    """The value as YAML should see it; problems for values YAML would read differently."""
    first = value[0]
    if first in "\"'":
        end = _closing_quote(value)
        if end is None:
            closed = value + first
            result.problems.append((number, f"{_named(key)}：引号没有配对，这一行只有开头的 {first}；是不是想写 {key}: {closed} ？"))
            return closed
        after = value[end + 1 :].strip()
        if not after or after.startswith("#"):
            return value
        return _refuse(number, key, value, result, f"以引号开头的内容，引号后面不能再有文字（现在引号后还有“{after}”）")
    if first == "[" and key not in LIST_KEYS:
        return _refuse(number, key, value, result, "应是文字：以“[”开头会被读成列表")
    if first == "{" and key not in MAPPING_KEYS:
        return _refuse(number, key, value, result, "应是文字：以“{”开头会被读成“键: 值”")
    if first in _RESERVED or first in "|>" or value[:2] in ("- ", "? "):
        return _refuse(number, key, value, result, f"以“{first}”开头的内容在 YAML 里有特殊含义")
    if first in "[{":
        return value
    if re.search(r":(?:\s|$)", value.split(" #")[0]):
        return _refuse(number, key, value, result, "内容里的“: ”（半角冒号加空格）会被当作新的键")
    comment = re.search(r"(?<=\S) #\s", value)
    if comment and key in _PROSE:
        kept, dropped = value[: comment.start()].strip(), value[comment.start() :].strip()
        result.warnings.append(
            (number, (f"“{dropped}”会被当作注释，网站上只显示“{kept}”；如果它是内容，请给整个值加引号：{key}: {_quote(value)}"))
        )
    cut = re.search(r"[ \u3000]#(?=[^\s#])", value)
    if cut:
        kept = value[: cut.start()].strip()
        return _refuse(
            number,
            key,
            value,
            result,
            f"YAML 会把“ #”和它后面的文字当作注释删掉，网站上只会显示“{kept}”。如果“#”后面是注释，请在“#”后加一个空格；如果是内容",
        )
    return value


def _list_item(number, body, result):
    """- #书法 is an empty item followed by a comment; - *新* is an alias: both need quotes."""
    value = body[1:].strip(" \u3000")
    if value.startswith("#") and not re.match(r"#[\s#]", value):
        why = "以“#”开头的一项会被当作注释，这一项就成了空的"
    elif value[0] in _RESERVED:
        why = f"以“{value[0]}”开头的内容在 YAML 里有特殊含义"
    else:
        return body
    quoted = _quote(value)
    result.problems.append((number, f"列表项{why}；请给这一项加引号，是不是想写 - {quoted} ？"))
    return f"- {quoted}"


def _refuse(number, key, value, result, why):
    quoted = _quote(value)
    joiner = "，" if why.endswith("如果是内容") else "；"
    lead = " " if why.startswith("应是") else "："
    result.problems.append((number, f"{_named(key)}{lead}{why}{joiner}请给整个值加引号，是不是想写 {key}: {quoted} ？"))
    return quoted


def _named(key):
    label = label_of((key,))
    return f"{key}（{label}）" if label else key


def _quote(value):
    if '"' in value and "'" not in value:
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)


def _closing_quote(value):
    quote, index = value[0], 1
    while index < len(value):
        char = value[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and value[index + 1 : index + 2] == "'":
                index += 2
                continue
            return index
        index += 1
    return None
