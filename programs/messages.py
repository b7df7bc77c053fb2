"""Pydantic's validation errors, said in Chinese with the key they concern.

The model's own rules already raise Chinese messages; this module covers the
built-in checks (missing key, wrong type, too long, unknown key...).
"""

import difflib
import re

CLOSE = 0.6

_TYPES = {
    "string_type": "应是文字",
    "int_type": "应是整数",
    "bool_type": "只能写 true（是）或 false（否），也可以写“是”“否”",
    "float_type": "应是数字",
    "list_type": "应是列表（每项以“- ”开头，或写成 [a, b]）",
    "tuple_type": "应是列表，如 [6, 12]",
    "dict_type": "应是“键: 值”的形式",
    "model_type": "应是“键: 值”的形式",
    "model_attributes_type": "应是“键: 值”的形式",
    "date_type": "不是有效的日期，应写成 YYYY-MM-DD，如 2027-01-19",
    "date_parsing": "不是有效的日期，应写成 YYYY-MM-DD，如 2027-01-19",
    "date_from_datetime_parsing": "不是有效的日期，应写成 YYYY-MM-DD，如 2027-01-19",
    "date_from_datetime_inexact": "应是日期，不要写时间",
    "datetime_type": "不是有效的时间，应写成 2027-01-05 09:00",
    "datetime_parsing": "不是有效的时间，应写成 2027-01-05 09:00",
    "datetime_from_date_parsing": "不是有效的时间，应写成 2027-01-05 09:00",
}

_NAMES = {
    "title": "班名",
    "organizer": "主办工会",
    "district": "区县",
    "street": "街道",
    "audience": "面向对象",
    "ages": "年龄",
    "summary": "简介",
    "description": "详细介绍",
    "courses": "课程",
    "tags": "标签",
    "location": "地点",
    "contact": "联系人",
    "fee": "费用",
    "sessions": "班次",
    "registration": "报名设置",
    "images": "图片",
    "status": "状态",
    "name": "名称",
    "address": "地址",
    "map_url": "地图链接",
    "phone": "电话",
    "id": "编号",
    "start": "开始日期",
    "end": "结束日期",
    "capacity": "名额",
    "days": "上课日",
    "time": "时间",
    "opens": "报名开始时间",
    "closes": "报名截止时间",
    "mode": "报名方式",
    "eligibility": "报名条件",
    "questions": "附加问题",
    "label": "问题文字",
    "type": "回答方式",
    "required": "是否必答",
    "choices": "选项",
    "teacher": "授课老师",
    "siblings_together": "兄弟姐妹同组",
    "offer_hours": "确认期限",
}


_PLACES = {
    ("location", "name"): "地点名称",
    ("location", "address"): "详细地址",
    ("contact", "name"): "联系人姓名",
    ("contact", "phone"): "联系电话",
}
_EXAMPLES = {
    "location": ("name: 望京街道职工之家", "address: 北京市朝阳区望京街道"),
    "contact": ("name: 王老师", "phone: 010-64700001"),
}
FEE_MESSAGE = "fee（费用） 写每人要交的钱数（元）：免费写 0 或“免费”，收费写数字，如 fee: 50"
FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000]")


def label_of(loc):
    """The Chinese name of the key at loc: contact.name is 联系人姓名, not just 名称."""
    names = tuple(part for part in loc if isinstance(part, str))
    if names[-2:] in _PLACES:
        return _PLACES[names[-2:]]
    return _NAMES.get(names[-1], "") if names else ""


def shown(loc):
    """sessions[0].time（时间）: the key as staff see it, with its Chinese name."""
    label = label_of(loc)
    return f"{key_path(loc)}（{label}）" if label else key_path(loc)


def _value(value):
    """How a wrong value is quoted back: never Python's None."""
    if value is None or value == "":
        return "没有填写"
    text = str(value)
    wide = FULL_WIDTH.findall(text)
    note = f"（其中“{''.join(dict.fromkeys(wide))}”是全角字符，请改用半角）" if wide else ""
    return f"现在是“{text}”{note}"


def _sub_keys(field):
    first, second = _EXAMPLES[field]
    names = " 和 ".join(f"{line.split(':')[0]}（{label_of((field, line.split(':')[0]))}）" for line in (first, second))
    return f"要分行写 {names}：“{field}:”单独一行，下面每项一行、前面空两格，如“  {first}”“  {second}”"


def key_path(loc):
    """sessions[1].capacity: the spelling staff see in their file."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "（文件）"


def _literal_choices(error):
    expected = (error.get("ctx") or {}).get("expected", "")
    return expected.replace("'", "").replace(" or ", "、").replace(", ", "、")


def explain(error, allowed_keys=()):
    """Return (loc, message) for one pydantic error dict."""
    kind, loc, ctx = error["type"], tuple(error["loc"]), error.get("ctx") or {}
    loc = tuple(part for part in loc if not (isinstance(part, str) and part.startswith(("function-", "constrained-"))))
    loc = loc + tuple(ctx.get("at", ()))
    if kind == "invalid_key" or any(part is None or part == "" for part in loc):
        return loc[:-1], "有一行没有键名（冒号前面是空的，或写成了 null、~）：每行要写成“键: 值”，如 title: 望京街道寒假托管班"
    where, value = key_path(loc), error.get("input")
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    label = label_of(loc)
    if "beside" in ctx:
        loc = loc[:-1] + (ctx["beside"],)
    shown = f"{where}（{label}）" if label else where
    parent = key_path(loc[:-1]) if len(loc) > 1 and kind == "missing" else ""
    if kind == "missing":
        where_to = f"：在 {parent} 下面加一行“{field}: …”" if parent else f"：加一行“{field}: …”"
        return loc, f"缺少必填项 {field}" + (f"（{label}）" if label else "") + where_to
    if field == "fee" and len(loc) == 1:
        return loc, f"{FEE_MESSAGE}，{_value(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type") and field in _EXAMPLES:
        state = "没有填写" if value is None else f"现在是“{value}”"
        return loc, f"{shown} {state}：{_sub_keys(field)}"
    if value is None and kind.endswith("_type"):
        return loc, f"{shown} 没有填写：请在“{field}:”后面写上内容"
    if kind == "extra_forbidden":
        from .normalise import half_width  # late: normalise words its notes with this module

        narrow = half_width(field)
        if narrow != field and narrow in allowed_keys:
            return loc, f"键“{field}”用了全角字母，请改成半角的 {narrow}"
        english = [key for key in allowed_keys if field in (label_of(loc[:-1] + (key,)), _NAMES.get(key))]
        if english:
            return loc, f"键要用英文：“{field}”请写成 {english[0]}，如“{english[0]}: …”"
        hint = difflib.get_close_matches(field, allowed_keys, n=1, cutoff=CLOSE)
        guess = f"，是不是想写 {hint[0]}？" if hint else f"。可用的键：{'、'.join(allowed_keys)}"
        return loc, f"未知的键 {field}{guess}"
    if kind == "literal_error":
        choices = _literal_choices(error).split("、")
        hint = difflib.get_close_matches(str(value), choices, n=1, cutoff=CLOSE)
        guess = f"：是不是想写 {field}: {hint[0]} ？" if hint else f"（{'，'.join(f'{c} {LABELS.get(c, c)}' for c in choices)}）"
        return loc, f"{shown} 只能是 {'、'.join(choices)}，{_value(value)}{guess}"
    if kind in ("too_short",) and isinstance(value, (list, tuple)):
        return loc, f"{shown} 至少要有 {ctx.get('min_length', 1)} 项"
    if kind == "too_long" or kind == "string_too_long":
        limit = ctx.get("max_length")
        if kind == "string_too_long":
            return loc, f"{shown} 最多 {limit} 个字，现在有 {len(value)} 个"
        return loc, f"{shown} 最多 {limit} 项"
    if kind in ("string_too_short", "too_short"):
        return loc, f"{shown} 不能为空"
    if kind == "string_pattern_mismatch":
        if field == "map_url":
            return loc, f"{shown} 应以 http:// 或 https:// 开头"
        return loc, f"{shown} 只能用小写字母、数字和连字符（如 week-1），{_value(value)}"
    if field == "offer_hours" and kind in ("greater_than_equal", "less_than_equal", "int_type", "int_from_float", "int_parsing"):
        from .model import OFFER_HOURS_MAX, OFFER_HOURS_MIN  # late: the model imports this module

        return loc, (
            f"{shown} 写候补补上后留给家长确认的小时数，应是 {OFFER_HOURS_MIN} 到 {OFFER_HOURS_MAX} 之间的整数"
            f"（最长 7 天，如 offer_hours: 48），{_value(value)}"
        )
    if kind in ("greater_than_equal", "greater_than"):
        if field == "capacity":
            return loc, f"{shown} 应是不小于 1 的整数，现在是 {value}"
        return loc, f"{shown} 不能小于 {ctx.get('ge', ctx.get('gt'))}，现在是 {value}"
    if kind in ("int_type", "int_from_float", "int_parsing") and field == "capacity":
        return loc, f"{shown} 应是不小于 1 的整数，{_value(value)}"
    if kind in _TYPES:
        return loc, f"{shown} {_TYPES[kind]}，{_value(value)}"
    if kind in CUSTOM:
        return loc, f"{shown}：{error['msg']}"
    return loc, f"{shown} 的值不符合要求，{_value(value)}：请对照模板里的写法"


CUSTOM = {"phone", "time", "days", "dates", "choices", "window", "duplicate", "age", "ages_required"}

# What each enum value means, for messages, the schema and the template.
LABELS = {
    "first_come": "先到先得",
    "lottery": "摇号",
    "draft": "草稿（不会出现在网站上）",
    "published": "发布",
    "archived": "归档",
    "children": "职工子女",
    "workers": "职工本人",
    "text": "文字",
    "yesno": "是/否",
    "choice": "单选",
}
