"""The JSON Schema of the program format, generated from the model.

Committed as classes/program.schema.json so editors (VS Code with the YAML
extension, WebStorm) autocomplete and check while staff type. A test fails
when the committed file drifts from the model, and another runs the schema
and `check` over the same corpus of natural variants: a file check reads
must not be marked wrong in the editor. So the schema accepts what
programs/normalise.py reads (30人, 2027年1月25日, 先到先得), and its
patterns are written with explicit full-width classes because editors run
them as JavaScript regular expressions, where \\d is ASCII only.
"""

import copy
import json

from .messages import LABELS, label_of
from .model import AGE_MAX, AGE_MIN, OFFER_HOURS_MAX, OFFER_HOURS_MIN, Program
from .normalise import AUDIENCES, FALSE, FREE, MODES, STATUSES, TRUE, TYPES

SCHEMA_FILE = "program.schema.json"

_D = "[0-9０-９]"
_S = "[ \u3000]*"
_DASH = "(?:-|－|—|——|–|~|～|〜|至|到)"
_MONTH = "(?:[0０]?[1-9１-９]|[1１][0-2０-２])"
_MDAY = "(?:[0０]?[1-9１-９]|[12１２][0-9０-９]|[3３][01０１])"
_DATE = (
    f"{_D}{{4}}{_S}(?:[-/.－／．]|年){_S}{_MONTH}{_S}(?:[-/.－／．]|月){_S}{_MDAY}{_S}日?"
    f"(?:{_S}[(（]?{_S}(?:周|星期|礼拜)[一二三四五六日天]{_S}[)）]?)?"
    f"|{_D}{{4}}(?:[0０][1-9１-９]|[1１][0-2０-２])(?:[0０][1-9１-９]|[12１２][0-9０-９]|[3３][01０１])"
)
_CLOCK = f"(?:上午|早上|中午|下午|晚上)?{_S}(?:[01０１]?{_D}|[2２][0-4０-４]){_S}[:：]{_S}[0-5０-５]{_D}(?:[:：][0-5０-５]{_D})?"
_DAY = "(?:周|星期)?[一二三四五六日天]"
_DAY_JOIN = f"{_S}(?:至|到|-|—|~|～|、|,|，|/|和|及|与|以及|\u3000| ){_S}"
_AGE = f"{_D}{{1,2}}{_S}(?:周岁|岁)?"
_QUOTED = "[“「『‘]?"
_UNQUOTED = "[”」』’]?"

PATTERNS = {
    "date": f"^{_S}{_QUOTED}{_S}(?:{_DATE}){_S}{_UNQUOTED}{_S}$",
    "moment": f"^{_S}{_QUOTED}{_S}(?:{_DATE})(?:[ \u3000T]*{_CLOCK})?{_S}{_UNQUOTED}{_S}$",
    "time": f"^{_S}{_CLOCK}{_S}{_DASH}{_S}{_CLOCK}{_S}$",
    "days": f"^{_S}(?:每天|每日|工作日|每?周末|双休日|每?(?:周|星期)?{_DAY}(?:{_DAY_JOIN}{_DAY})*){_S}$",
    "phone": f"^{_S}{_QUOTED}{_S}[0-9０-９+＋()（） \u3000\\-－]{{5,20}}(?:{_S}(?:转|分机|ext\\.?|x){_S}{_D}{{1,6}})?{_S}{_UNQUOTED}{_S}$",
    "capacity": f"^{_S}(?:限|共|最多)?{_S}[+＋]?{_D}+{_S}(?:人|名|位|个名额)?{_S}$",
    "offer_hours": f"^{_S}[+＋]?{_D}+{_S}(?:个?小时|[hH])?{_S}$",
    "age": f"^{_S}{_AGE}{_S}$",
    "ages": f"^{_S}[\\[［(（]?{_S}{_AGE}{_S}(?:{_DASH}|,|，|、){_S}{_AGE}{_S}[\\]］)）]?{_S}$",
    "fee": f"^{_S}(?:{'|'.join(FREE)}|(?:[¥￥]{_S})?{_D}+(?:[.．]{_D}{{1,2}})?{_S}(?:元|块|元钱)?{_S}(?:/人|每人|/位|一人)?){_S}$",
    "slug": "^[a-z0-9ａ-ｚ０-９]+(?:[-－][a-z0-9ａ-ｚ０-９]+)*$",
}
_EXAMPLES = {
    "date": ["2027-01-25", "2027年1月25日"],
    "moment": ["2027-01-05 09:00", "2027年1月5日 9:00"],
    "time": ["08:30-17:30"],
    "days": ["周一至周五", "周一、三、五", "每天"],
    "phone": ["010-64700001", "13800138000", "010-64700001转8012", "12351"],
}
_TITLES = {
    "Course": "课程",
    "Location": "上课地点",
    "Contact": "联系人",
    "Session": "班次",
    "Question": "附加问题",
    "Registration": "报名设置",
}


_FIELD_OF = {
    "Location": "location",
    "Contact": "contact",
    "Session": "sessions",
    "Question": "questions",
    "Registration": "registration",
    "Course": "courses",
}


def _choices(words, description):
    """The English value or the Chinese word staff say; enumDescriptions are the labels editors show."""
    values = list(words) + [alias for aliases in words.values() for alias in aliases]
    labels = [f"{key}：{LABELS.get(key, key)}" for key in words]
    labels += [f"{alias}：即 {key}（{LABELS.get(key, key)}）" for key, aliases in words.items() for alias in aliases]
    return {"description": description, "type": "string", "enum": values, "enumDescriptions": labels}


def _boolean(description, default):
    words = [word for word in TRUE + FALSE if word not in ("true", "false")]
    return {
        "description": description,
        "default": default,
        "anyOf": [
            {"type": "boolean"},
            {"type": "string", "enum": words, "enumDescriptions": [f"{w}：即 {'true' if w in TRUE else 'false'}" for w in words]},
        ],
    }


def _text(kind, description, nullable=False):
    schema = {"description": description, "anyOf": [{"type": "string", "pattern": PATTERNS[kind]}]}
    if kind in _EXAMPLES:
        schema["examples"] = _EXAMPLES[kind]
    if nullable:
        schema["anyOf"].append({"type": "null"})
    return schema


def _overrides(schema):
    """Replace what pydantic derives from Python types with what staff may type."""
    props, defs = schema["properties"], schema["$defs"]
    session, registration = defs["Session"]["properties"], defs["Registration"]["properties"]
    question, contact = defs["Question"]["properties"], defs["Contact"]["properties"]
    for key in ("start", "end"):
        session[key] = _text("date", session[key]["description"])
    session["time"] = _text("time", session["time"]["description"], nullable=True)
    session["days"] = _text("days", session["days"]["description"], nullable=True)
    session["capacity"] = {
        "description": session["capacity"]["description"],
        "examples": [30, "30人"],
        "anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": PATTERNS["capacity"]}],
    }
    for model in (session, question):
        model["id"] = {
            "description": model["id"]["description"],
            "anyOf": [{"type": "string", "pattern": PATTERNS["slug"]}, {"type": "integer", "minimum": 0}],
        }
    for key in ("opens", "closes"):
        registration[key] = _text("moment", registration[key]["description"])
    registration["mode"] = _choices(MODES, registration["mode"]["description"])
    registration["siblings_together"] = _boolean(registration["siblings_together"]["description"], False)
    registration["offer_hours"] = {
        "description": registration["offer_hours"]["description"],
        "examples": [48, "48小时"],
        "anyOf": [
            {"type": "integer", "minimum": OFFER_HOURS_MIN, "maximum": OFFER_HOURS_MAX},
            {"type": "string", "pattern": PATTERNS["offer_hours"]},
            {"type": "null"},
        ],
    }
    question["type"] = _choices(TYPES, question["type"]["description"])
    question["required"] = _boolean(question["required"]["description"], False)
    question["choices"]["anyOf"].insert(1, {"type": "string", "minLength": 1})
    contact["phone"] = {
        **_text("phone", contact["phone"]["description"]),
        "anyOf": [{"type": "string", "pattern": PATTERNS["phone"]}, {"type": "integer"}],
    }
    props["status"] = {**_choices(STATUSES, props["status"]["description"]), "default": "published"}
    props["audience"] = _choices(AUDIENCES, props["audience"]["description"])
    age = {"anyOf": [{"type": "integer", "minimum": AGE_MIN, "maximum": AGE_MAX}, {"type": "string", "pattern": PATTERNS["age"]}]}
    props["ages"] = {
        "description": props["ages"]["description"],
        "default": None,
        "examples": [[6, 12], "6-12岁"],
        "anyOf": [
            {"type": "array", "minItems": 2, "maxItems": 2, "prefixItems": [age, age], "items": age},
            {"type": "array", "minItems": 1, "maxItems": 1, "items": {"type": "string", "pattern": PATTERNS["ages"]}},
            {"type": "string", "pattern": PATTERNS["ages"]},
            {"type": "null"},
        ],
    }
    props["fee"] = {
        "description": props["fee"]["description"],
        "default": 0,
        "examples": [0, "免费", "50元"],
        "anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": PATTERNS["fee"]}],
    }
    props["tags"] = {
        "description": props["tags"]["description"],
        "default": [],
        "anyOf": [props["tags"], {"type": "string", "minLength": 1}],
    }


def _chinese_titles(node, path=()):
    """Editors show `title` on hover: 班名, not Title."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$defs":
                for name, model in value.items():
                    _chinese_titles(model, (_FIELD_OF.get(name, name.lower()),))
            elif key == "properties" and isinstance(value, dict):
                for name, field in value.items():
                    label = label_of(path[-1:] + (name,)) if path else label_of((name,))
                    if isinstance(field, dict) and label:
                        field["title"] = label
                    _chinese_titles(field, path + (name,))
            elif isinstance(value, (dict, list)):
                _chinese_titles(value, path)
    elif isinstance(node, list):
        for item in node:
            _chinese_titles(item, path)


def program_schema():
    schema = copy.deepcopy(Program.model_json_schema())
    _overrides(schema)
    for name, title in _TITLES.items():
        schema["$defs"][name]["title"] = title
    _chinese_titles(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "工会托管班/夜校 班级文件",
        "description": "classes/ 下的一个 YAML 文件就是一个班。文件名（不含 .yaml）即班级编号。",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def schema_text():
    return json.dumps(program_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
