"""Natural ways staff write a program file, each with what it must mean.

Every variant is one edit of BASE: typed Chinese forms, YAML slips, files
saved under the wrong name. Each says what `check` must do with it: read it
with the intended value, refuse it at its line with a message naming the
fix, or pass it with a warning at its line. classify() runs only the public
`build.py check` and load_catalogue(), so the same table measures any
checkout of the project:

    .venv/bin/python tests/foundation/natural_corpus.py            # this checkout
    PYTHONPATH=/path/to/old/checkout .venv/bin/python tests/foundation/natural_corpus.py
"""

import contextlib
import io
import re
import sys
import tempfile
import textwrap
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

BASE = textwrap.dedent("""\
    title: 望京街道总工会寒假职工子女托管班
    organizer: 望京街道总工会
    district: 北京市朝阳区
    street: 望京街道
    audience: children
    ages: [6, 12]
    summary: 基础托管加特色拓展
    tags: [托管班, 书法]
    location:
      name: 望京街道职工之家
      address: 北京市朝阳区望京街道
    contact:
      name: 王老师
      phone: 010-64700001
    fee: 0
    sessions:
      - id: week-1
        name: 第一期
        start: 2027-01-25
        end: 2027-01-29
        capacity: 30
        days: 周一至周五
        time: 08:30-17:30
    registration:
      opens: 2026-11-20 09:00
      closes: 2027-01-20 17:00
      mode: first_come
      siblings_together: false
      questions:
        - id: lunch
          label: 是否需要午餐
          type: yesno
          required: true
        - id: size
          label: 衣服尺码
          type: choice
          choices: [S, M, L]
    status: published
    """)

READ, HELPFUL, UNHELPFUL, MISREAD = "read as meant", "refused helpfully", "refused unhelpfully", "read with a different meaning"
OUTCOMES = (READ, HELPFUL, UNHELPFUL, MISREAD)
ENGLISH = re.compile(r"[A-Za-z]{3,}[ ,']+[A-Za-z]{3,}[ ,']+[A-Za-z]{3,}")


@dataclass(frozen=True)
class Read:
    getter: str  # dotted path on the Program, e.g. sessions.0.capacity
    value: object


@dataclass(frozen=True)
class Refuse:
    fragment: str  # part of the Chinese message that names the fix
    line: int = 0  # 0: the line the edit starts on


@dataclass(frozen=True)
class Warn:
    fragment: str
    line: int = 0


@dataclass(frozen=True)
class Variant:
    id: str
    old: str
    new: str
    expect: object
    name: str = "wangjing-2027-winter.yaml"

    @property
    def text(self):
        assert self.old in BASE, self.old
        return BASE.replace(self.old, self.new, 1)

    @property
    def line(self):
        wanted = getattr(self.expect, "line", 0)
        return wanted or BASE[: BASE.index(self.old)].count("\n") + 1


def V(id, old, new, expect, **more):
    return Variant(id, old, new, expect, **more)


ON_TIME = "2027-01-20 23:59:59"
CORPUS = [
    # 1. Scalars come from the text typed, never YAML 1.1 octal, sexagesimal, hex or booleans.
    V("phone-leading-zero-octal", "phone: 010-64700001", "phone: 02251660774", Read("contact.phone", "02251660774")),
    V("phone-bare-mobile", "phone: 010-64700001", "phone: 13800138000", Read("contact.phone", "13800138000")),
    V("time-sexagesimal", "time: 08:30-17:30", "time: 8:30-17:30", Read("sessions.0.time", "08:30-17:30")),
    V("time-start-only-sexagesimal", "time: 08:30-17:30", "time: 8:30", Refuse("要写开始和结束时间，如 time: 08:30-17:30")),
    V("time-single-digit-hours", "time: 08:30-17:30", "time: 8:30-9:45", Read("sessions.0.time", "08:30-09:45")),
    V("session-id-digits", "id: week-1", "id: 1", Read("sessions.0.id", "1")),
    V("choices-yes-no", "choices: [S, M, L]", "choices: [yes, no]", Read("registration.questions.1.choices", ["yes", "no"])),
    V("summary-digits", "summary: 基础托管加特色拓展", "summary: 2027", Read("summary", "2027")),
    V("capacity-leading-zero", "capacity: 30", "capacity: 030", Read("sessions.0.capacity", 30)),
    V("capacity-hex", "capacity: 30", "capacity: 0x1E", Refuse("应是不小于 1 的整数")),
    V("capacity-underscore", "capacity: 30", "capacity: 3_0", Refuse("应是不小于 1 的整数")),
    # 2. Dates as people write them.
    V("date-full-width", "start: 2027-01-25", "start: ２０２７－０１－２５", Read("sessions.0.start", date(2027, 1, 25))),
    V("date-chinese", "start: 2027-01-25", "start: 2027年1月25日", Read("sessions.0.start", date(2027, 1, 25))),
    V("date-slashes", "start: 2027-01-25", "start: 2027/1/25", Read("sessions.0.start", date(2027, 1, 25))),
    V("date-dots", "start: 2027-01-25", "start: 2027.1.25", Read("sessions.0.start", date(2027, 1, 25))),
    V("date-short-month", "start: 2027-01-25", "start: 2027-1-25", Read("sessions.0.start", date(2027, 1, 25))),
    V("date-with-weekday", "start: 2027-01-25", "start: 2027-01-25（周一）", Read("sessions.0.start", date(2027, 1, 25))),
    V("date-compact", "end: 2027-01-29", "end: 20270129", Read("sessions.0.end", date(2027, 1, 29))),
    V("date-wrong-weekday", "start: 2027-01-25", "start: 2027-01-25（周二）", Refuse("2027-01-25 是周一，不是周二")),
    V("date-impossible", "start: 2027-01-25", "start: 2027-02-30", Refuse("2027-02-30 不存在")),
    V("date-month-13", "end: 2027-01-29", "end: 2027-13-01", Refuse("不存在")),
    V("date-without-year", "start: 2027-01-25", "start: 1月25日", Refuse("缺少年份")),
    V("date-words", "start: 2027-01-25", "start: 下周一", Refuse("应写成 YYYY-MM-DD")),
    # Times of day.
    V("time-full-width-colons", "time: 08:30-17:30", "time: 08：30-17：30", Read("sessions.0.time", "08:30-17:30")),
    V("time-wave-dash", "time: 08:30-17:30", "time: 8:30～17:30", Read("sessions.0.time", "08:30-17:30")),
    V("time-zhi", "time: 08:30-17:30", "time: 08:30至17:30", Read("sessions.0.time", "08:30-17:30")),
    V("time-em-dash", "time: 08:30-17:30", "time: 08:30—17:30", Read("sessions.0.time", "08:30-17:30")),
    V("time-spaced-dash", "time: 08:30-17:30", "time: 08:30 - 17:30", Read("sessions.0.time", "08:30-17:30")),
    V("time-full-width-digits", "time: 08:30-17:30", "time: ０８:３０-１７:３０", Read("sessions.0.time", "08:30-17:30")),
    V("time-twelve-hour-end", "time: 08:30-17:30", "time: 08:30-05:30", Refuse("是不是想写 time: 08:30-17:30")),
    V("time-morning-afternoon", "time: 08:30-17:30", "time: 上午8:30-下午5:30", Read("sessions.0.time", "08:30-17:30")),
    V("closes-afternoon", "closes: 2027-01-20 17:00", "closes: 2027-01-20 下午5:00", Read("registration.closes", "2027-01-20 17:00:00")),
    V("time-words", "time: 08:30-17:30", "time: 8点半到5点半", Refuse("时间应写成“08:30-17:30”")),
    # Registration window.
    V("opens-chinese-date", "opens: 2026-11-20 09:00", "opens: 2026年11月20日 9:00", Read("registration.opens", "2026-11-20 09:00:00")),
    V("opens-slashes", "opens: 2026-11-20 09:00", "opens: 2026/11/20 9:00", Read("registration.opens", "2026-11-20 09:00:00")),
    V("opens-iso-t", "opens: 2026-11-20 09:00", "opens: 2026-11-20T09:00", Read("registration.opens", "2026-11-20 09:00:00")),
    V("opens-full-width-colon", "opens: 2026-11-20 09:00", "opens: 2026-11-20 09：00", Read("registration.opens", "2026-11-20 09:00:00")),
    V("opens-date-only", "opens: 2026-11-20 09:00", "opens: 2026-11-20", Read("registration.opens", "2026-11-20 00:00:00")),
    V("closes-date-only-is-end-of-day", "closes: 2027-01-20 17:00", "closes: 2027-01-20", Read("registration.closes", ON_TIME)),
    V("closes-chinese-date-only", "closes: 2027-01-20 17:00", "closes: 2027年1月20日", Read("registration.closes", ON_TIME)),
    V("closes-24-00", "closes: 2027-01-20 17:00", "closes: 2027-01-20 24:00", Read("registration.closes", ON_TIME)),
    V("closes-hour-25", "closes: 2027-01-20 17:00", "closes: 2027-01-20 25:00", Refuse("不存在")),
    V("closes-unix-like-digits", "closes: 2027-01-20 17:00", "closes: 1800000000", Refuse("不是有效的日期")),
    # Class days.
    V("days-every-week", "days: 周一至周五", "days: 每周二、周四", Read("sessions.0.weekdays", [1, 3])),
    V("days-and", "days: 周一至周五", "days: 周二和周四", Read("sessions.0.weekdays", [1, 3])),
    V("days-every-week-range", "days: 周一至周五", "days: 每周一至周五", Read("sessions.0.weekdays", [0, 1, 2, 3, 4])),
    V("days-dao", "days: 周一至周五", "days: 周一到周五", Read("sessions.0.weekdays", [0, 1, 2, 3, 4])),
    V("days-xingqi", "days: 周一至周五", "days: 星期一至星期五", Read("sessions.0.weekdays", [0, 1, 2, 3, 4])),
    V("days-list", "days: 周一至周五", "days: 周一、三、五", Read("sessions.0.weekdays", [0, 2, 4])),
    V("days-every-weekend", "days: 周一至周五", "days: 每周末", Warn("一次课也没有")),
    V("days-outside-dates", "days: 周一至周五", "days: 周六、周日", Warn("一次课也没有")),
    V("days-reversed", "days: 周一至周五", "days: 周五至周一", Refuse("上课日应写成")),
    # Capacity.
    V("capacity-ren", "capacity: 30", "capacity: 30人", Read("sessions.0.capacity", 30)),
    V("capacity-ming", "capacity: 30", "capacity: 30名", Read("sessions.0.capacity", 30)),
    V("capacity-quoted", "capacity: 30", 'capacity: "30"', Read("sessions.0.capacity", 30)),
    V("capacity-full-width", "capacity: 30", "capacity: ３０", Read("sessions.0.capacity", 30)),
    V("capacity-spaced-ren", "capacity: 30", "capacity: 30 人", Read("sessions.0.capacity", 30)),
    V("capacity-limit", "capacity: 30", "capacity: 限30人", Read("sessions.0.capacity", 30)),
    V("capacity-about", "capacity: 30", "capacity: 约30人", Refuse("是不是想写 capacity: 30")),
    V("capacity-chinese-number", "capacity: 30", "capacity: 三十", Refuse("应是不小于 1 的整数")),
    # Ages.
    V("ages-range-sui", "ages: [6, 12]", "ages: 6-12岁", Read("ages", [6, 12])),
    V("ages-dao", "ages: [6, 12]", "ages: 6到12", Read("ages", [6, 12])),
    V("ages-list-sui", "ages: [6, 12]", "ages: [6岁, 12岁]", Read("ages", [6, 12])),
    V("ages-full-width-comma", "ages: [6, 12]", "ages: [6，12]", Read("ages", [6, 12])),
    V("ages-full-width-brackets", "ages: [6, 12]", "ages: ［6，12］", Read("ages", [6, 12])),
    V("ages-wave", "ages: [6, 12]", "ages: 6～12岁", Read("ages", [6, 12])),
    V("ages-zhi-zhousui", "ages: [6, 12]", "ages: 6至12周岁", Read("ages", [6, 12])),
    V("ages-open-ended", "ages: [6, 12]", "ages: 6岁以上", Refuse("是不是想写 ages: [6, 18]")),
    # Fee.
    V("fee-free", "fee: 0", "fee: 免费", Read("fee", 0)),
    V("fee-zero-yuan", "fee: 0", "fee: 0元", Read("fee", 0)),
    V("fee-yuan", "fee: 0", "fee: 50元", Read("fee", 50)),
    V("fee-per-person", "fee: 0", "fee: 50元/人", Read("fee", 50)),
    V("fee-yen-sign", "fee: 0", "fee: ￥50", Read("fee", 50)),
    V("fee-decimal", "fee: 0", "fee: 50.5", Read("fee", 50.5)),
    V("fee-per-day", "fee: 0", "fee: 50元/天", Refuse("免费写 0")),
    V("fee-negative", "fee: 0", "fee: -5", Refuse("免费写 0")),
    # Chinese words for enums and booleans.
    V("mode-first-come-chinese", "mode: first_come", "mode: 先到先得", Read("registration.mode", "first_come")),
    V("mode-lottery-chinese", "mode: first_come", "mode: 摇号", Read("registration.mode", "lottery")),
    V("mode-hyphen-capitals", "mode: first_come", "mode: First-Come", Read("registration.mode", "first_come")),
    V("mode-typo", "mode: first_come", "mode: lotery", Refuse("是不是想写 mode: lottery")),
    V("status-published-chinese", "status: published", "status: 发布", Read("status", "published")),
    V("status-archived-chinese", "status: published", "status: 归档", Read("status", "archived")),
    V("status-draft-chinese", "status: published", "status: 草稿", Warn("不会出现在网站上")),
    V("audience-chinese", "audience: children", "audience: 职工子女", Read("audience", "children")),
    V("audience-workers-chinese", "audience: children", "audience: 职工", Read("audience", "workers")),
    V("question-type-chinese", "type: yesno", "type: 是否", Read("registration.questions.0.type", "yesno")),
    V("required-shi", "required: true", "required: 是", Read("registration.questions.0.required", True)),
    V("required-fou", "required: true", "required: 否", Read("registration.questions.0.required", False)),
    V("required-bitian", "required: true", "required: 必填", Read("registration.questions.0.required", True)),
    V("required-yes", "required: true", "required: yes", Read("registration.questions.0.required", True)),
    V("siblings-fou", "siblings_together: false", "siblings_together: 否", Read("registration.siblings_together", False)),
    V("required-maybe", "required: true", "required: 也许", Refuse("true（是）或 false（否）")),
    # Lists separated the Chinese way.
    V("tags-dunhao", "tags: [托管班, 书法]", "tags: [托管班、书法]", Read("tags", ["托管班", "书法"])),
    V("tags-full-width-comma", "tags: [托管班, 书法]", "tags: [托管班，书法]", Read("tags", ["托管班", "书法"])),
    V("tags-plain-text", "tags: [托管班, 书法]", "tags: 托管班、书法", Read("tags", ["托管班", "书法"])),
    V("tags-full-width-brackets", "tags: [托管班, 书法]", "tags: ［托管班，书法］", Read("tags", ["托管班", "书法"])),
    V("tag-item-hashtag", "tags: [托管班, 书法]", "tags:\n  - 托管班\n  - #书法", Refuse('是不是想写 - "#书法"', line=10)),
    V("choices-dunhao", "choices: [S, M, L]", "choices: [S、M、L]", Read("registration.questions.1.choices", ["S", "M", "L"])),
    # Contact phones staff publish.
    V("phone-400", "phone: 010-64700001", "phone: 400-810-8888", Read("contact.phone", "400-810-8888")),
    V("phone-95598", "phone: 010-64700001", "phone: 95598", Read("contact.phone", "95598")),
    V("phone-12351", "phone: 010-64700001", "phone: 12351", Read("contact.phone", "12351")),
    V("phone-extension", "phone: 010-64700001", "phone: 010-64700001转8012", Read("contact.phone", "010-64700001转8012")),
    V("phone-curly-quotes", "phone: 010-64700001", "phone: “010-64700001”", Read("contact.phone", "010-64700001")),
    V("phone-full-width", "phone: 010-64700001", "phone: ０１０-６４７００００１", Read("contact.phone", "010-64700001")),
    V("phone-too-short", "phone: 010-64700001", "phone: 1234", Refuse("不是有效的电话号码")),
    # Quotes and comments.
    V(
        "title-curly-quotes",
        "title: 望京街道总工会寒假职工子女托管班",
        "title: “望京街道总工会寒假职工子女托管班”",
        Read("title", "望京街道总工会寒假职工子女托管班"),
    ),
    V(
        "summary-hashtag",
        "summary: 基础托管加特色拓展",
        "summary: 第2期 #寒假托管 火热报名中",
        Refuse('是不是想写 summary: "第2期 #寒假托管 火热报名中"'),
    ),
    V(
        "summary-one-space-comment",
        "summary: 基础托管加特色拓展",
        "summary: 第2期 # 寒假托管",
        Warn('如果它是内容，请给整个值加引号：summary: "第2期 # 寒假托管"'),
    ),
    V(
        "summary-real-comment",
        "summary: 基础托管加特色拓展",
        "summary: 基础托管加特色拓展   # 备注：别删",
        Read("summary", "基础托管加特色拓展"),
    ),
    # 3. YAML slips, each at its own line.
    V("full-width-colon-after-key", "title: 望京", "title：望京", Read("title", "望京街道总工会寒假职工子女托管班")),
    V("no-space-after-colon", "title: 望京", "title:望京", Read("title", "望京街道总工会寒假职工子女托管班")),
    V("no-space-after-colon-nested", "capacity: 30", "capacity:30", Read("sessions.0.capacity", 30)),
    V("dash-without-space", "  - id: week-1", "  -id: week-1", Read("sessions.0.id", "week-1")),
    V("full-width-space-indent", "    capacity: 30", "\u3000\u3000capacity: 30", Refuse("全角空格")),
    V("tab-indent", "    capacity: 30", "\tcapacity: 30", Refuse("制表符（Tab）")),
    V("value-starts-with-bracket", "summary: 基础托管加特色拓展", "summary: [新] 寒假托管", Refuse('是不是想写 summary: "[新] 寒假托管"')),
    V("value-starts-with-star", "summary: 基础托管加特色拓展", "summary: *限时* 寒假托管", Refuse('是不是想写 summary: "*限时* 寒假托管"')),
    V("value-starts-with-at", "summary: 基础托管加特色拓展", "summary: @望京 寒假托管", Refuse('是不是想写 summary: "@望京 寒假托管"')),
    V("value-starts-with-ampersand", "summary: 基础托管加特色拓展", "summary: &托管 寒假", Refuse('是不是想写 summary: "&托管 寒假"')),
    V("value-starts-with-gt", "summary: 基础托管加特色拓展", "summary: >50人报名即开班", Refuse('是不是想写 summary: ">50人报名即开班"')),
    V("value-starts-with-dash", "summary: 基础托管加特色拓展", "summary: - 寒假托管", Refuse('是不是想写 summary: "- 寒假托管"')),
    V("value-with-colon-space", "summary: 基础托管加特色拓展", "summary: 须知: 自带水杯", Refuse('是不是想写 summary: "须知: 自带水杯"')),
    V(
        "value-unclosed-quote",
        "summary: 基础托管加特色拓展",
        'summary: "基础托管加特色拓展',
        Refuse('是不是想写 summary: "基础托管加特色拓展"'),
    ),
    V("value-quote-then-text", "summary: 基础托管加特色拓展", 'summary: "火热"报名中', Refuse("""是不是想写 summary: '"火热"报名中'""")),
    # 4. Messages a non-programmer can act on.
    V("title-empty", "title: 望京街道总工会寒假职工子女托管班", "title:", Refuse("title（班名） 没有填写")),
    V(
        "location-one-line",
        "location:\n  name: 望京街道职工之家\n  address: 北京市朝阳区望京街道\n",
        "location: 望京街道职工之家\n",
        Refuse("要分行写 name（地点名称） 和 address（详细地址）"),
    ),
    V("location-missing-address", "  address: 北京市朝阳区望京街道\n", "", Refuse("缺少必填项 address（详细地址）", line=9)),
    V("contact-missing-phone", "  phone: 010-64700001\n", "", Refuse("缺少必填项 phone（联系电话）", line=12)),
    V("session-id-full-width", "id: week-1", "id: ｗｅｅｋ－１", Read("sessions.0.id", "week-1")),
    V("session-id-capitals", "id: week-1", "id: Week-1", Refuse("是不是想写 id: week-1")),
    V("key-in-chinese", "title: 望京", "班名: 望京", Refuse("键要用英文：“班名”请写成 title")),
    V("nested-key-in-chinese", "  address: 北京市朝阳区望京街道", "  详细地址: 北京市朝阳区望京街道", Refuse("“详细地址”请写成 address")),
    V("key-full-width-letters", "title: 望京", "ｔｉｔｌｅ: 望京", Refuse("全角")),
    # 5. Files check would not read.
    V(
        "saved-as-yaml-txt",
        "title: 望京",
        "title: 望京",
        Refuse("请改名为 wangjing-2027-winter.yaml", line=1),
        name="wangjing-2027-winter.yaml.txt",
    ),
    V(
        "saved-as-capital-yaml",
        "title: 望京",
        "title: 望京",
        Refuse("请改名为 wangjing-2027-winter.yaml", line=1),
        name="wangjing-2027-winter.YAML",
    ),
    V("saved-as-yml", "title: 望京", "title: 望京", Refuse("扩展名应为 .yaml", line=1), name="wangjing-2027-winter.yml"),
    V("left-in-draft", "status: published", "status: draft", Warn("不会出现在网站上")),
]


@dataclass
class Answer:
    code: int
    out: list
    path: Path
    program: object


def run(variant, root):
    """Write the variant into a fresh classes/ under root and answer with check's output and the program read."""
    import build
    from programs.loader import load_catalogue

    classes = Path(root) / "classes"
    path = classes / "beijing-chaoyang" / variant.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(variant.text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = build.main(["check", "--classes", str(classes)])
        programs = load_catalogue(classes).programs
    return Answer(code, out.getvalue().splitlines(), path, programs[0] if programs else None)


def value_at(program, getter):
    value = program
    for part in getter.split("."):
        value = value[int(part)] if part.isdigit() else getattr(value, part)
    if isinstance(value, (tuple, frozenset, set)):
        return sorted(value) if isinstance(value, (frozenset, set)) else list(value)
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    return value


def at_line(answer, line, level=""):
    prefix = f"{answer.path}:{line}: {level}"
    return [text for text in answer.out if text.startswith(prefix)]


def classify(variant, answer):
    """One of OUTCOMES, judged from check's exit code, its output and the program it read."""
    expect = variant.expect
    if answer.code == 0 and "全部通过" in "".join(answer.out) and answer.program is None:
        return MISREAD
    if answer.code == 0:
        if isinstance(expect, Read):
            same = answer.program is not None and value_at(answer.program, expect.getter) == expect.value
            return READ if same else MISREAD
        if isinstance(expect, Warn):
            warned = any(expect.fragment in text for text in at_line(answer, variant.line, "注意："))
            return READ if warned else MISREAD
        return MISREAD
    lines = at_line(answer, variant.line)
    helpful = [
        text for text in lines if re.search(r"[\u4e00-\u9fff]", text) and not ENGLISH.search(text) and _quotes_what_was_typed(variant, text)
    ]
    return HELPFUL if helpful else UNHELPFUL


def _quotes_what_was_typed(variant, text):
    """A message that says 现在是“510” about a line reading 8:30 sends staff looking for a value they never wrote."""
    typed = variant.text.splitlines()[variant.line - 1] if variant.line <= len(variant.text.splitlines()) else ""
    return all(quoted in typed for quoted in re.findall(r"现在是“([^”]*)”", text))


def meets_expectation(variant, answer):
    """Stricter than classify: the exact value, or the message naming the fix at the exact line."""
    expect = variant.expect
    if isinstance(expect, Read):
        return classify(variant, answer) == READ
    if isinstance(expect, Warn):
        return answer.code == 0 and classify(variant, answer) == READ
    lines = at_line(answer, variant.line)
    return answer.code == 1 and any(expect.fragment in text and not ENGLISH.search(text) for text in lines)


def measure():
    counts, rows = Counter(), []
    for variant in CORPUS:
        with tempfile.TemporaryDirectory() as root:
            answer = run(variant, root)
        outcome = classify(variant, answer)
        counts[outcome] += 1
        rows.append((variant.id, outcome))
    return counts, rows


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[2]))
    counts, rows = measure()
    for variant_id, outcome in rows:
        if outcome != READ and "-v" in sys.argv:
            print(f"{outcome:32} {variant_id}")
    print(f"{len(CORPUS)} variants: " + ", ".join(f"{counts[o]} {o}" for o in OUTCOMES))
