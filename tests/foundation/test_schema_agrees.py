"""The editor's schema and `check` judge the same corpus the same way.

Editors read YAML 1.2 (30 is a number, 8:30 is text, 2027-01-25 is text),
then validate against classes/program.schema.json. A file check reads must
not be marked wrong while staff type, and a file check refuses should be
marked wrong where a schema can say so. The few refusals a schema cannot
express (calendars, comparisons between two values, the line scan) are
listed with their reason, and the list must stay true.
"""

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from programs.loader import program_files
from programs.schema import schema_text
from tests.foundation.natural_corpus import BASE, CORPUS, Read, Warn

SCHEMA = json.loads(schema_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


class EditorLoader(yaml.SafeLoader):
    """YAML 1.2 core schema, as the VS Code YAML extension reads a file."""


EditorLoader.yaml_implicit_resolvers = {}
for tag, pattern, first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$", "-+.0123456789"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    EditorLoader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), list(first))


def _int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text)


EditorLoader.add_constructor("tag:yaml.org,2002:int", _int)

# Refused by check, accepted by the schema, and why a JSON Schema cannot tell.
SCHEMA_CANNOT_SAY = {
    "capacity-hex": "YAML 1.2 itself reads 0x1E as the number 30; check refuses it because nobody types a capacity in hex",
    "date-wrong-weekday": "which weekday a date falls on is a calendar question",
    "date-impossible": "whether February has a 30th is a calendar question",
    "time-twelve-hour-end": "end before start compares two values",
    "days-reversed": "周五至周一 runs backwards: an order of weekdays",
    "phone-too-short": "1234 matches the shape; libphonenumber knows it is no number",
    "summary-hashtag": "a YAML comment is gone before the schema sees the value",
}
# Read by check, marked by the editor, and why that is the better of the two ways to disagree.
EDITOR_IS_STRICTER = {
    "summary-digits": "a YAML 1.2 editor reads 2027 as a number; quoting it satisfies both",
    "date-compact": "a YAML 1.2 editor reads 20270129 as a number; the schema asks for a written date",
    "mode-hyphen-capitals": "the schema lists the spellings to pick from; check also forgives First-Come",
}
# Typing slips the line scan repairs with a note: the editor's YAML parser sees them as written and flags them
# while staff type, which is what should happen; check reads them as meant and says so.
REPAIRED_BY_LINE_SCAN = ("full-width-colon-after-key", "no-space-after-colon", "no-space-after-colon-nested", "dash-without-space")


def _schema_accepts(text):
    try:
        data = yaml.load(text, Loader=EditorLoader)
    except yaml.YAMLError:
        return False
    return VALIDATOR.is_valid(data)


def test_the_editor_loader_reads_yaml_1_2():
    data = yaml.load("a: 030\nb: 8:30\nc: 2027-01-25\nd: yes\ne: 0x1E\n", Loader=EditorLoader)
    assert data == {"a": 30, "b": "8:30", "c": "2027-01-25", "d": "yes", "e": 30}


def test_the_base_file_and_the_shipped_catalogue_pass_the_schema():
    assert _schema_accepts(BASE)
    for path in program_files(Path(__file__).resolve().parents[2] / "classes"):  # organizers.yaml is not a program
        assert _schema_accepts(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize("variant", [v for v in CORPUS if v.name.endswith(".yaml")], ids=lambda v: v.id)
def test_schema_and_check_agree(variant):
    check_accepts = isinstance(variant.expect, (Read, Warn))
    schema_accepts = _schema_accepts(variant.text)
    if variant.id in SCHEMA_CANNOT_SAY:
        assert schema_accepts and not check_accepts, f"{variant.id} no longer disagrees: drop it from SCHEMA_CANNOT_SAY"
    elif variant.id in REPAIRED_BY_LINE_SCAN or variant.id in EDITOR_IS_STRICTER:
        assert check_accepts and not schema_accepts, f"{variant.id} no longer disagrees: drop it from REPAIRED_BY_LINE_SCAN"
    else:
        assert schema_accepts == check_accepts, (variant.id, variant.new)
