"""The SMS texts: fixed templates with ${var} parameters, as providers require.

Aliyun and Tencent send only templates their staff approved, so the words
here are what docs/operations.md tells an operator to submit, and a sender
passes only the template code and the parameters. `{site}` is the part of
the template the operator writes in as their own address (e.g. bm.example.cn);
the result link's token is a parameter. Each text, sign included, fits one
SMS of 70 characters: `fit` shortens the class title (then the name) when a
long one would not.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

SMS_LENGTH = 70


@dataclass(frozen=True)
class Template:
    params: tuple
    text: str


LINK = "详情 {site}/s/${link}"
TEMPLATES = {
    "code": Template(("code",), "验证码${code}，5分钟内有效，仅用于托管班报名，请勿告诉他人。"),
    "confirmed": Template(("name", "cls", "session", "link"), "${name}已报名成功：${cls}（${session}）。" + LINK),
    "waitlisted": Template(
        ("name", "cls", "session", "position", "link"), "${name}已进入${cls}（${session}）候补第${position}位，补上后短信通知。" + LINK
    ),
    "promoted": Template(("name", "cls", "session", "link"), "${name}已从候补转为报名成功：${cls}（${session}）。" + LINK),
    "offered": Template(
        ("name", "cls", "session", "deadline", "link"), "${name}候补补上${cls}（${session}），请${deadline}前确认。" + LINK
    ),
    "offer_expired": Template(
        ("name", "cls", "session", "link"), "${name}的${cls}（${session}）候补名额已过确认期限，已让给下一位。" + LINK
    ),
    "drawn_won": Template(("cls", "session", "name", "link"), "${cls}（${session}）摇号结果：${name}中签，报名成功。" + LINK),
    "drawn_waitlisted": Template(
        ("cls", "session", "name", "position", "link"), "${cls}（${session}）摇号结果：${name}未中签，候补第${position}位。" + LINK
    ),
    "moved": Template(("name", "cls", "session", "result", "link"), "工作人员已将${name}转到${cls}（${session}）：${result}。" + LINK),
    "cancelled": Template(
        ("name", "cls", "session", "link"), "工作人员已取消${name}的报名：${cls}（${session}），有疑问请联系主办方。" + LINK
    ),
    "reminder": Template(("name", "cls", "session", "time", "link"), "提醒：${name}明天上${cls}（${session}），${time}。" + LINK),
}
LABELS = {
    "code": "验证码",
    "confirmed": "报名成功",
    "waitlisted": "进入候补",
    "promoted": "候补转为报名成功",
    "offered": "候补补上待确认",
    "offer_expired": "待确认名额已过期",
    "drawn": "摇号结果",
    "drawn_won": "摇号中签",
    "drawn_waitlisted": "摇号未中签",
    "moved": "转班",
    "cancelled": "工作人员取消",
    "reminder": "开课提醒",
}
MIN_TITLE = 4


def template_for(kind, payload):
    """The template key for an outbox message: a lottery result has two texts, won or waitlisted."""
    if kind == "drawn":
        return "drawn_won" if payload.get("status") == "confirmed" else "drawn_waitlisted"
    return kind


def site(public_url):
    """The address as an SMS shows it, without the scheme: bm.example.cn."""
    if not public_url:
        return ""
    parts = urlsplit(public_url if "//" in public_url else "//" + public_url)
    return (parts.netloc + parts.path).rstrip("/")


def render(key, params, sign, public_url):
    """The text as the phone shows it: 【sign】 then the template with its parameters."""
    text = TEMPLATES[key].text.replace("{site}", site(public_url))
    text = re.sub(r"\$\{(\w+)\}", lambda match: str(params.get(match.group(1), "")), text)
    return f"【{sign}】{text}"


def fit(key, params, sign, public_url):
    """`params` with the class title (then the name) shortened until the text fits one SMS."""
    params = dict(params)
    for field, shortest in (("cls", MIN_TITLE), ("name", MIN_TITLE), ("cls", 2), ("session", MIN_TITLE)):
        while field in params and len(render(key, params, sign, public_url)) > SMS_LENGTH and len(params[field]) > shortest:
            params[field] = params[field][: len(params[field]) - 2] + "…"
    return params


def result_words(status, position):
    return f"候补第{position}位" if status == "waitlisted" else {"confirmed": "报名成功", "lottery": "等待摇号"}.get(status, "已登记")
