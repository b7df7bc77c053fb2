"""The JSON Schema of the program format, generated from the model.

Committed as classes/program.schema.json so editors (VS Code with the YAML
extension, WebStorm) autocomplete and check while staff type. A test fails
when the committed file drifts from the model.
"""
import json

from .model import Program

SCHEMA_FILE = "program.schema.json"


def program_schema():
    schema = Program.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "工会托管班/夜校 班级文件",
        "description": "classes/ 下的一个 YAML 文件就是一个班。文件名（不含 .yaml）即班级编号。",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def schema_text():
    return json.dumps(program_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
