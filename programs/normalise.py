"""Read the values staff type the way they mean them, before the model validates.

Staff type Chinese: full-width digits and colons, 2027年1月25日, 30人, 免费,
先到先得, 托管班、书法. The YAML reader hands every scalar over as the text
that was typed; this module is the one place that turns such text into the
value the model expects, and it says what it read (a note, not an error), so
a reading staff did not mean is visible in `check`. What could mean two
things is refused with "是不是想写 …？" and the exact value to paste. Values
it cannot read at all are left for the model to refuse.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from .messages import FEE_MESSAGE, shown
from .model import AGE_MAX, AGE_MIN, END_OF_DAY, SLUG
from .weekdays import parse_weekdays, weekday_name

_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "＂": "＂", "〝": "〞"}
_DASHES = r"(?:-|－|—{1,2}|–|~|～|〜|至|到)"
_DATE = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NO_YEAR = re.compile(r"^(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")
_WEEKDAY = re.compile(r"\s*[(]?\s*(?:周|星期|礼拜)([一二三四五六日天])\s*[)]?\s*$")
_CLOCK = re.compile(r"(?:^|[\sT]+|(?<=[日号]))(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$")
_OFFSET = re.compile(r"(?<=\d)(Z|[+-]\d{2}:?\d{2})$")
_TIME_RANGE = re.compile(rf"^(\d{{1,2}}):(\d{{2}})\s*{_DASHES}\s*(\d{{1,2}}):(\d{{2}})$")
_AGE = r"(\d{1,2})\s*(?:周岁|岁)?"
_AGE_RANGE = re.compile(rf"^[\[(]?\s*{_AGE}\s*(?:{_DASHES}|,|、)\s*{_AGE}\s*[\])]?$")
_ONE_AGE = re.compile(rf"^{_AGE}$")
_SPLIT = re.compile(r"\s*[、，,；;]\s*")

MODES = {"first_come": ("先到先得", "先报先得", "先报名先得"), "lottery": ("摇号", "抽签", "抽号", "摇号抽签")}
STATUSES = {
    "published": ("发布", "已发布", "公开", "上线"),
    "draft": ("草稿", "未发布", "暂不发布"),
    "archived": ("归档", "已归档", "已结束", "下线"),
}
AUDIENCES = {"children": ("职工子女", "子女", "孩子", "儿童", "学生"), "workers": ("职工", "职工本人", "员工", "工人")}
TYPES = {"text": ("文字", "填空", "文本"), "yesno": ("是否", "是/否", "是或否", "判断"), "choice": ("单选", "选择", "选择题")}
TRUE = ("true", "yes", "on", "y", "是", "必填", "必答", "需要", "要", "对")
FALSE = ("false", "no", "off", "n", "否", "选填", "非必填", "可选", "不需要", "不要", "不必填")
FREE = ("免费", "不收费", "无", "无费用", "0元")


@dataclass
class Normalised:
    data: object
    notes: list = field(default_factory=list)  # (key path, message)
    problems: list = field(default_factory=list)  # (key path, message)


def half_width(text):
    """Full-width ASCII (０-９, Ａ-Ｚ, ：，－ and the ideographic space) as the keys on a plain keyboard."""
    return "".join(chr(ord(char) - 0xFEE0) if "！" <= char <= "～" else (" " if char == "\u3000" else char) for char in text)


def normalise(data):
    """Return a Normalised copy of the parsed YAML data."""
    result = Normalised(None)
    result.data = _walk(data, (), result)
    return result


def _pattern(path):
    return tuple("*" if isinstance(part, int) else part for part in path)


def _walk(value, path, out):
    handler = _FIELDS.get(_pattern(path))
    if handler is not None and value is not None:
        return handler(value, path, out)
    if isinstance(value, dict):
        return {key: _walk(item, path + (key,), out) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, path + (index,), out) for index, item in enumerate(value)]
    if isinstance(value, str):
        return _unquoted(value, path, out)
    return value


def _unquoted(text, path, out):
    """A value wrapped in Chinese quotes, “010-64700001”, means the text inside."""
    stripped = text.strip()
    if len(stripped) >= 2 and _QUOTES.get(stripped[0]) == stripped[-1]:
        inner = stripped[1:-1]
        if not any(mark in inner for pair in _QUOTES.items() for mark in pair):
            out.notes.append((path, f"{shown(path)} 两头的中文引号不算内容，已按“{inner.strip()}”读取"))
            return inner.strip()
    return text


def _plain(value, path, out):
    """Text of a structured value: Chinese quotes gone, full-width characters half-width."""
    if not isinstance(value, str):
        return value
    return half_width(_unquoted(value, path, out)).strip()


def _day_halves(text):
    """下午5:30 is 17:30; 上午 and 早上 change nothing. Only with a colon: 5点半 alone stays ambiguous."""

    def clock(found):
        hour = int(found[2])
        if found[1] in ("下午", "晚上") and hour < 12:
            hour += 12
        return f"{hour:02d}:{found[3]}"

    return re.sub(r"(上午|早上|中午|下午|晚上)\s*(\d{1,2}):(\d{2})", clock, text)


def _read_as(path, out, raw, value, canonical=None, meaning=""):
    """Return value; note what was read when the typed text is not already its canonical spelling."""
    canonical = str(value) if canonical is None else canonical
    raw = _without_quotes(str(raw).strip())
    if raw != canonical:
        wide = "（含全角字符）" if half_width(raw) != raw else ""
        out.notes.append((path, f"{shown(path)} 写的是“{raw}”{wide}，已按 {canonical}{meaning} 读取"))
    return value


def _without_quotes(text):
    """The Chinese quotes were noted on their own; the reading note quotes what was inside them."""
    if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1]:
        return text[1:-1].strip()
    return text


def _phone(value, path, out):
    text = _plain(value, path, out)
    return _read_as(path, out, value, text)


def _slug(value, path, out):
    text = _plain(value, path, out)
    if isinstance(text, str) and not re.match(SLUG, text):
        guess = re.sub(r"[\s_]+", "-", text.lower()).strip("-")
        if re.match(SLUG, guess):
            out.problems.append((path, f"{shown(path)} 只能用小写字母、数字和连字符，现在是“{value}”：是不是想写 {path[-1]}: {guess} ？"))
            return value
    return _read_as(path, out, value, text)


def _date(value, path, out):
    text = _plain(value, path, out)
    if not isinstance(text, str):
        return value
    day, problem = read_date(text)
    if problem:
        out.problems.append((path, f"{shown(path)} {problem}"))
        return value
    return _read_as(path, out, value, day, day.isoformat())


def read_date(text):
    """(date, None) or (None, the Chinese reason) for the ways people write a day."""
    weekday = _WEEKDAY.search(text)
    body = text[: weekday.start()].strip() if weekday else text
    found = _DATE.match(body) or _COMPACT_DATE.match(body)
    if not found:
        short = _NO_YEAR.match(body)
        if short:
            return None, f"缺少年份：请写成完整日期，如 2027-{int(short[1]):02d}-{int(short[2]):02d}"
        return None, f"不是有效的日期，应写成 YYYY-MM-DD，如 2027-01-25，现在是“{text}”"
    year, month, day = (int(part) for part in found.groups())
    written = f"{year}-{month:02d}-{day:02d}"
    if not 1 <= month <= 12:
        return None, f"不是有效的日期：{written} 不存在（没有 {month} 月）"
    try:
        value = date(year, month, day)
    except ValueError:
        last = _last_day(year, month)
        return None, f"不是有效的日期：{written} 不存在（{year} 年 {month} 月只有 {last} 天）"
    if weekday:
        named = "一二三四五六日".index(weekday[1].replace("天", "日"))
        if named != value.weekday():
            return None, f"{value.isoformat()} 是{weekday_name(value.weekday())}，不是{weekday_name(named)}：请核对日期"
    return value, None


def _last_day(year, month):
    for last in (31, 30, 29, 28):
        try:
            date(year, month, last)
            return last
        except ValueError:
            continue
    return 28


def _moment(end_of_day):
    def read(value, path, out):
        text = _plain(value, path, out)
        if not isinstance(text, str):
            return value
        text = _day_halves(text)
        offset = _OFFSET.search(text)
        zone = _zone(offset[1]) if offset else None
        text = text[: offset.start()] if offset else text
        clock = _CLOCK.search(text)
        day_text = text[: clock.start()].strip() if clock else text
        day, problem = read_date(day_text)
        if problem:
            message = problem if clock or not day_text else problem.replace("YYYY-MM-DD，如 2027-01-25", "2027-01-05 09:00")
            out.problems.append((path, f"{shown(path)} {message}"))
            return value
        if clock is None:
            moment = datetime.combine(day, END_OF_DAY if end_of_day else time(0, 0))
            label = "当天 23:59:59 截止读取：这一整天都能报名" if end_of_day else "当天 00:00 开始读取"
            out.notes.append((path, f"{shown(path)} 只写了日期，已按 {day.isoformat()} {label}"))
            return moment
        hour, minute, second = int(clock[1]), int(clock[2]), int(clock[3] or 0)
        if (hour, minute, second) == (24, 0, 0):
            moment = datetime.combine(day, END_OF_DAY)
            return _read_as(path, out, value, moment, f"{day.isoformat()} 23:59:59")
        if hour > 23 or minute > 59 or second > 59:
            out.problems.append((path, f"{shown(path)} 时间 {clock[0].strip()} 不存在，应写成 2027-01-05 09:00 这样"))
            return value
        moment = datetime.combine(day, time(hour, minute, second, int((clock[4] or "0").ljust(6, "0"))), tzinfo=zone)
        if zone is not None:
            return moment
        canonical = moment.strftime("%Y-%m-%d %H:%M" + (":%S" if second else ""))
        return _read_as(path, out, value, moment, canonical)

    return read


def _zone(text):
    """An explicit UTC offset (2026-12-02T03:54+08:00, as programs write it) is kept as written."""
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _time_range(value, path, out):
    text = _plain(value, path, out)
    if not isinstance(text, str):
        return value
    text = _day_halves(text)
    found = _TIME_RANGE.match(text)
    if not found:
        single = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
        if single:
            start = f"{int(single[1]):02d}:{single[2]}"
            out.problems.append((path, f"{shown(path)} 只写了一个时间“{text}”：要写开始和结束时间，如 time: {start}-17:30"))
        return value
    h1, m1, h2, m2 = found.groups()
    return _read_as(path, out, value, f"{int(h1):02d}:{m1}-{int(h2):02d}:{m2}")


def _days(value, path, out):
    text = _plain(value, path, out)
    if not isinstance(text, str):
        return value
    canonical = re.sub(r"\s*(?:以及|和|及|与|还有)\s*", "、", text)
    if re.match(r"^每(?:周|星期)(?![日天末])", canonical) or re.match(r"^每(?:周|星期)(?:[日天](?:$|、|至|到)|末$)", canonical):
        canonical = canonical[1:]
    try:
        parse_weekdays(canonical)
    except ValueError:
        return value
    return _read_as(path, out, value, canonical)


def _capacity(value, path, out):
    text = _plain(value, path, out)
    if not isinstance(text, str):
        return value
    found = re.match(r"^(?:限|共|最多)?\s*([-+]?\d+)\s*(?:人|名|位|个名额)?$", text)
    if found:
        return _read_as(path, out, value, int(found[1]))
    vague = re.match(r"^(?:约|大约|大概)?\s*(\d+)\s*(?:人|名|位)?\s*(?:左右|上下|以内|以下)?$", text)
    if vague:
        out.problems.append((path, f"{shown(path)} 要写确定的名额数，“{value}”说不准：是不是想写 capacity: {int(vague[1])} ？"))
    return value


def _ages(value, path, out):
    text = _plain(value, path, out) if isinstance(value, str) else value
    if isinstance(text, list) and len(text) == 1 and isinstance(text[0], str):
        text = half_width(text[0]).strip()
    if isinstance(text, str):
        found = _AGE_RANGE.match(text)
        if found:
            return _read_as(path, out, value, [int(found[1]), int(found[2])], f"[{int(found[1])}, {int(found[2])}]")
        above = re.match(r"^(\d{1,2})\s*(?:周岁|岁)?\s*(?:以上|及以上)$", text)
        below = re.match(r"^(\d{1,2})\s*(?:周岁|岁)?\s*(?:以下|及以下)$", text)
        if above or below:
            guess = f"[{above[1]}, {AGE_MAX}]" if above else f"[{AGE_MIN}, {below[1]}]"
            out.problems.append((path, f"{shown(path)} 要写最小和最大年龄：是不是想写 ages: {guess} ？"))
        return value
    if isinstance(text, list) and len(text) == 2 and all(isinstance(item, str) for item in text):
        found = [_ONE_AGE.match(half_width(item).strip()) for item in text]
        if all(found):
            ages = [int(match[1]) for match in found]
            raw = "[" + ", ".join(item.strip() for item in text) + "]"
            return _read_as(path, out, raw, ages, f"[{ages[0]}, {ages[1]}]")
    return value


def _fee(value, path, out):
    text = _plain(value, path, out)
    if not isinstance(text, str):
        return value
    if text in FREE:
        return _read_as(path, out, value, 0, "0", "（免费）")
    found = re.match(r"^[¥￥]?\s*(\d+(?:\.\d{1,2})?)\s*(?:元|块|元钱)?\s*(?:/人|每人|/位|一人)?$", text)
    if found:
        amount = float(found[1])
        amount = int(amount) if amount.is_integer() else amount
        return _read_as(path, out, value, amount, str(amount), "（元）")
    out.problems.append((path, f"{FEE_MESSAGE}，现在是“{value}”"))
    return value


def _choice(words):
    lookup = {word: key for key, aliases in words.items() for word in aliases}

    def read(value, path, out):
        text = _plain(value, path, out)
        if not isinstance(text, str):
            return value
        key = re.sub(r"[\s-]+", "_", text.lower())
        if key in words:
            return _read_as(path, out, value, key)
        if text in lookup:
            return _read_as(path, out, value, lookup[text], lookup[text], f"（{text}）")
        return value

    return read


def _offer_hours(value, path, out):
    """48, 48小时 or 48个小时: whole hours; anything else is left for the model to explain."""
    text = _plain(value, path, out)
    if not isinstance(text, str):
        return value
    found = re.match(r"^([-+]?\d+)\s*(?:个?小时|[hH])?$", text)
    return _read_as(path, out, value, int(found[1])) if found else value


def _boolean(value, path, out):
    text = _plain(value, path, out)
    if not isinstance(text, str):
        return value
    if text.lower() in TRUE:
        return _read_as(path, out, value, True, "true", "（是）")
    if text.lower() in FALSE:
        return _read_as(path, out, value, False, "false", "（否）")
    out.problems.append((path, f"{shown(path)} 只能写 true（是）或 false（否），也可以写“是”“否”，现在是“{value}”"))
    return value


def _words(value, path, out):
    """tags: [托管班、书法] is two tags: YAML only splits on the ASCII comma."""
    if isinstance(value, str) and re.fullmatch(r"\s*［.*］\s*", value):
        value = value.strip()[1:-1]
    items = value if isinstance(value, list) else [value]
    words = []
    for index, item in enumerate(items):
        where = path + (index,) if isinstance(value, list) else path
        item = _unquoted(item, where, out) if isinstance(item, str) else item
        if isinstance(item, str) and _SPLIT.search(item.strip()):
            parts = [part for part in _SPLIT.split(item.strip()) if part]
            out.notes.append((where, f"{shown(path)} “{item.strip()}”已按 {len(parts)} 项读取：{'、'.join(parts)}"))
            words.extend(parts)
        else:
            words.append(item)
    if isinstance(value, list) or len(words) > 1:
        return words
    return value


_FIELDS = {
    ("contact", "phone"): _phone,
    ("sessions", "*", "id"): _slug,
    ("registration", "questions", "*", "id"): _slug,
    ("sessions", "*", "start"): _date,
    ("sessions", "*", "end"): _date,
    ("sessions", "*", "time"): _time_range,
    ("sessions", "*", "days"): _days,
    ("sessions", "*", "capacity"): _capacity,
    ("registration", "opens"): _moment(end_of_day=False),
    ("registration", "closes"): _moment(end_of_day=True),
    ("registration", "mode"): _choice(MODES),
    ("registration", "siblings_together"): _boolean,
    ("registration", "offer_hours"): _offer_hours,
    ("registration", "questions", "*", "type"): _choice(TYPES),
    ("registration", "questions", "*", "required"): _boolean,
    ("registration", "questions", "*", "choices"): _words,
    ("status",): _choice(STATUSES),
    ("audience",): _choice(AUDIENCES),
    ("ages",): _ages,
    ("fee",): _fee,
    ("tags",): _words,
}
