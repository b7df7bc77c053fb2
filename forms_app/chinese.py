"""How dates, times and statuses read to a parent."""
WEEKDAYS = "一二三四五六日"

STATUS_LABELS = {
    "confirmed": "报名成功",
    "waitlisted": "候补中",
    "lottery": "已登记，等待摇号",
    "cancelled": "已取消",
}


def day(value):
    return f"{value.year}年{value.month}月{value.day}日"


def day_with_weekday(value):
    return f"{day(value)}（周{WEEKDAYS[value.weekday()]}）"


def moment(value):
    return f"{day(value)} {value:%H:%M}"


def status_label(status):
    return STATUS_LABELS[status]
