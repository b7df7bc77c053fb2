"""How audit events and their actors read to staff, in one sentence each."""

from ..capacity import STATUS_LABELS
from ..filters import deadline
from ..messaging import texts

ACTORS = {"parent": "家长", "api": "接口"}


def actor(name):
    if not name:
        return "系统"
    kind, _, who = name.partition(":")
    if kind == "staff":
        return f"工作人员 {who}"
    if kind == "cli":
        return f"命令行（{who}）"
    if kind == "system":
        return "系统"
    return ACTORS.get(name, name)


def _status(detail, key="status"):
    return STATUS_LABELS[detail[key]] if detail.get(key) else ""


def _deadline(detail):
    return deadline(detail["until"]) if detail.get("until") else "期限"


def event(item):
    """The event as a sentence: what happened, with the detail that matters."""
    detail = item.detail
    sentences = {
        "enrolled": lambda: f"报名：{_status(detail)}",
        "cancelled": lambda: f"取消报名（原为{_status(detail, 'from')}）",
        "promoted": lambda: "候补补上，报名成功",
        "offered": lambda: f"候补补上，名额留到 {_deadline(detail)} 等家长确认",
        "offer_accepted": lambda: "家长确认了补上的名额，报名成功",
        "offer_declined": lambda: "家长放弃了补上的名额，名额顺延给下一位",
        "offer_expired": lambda: f"补上的名额到 {_deadline(detail)} 没有确认，名额顺延给下一位",
        "queued_first": lambda: f"提到候补第 1 位（原为第 {detail.get('from')} 位）",
        "moved_out": lambda: f"转到班次 {detail.get('to')}",
        "moved_in": lambda: f"从班次 {detail.get('from')} 转入：{_status(detail)}",
        "present": lambda: f"{detail.get('day')} 签到：到",
        "absent": lambda: f"{detail.get('day')} 签到：缺席",
        "viewed": lambda: "查看个人信息（完整手机号）",
        "searched": lambda: f"搜索名单：“{detail.get('q')}”，找到 {detail.get('found')} 人",
        "exported": lambda: f"导出名单（{detail.get('format', '').upper()}，{detail.get('people')} 人）",
        "drawn": lambda: f"摇号结果：{_status(detail)}，顺序第 {detail.get('rank')} 位",
        "queued_after_draw": lambda: "摇号后报名，排在摇号候补后面",
        "lottery_drawn": lambda: f"公开摇号（{detail.get('entries')} 人参加）",
        "capacity_changed": lambda: f"名额由 {detail.get('from')} 改为 {detail.get('to')}",
        "program_published": lambda: f"{'新建' if detail.get('created') else '修改'}并发布班级文件 {detail.get('path')}",
        "staff_account_created": lambda: f"新建账号 {detail.get('username')}" + _admin_scope(detail),
        "staff_account_disabled": lambda: f"停用账号 {detail.get('username')}",
        "staff_password_reset": lambda: f"重设账号 {detail.get('username')} 的密码",
        "staff_password_changed": lambda: f"{detail.get('username')} 修改了自己的密码",
        "purged": lambda: f"清除个人信息（{detail.get('people')} 人）",
        "purged_cancelled": lambda: f"清除已取消报名的个人信息（{detail.get('people')} 人）",
        "erased": lambda: "家长要求删除，个人信息已清除",
    }
    sentence = sentences.get(item.action)
    return sentence() if sentence else item.action


def sms_kind(kind, payload=None):
    """What an SMS was about, as staff read it (a lottery result says won or not)."""
    return texts.LABELS.get(texts.template_for(kind, payload or {}), kind)


def _admin_scope(detail):
    if not detail.get("admin"):
        return ""
    return f"（区总工会管理员：{detail['district']}）" if detail.get("district") else "（总管理员，全部区县）"
