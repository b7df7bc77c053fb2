"""Read one YAML file into plain data plus the line of every key.

Validation errors must point staff at a line, so parsing keeps the node tree
and records where each key path starts.

Every plain scalar stays the text staff typed: PyYAML's YAML 1.1 resolvers
read 02251660774 as an octal number, 8:30 as sexagesimal 510, yes as True
and 2027-01-20 as a timestamp. Only an empty value, ~ and null mean "not
filled in"; programs/normalise.py turns text into numbers, dates and
booleans knowing which key it belongs to, and says what it read.
"""

import re
from dataclasses import dataclass, field

import yaml

from .linescan import scan

NEW_COMMAND = "make new"


class _Loader(yaml.SafeLoader):
    pass


_NULL = "tag:yaml.org,2002:null"
_Loader.yaml_implicit_resolvers = {}
_Loader.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml parses about ten times faster; same resolvers, so the same nodes."""


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

_SYNTAX = [
    (r"found character '\\t'", "用了制表符（Tab）缩进：YAML 只能用空格缩进"),
    (r"mapping values are not allowed", "这里不能出现冒号：检查上一行的缩进，或给含冒号的文字加引号"),
    (r"could not find expected ':'", "缺少冒号：每个键后面要写“: ”"),
    (r"expected <block end>", "缩进不一致：同一层的键要对齐"),
    (r"did not find expected key", "缩进不一致：同一层的键要对齐"),
    (r"did not find expected '-' indicator", "列表缩进不一致：同一列表的“- ”要对齐"),
    (r"found unexpected end of stream", "文件意外结束：可能少了一个引号或括号"),
    (r"found undefined alias", "引用了未定义的锚点（*）"),
    (r"expected ',' or '\]'", "方括号列表没有闭合，或元素之间缺少逗号"),
    (r"expected ',' or '}'", "花括号没有闭合，或元素之间缺少逗号"),
    (r"found unknown escape character", "引号内有无效的转义字符（\\）"),
]


class SourceProblem(Exception):
    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


def _syntax_message(error):
    text = f"{error.context or ''} {error.problem or ''}"
    for pattern, message in _SYNTAX:
        if re.search(pattern, text):
            return message
    return "YAML 格式错误：这一行（或上一行）的写法无法识别，请对照模板检查冒号、缩进、引号和括号"


@dataclass
class Source:
    data: dict
    lines: dict
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    problems: list = field(default_factory=list)


def read_yaml(text):
    """Return a Source or raise SourceProblem with [(line, message)].

    `lines` maps a key path tuple such as ("sessions", 0, "capacity") to the
    1-based line where that key (or list item) is written. The line scan's
    problems come back in Source.problems when the repaired text parses, so
    the model can still report everything else wrong with the file.
    """
    scanned = scan(text)
    problems = list(scanned.problems)
    try:
        node = _compose(scanned.text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        if not any(number in (line, line - 1) for number, _ in problems):
            problems.append((line, _syntax_message(error)))
        raise SourceProblem(sorted(problems)) from None
    except yaml.YAMLError:
        raise SourceProblem(problems + [(1, f"YAML 格式错误：文件无法识别，请从 {NEW_COMMAND} 生成的模板开始")]) from None
    if node is None:
        raise SourceProblem(problems + [(1, f"文件是空的：请从 {NEW_COMMAND} 生成的模板开始")])
    if not isinstance(node, yaml.MappingNode):
        raise SourceProblem(problems + [(node.start_mark.line + 1, "文件内容应是“键: 值”的形式，如 title: 望京街道寒假托管班")])
    lines = {(): 1}
    _walk(node, (), lines, problems)
    try:
        data = _Loader("").construct_document(node)
    except (yaml.YAMLError, ValueError, TypeError):
        raise SourceProblem(problems + [(1, "YAML 格式错误：文件无法识别，请对照模板检查")]) from None
    return Source(data, lines, scanned.notes, scanned.warnings, problems)


def _compose(text):
    """libyaml for the files that parse; the pure-Python parser for the wording and line of a syntax error."""
    try:
        return yaml.compose(text, Loader=_FastLoader)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=_Loader)


def _walk(node, path, lines, duplicates):
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark)
            if name in seen:
                duplicates.append((key.start_mark.line + 1, f"键“{name}”重复出现：同一层只能写一次"))
            seen.add(name)
            lines[path + (name,)] = key.start_mark.line + 1
            _walk(value, path + (name,), lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _walk(item, path + (index,), lines, duplicates)


def line_of(lines, path):
    """The line of the longest known prefix of path (a missing key points at its parent)."""
    path = tuple(path)
    while path not in lines:
        path = path[:-1]
    return lines[path]
