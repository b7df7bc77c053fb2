"""The form view of a program file: its common fields as inputs, the YAML text still the source of truth.

Staff who do not read YAML fill in labelled boxes; what they type is written back into the
very line of the file it came from (only the value is replaced, so comments, order and every
field the form does not show stay as they were), and the result goes through the same check,
preview and publish as the text view. Each message from `check` is shown beside the input
whose line it points at; a message about a line the form has no box for is listed with its
line number and a way to the text view.

The fields are generated from programs.model: which model field a path names gives its hint
(the field's description) and messages.label_of gives its Chinese name, as in check's messages.
"""

import json
import re
import typing
from dataclasses import dataclass

import yaml
from pydantic import BaseModel

from programs.messages import label_of
from programs.model import Program

# The fields most programs change; everything else is edited in the text view.
COMMON = [
    ("title",),
    ("district",),
    ("street",),
    ("ages",),
    ("summary",),
    ("location", "name"),
    ("location", "address"),
    ("contact", "name"),
    ("contact", "phone"),
    ("fee",),
]
PER_SESSION = ("name", "start", "end", "capacity", "days", "time")
AFTER_SESSIONS = [
    ("registration", "opens"),
    ("registration", "closes"),
    ("registration", "mode"),
    ("registration", "eligibility"),
    ("status",),
]
PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*$")


@dataclass
class Field:
    path: tuple
    label: str
    hint: str
    value: str
    line: int  # of the key, which is where check's messages point
    editable: bool  # False for a value the form cannot rewrite on one line (a block of text, a nested list)

    @property
    def name(self):
        return _name(self.path)

    @property
    def id(self):
        return self.name.replace(".", "-")


def _model_field(path):
    """The pydantic field a key path names (list indexes skipped), or None."""
    model, info = Program, None
    for part in path:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        info = model.model_fields[part]
        model = _inner_model(info.annotation)
    return info


def _inner_model(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None


def _nodes(text):
    """{path: (key node, value node)} of the YAML text, or None when it does not parse as a mapping."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    found = {}

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    found[path + (key.value,)] = (key, value)
                    walk(value, path + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, path + (index,))

    walk(root, ())
    return found


def _one_line(text, node):
    if node.start_mark.line != node.end_mark.line:
        return False
    if isinstance(node, yaml.ScalarNode):
        return node.style in (None, "'", '"')
    return isinstance(node, yaml.SequenceNode) and node.flow_style


def _shown(text, node):
    if isinstance(node, yaml.ScalarNode):
        return node.value
    return text[node.start_mark.index : node.end_mark.index]


def _present(text):
    """[(path, key node, value node)] of the form's fields this text has, or None when it is not a YAML mapping."""
    nodes = _nodes(text)
    if nodes is None:
        return None
    sessions = sorted({path[1] for path in nodes if path[0] == "sessions" and len(path) > 1 and isinstance(path[1], int)})
    wanted = COMMON + [("sessions", index, key) for index in sessions for key in PER_SESSION] + AFTER_SESSIONS
    return [(path, *nodes[path]) for path in wanted if path in nodes]


def _name(path):
    return "f-" + ".".join(str(part) for part in path)


def fields(text):
    """The form's fields with their current values, or None when the text is not a YAML mapping."""
    present = _present(text)
    if present is None:
        return None
    shown = []
    for path, key, value in present:
        info = _model_field(path)
        shown.append(
            Field(
                path=path,
                label=f"{path[-1]}（{label_of(path)}）" if label_of(path) else str(path[-1]),
                hint=(info.description or "") if info else "",
                value=_shown(text, value) if _one_line(text, value) else "",
                line=key.start_mark.line + 1,
                editable=_one_line(text, value),
            )
        )
    return shown


def _written(value, node):
    """The YAML for a typed value: as typed when YAML reads it as typed, else in double quotes."""
    value = value.replace("\r", "").replace("\n", " ").strip()
    if isinstance(node, yaml.SequenceNode) and value.startswith("["):
        return value
    if PLAIN.match(value) and " #" not in value and ": " not in value and not value.endswith(":"):
        return value
    return json.dumps(value, ensure_ascii=False)


def apply(text, submitted):
    """The text with each submitted form value written over the value it came from; unchanged values
    and values the form cannot rewrite are left exactly as they were."""
    edits = []
    for path, _key, node in _present(text) or []:
        name = _name(path)
        if name not in submitted or not _one_line(text, node):
            continue
        typed = submitted[name]
        if typed.strip() == _shown(text, node).strip():
            continue
        edits.append((node.start_mark.index, node.end_mark.index, _written(typed, node)))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def placed(shown, issues):
    """({field name: [issue]}, [issue at no field]): each message beside the box of the line it names."""
    by_line = {field.line: field.name for field in shown or []}
    beside, elsewhere = {}, []
    for issue in issues:
        if issue.line in by_line:
            beside.setdefault(by_line[issue.line], []).append(issue)
        else:
            elsewhere.append(issue)
    return beside, elsewhere
