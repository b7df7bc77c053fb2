"""Pydantic's validation errors, said in Chinese with the key they concern.

The model's own rules already raise Chinese messages; this module covers the
built-in checks (missing key, wrong type, too long, unknown key...).
"""
import difflib

CLOSE = 0.6

_TYPES = {
    "string_type": "应是文字",
    "int_type": "应是整数",
    "bool_type": "应是 true 或 false",
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
    "title": "班名", "organizer": "主办工会", "district": "区县", "street": "街道",
    "audience": "面向对象", "ages": "年龄", "summary": "简介", "description": "详细介绍",
    "courses": "课程", "tags": "标签", "location": "地点", "contact": "联系人",
    "fee": "费用", "sessions": "班次", "registration": "报名设置", "images": "图片",
    "status": "状态", "name": "名称", "address": "地址", "map_url": "地图链接",
    "phone": "电话", "id": "编号", "start": "开始日期", "end": "结束日期",
    "capacity": "名额", "days": "上课日", "time": "时间", "opens": "报名开始时间",
    "closes": "报名截止时间", "mode": "报名方式", "eligibility": "报名条件",
    "questions": "附加问题", "label": "问题文字", "type": "回答方式", "required": "是否必答",
    "choices": "选项", "teacher": "授课老师", "siblings_together": "兄弟姐妹同组",
}


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
    where, value = key_path(loc), error.get("input")
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if "beside" in ctx:
        loc = loc[:-1] + (ctx["beside"],)
    label = _NAMES.get(field, "")
    shown = f"{where}（{label}）" if label else where
    if kind == "missing":
        return loc, f"缺少必填项 {field}" + (f"（{label}）" if label else "")
    if kind == "extra_forbidden":
        hint = difflib.get_close_matches(field, allowed_keys, n=1, cutoff=CLOSE)
        guess = f"，是不是想写 {hint[0]}？" if hint else f"。可用的键：{'、'.join(allowed_keys)}"
        return loc, f"未知的键 {field}{guess}"
    if kind == "literal_error":
        return loc, f"{shown} 只能是 {_literal_choices(error)}，现在是“{value}”"
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
        return loc, f"{shown} 只能用小写字母、数字和连字符（如 week-1），现在是“{value}”"
    if kind in ("greater_than_equal", "greater_than"):
        if field == "capacity":
            return loc, f"{shown} 应是不小于 1 的整数，现在是 {value}"
        return loc, f"{shown} 不能小于 {ctx.get('ge', ctx.get('gt'))}，现在是 {value}"
    if kind in ("int_type", "int_from_float", "int_parsing") and field == "capacity":
        return loc, f"{shown} 应是不小于 1 的整数，现在是“{value}”"
    if kind in _TYPES:
        return loc, f"{shown} {_TYPES[kind]}，现在是“{value}”"
    if kind in CUSTOM:
        return loc, f"{shown}：{error['msg']}"
    return loc, f"{shown} 的值不符合要求（{error['msg']}）"


CUSTOM = {"phone", "time", "days", "dates", "choices", "window", "duplicate", "age", "ages_required"}
