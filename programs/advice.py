"""Warnings about programs that pass every rule but are probably not what staff meant.

A draft is valid and a session may legally fall on no class day, but a
program nobody will see, or a session with no lessons, is almost always a
slip. These are printed by `check` and `build` and do not fail them.
"""

from .weekdays import weekday_name


def advise(program):
    """Yield (key path, Chinese warning) for one valid program."""
    if program.status == "draft":
        yield ("status",), "status 是 draft（草稿）：这个班不会出现在网站上；要发布请改成 status: published"
    for index, session in enumerate(program.sessions):
        if session.class_dates():
            continue
        days = "、".join(weekday_name(day) for day in sorted(session.weekdays))
        where = ("sessions", index, "days") if session.days else ("sessions", index, "start")
        yield (
            where,
            (
                f"sessions[{index}]（{session.name}）从 {session.start} 到 {session.end} 没有一天是{days}，"
                "这个班次一次课也没有：请核对 days（上课日）和起止日期"
            ),
        )
