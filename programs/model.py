"""The program model: what one YAML file under classes/ means.

This is the single definition of the format. The loader validates files
against it, the JSON Schema and the staff reference are generated from it,
the catalogue renders it and the enrolment app enforces it. Descriptions are
Chinese because staff read them in their editor and in the help pages.
"""

import re
from datetime import date, datetime, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    Strict,
    ValidationError,
    WrapValidator,
    field_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from .messages import CUSTOM
from .phones import is_contact_phone
from .weekdays import class_dates, parse_weekdays

SHANGHAI = ZoneInfo("Asia/Shanghai")
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
AGE_MIN, AGE_MAX = 3, 18
# registration.offer_hours: at least an hour to answer an offered place, at most a week.
OFFER_HOURS_MIN, OFFER_HOURS_MAX = 1, 168
PLACEHOLDER = "【待填写】"
# A `closes` written as a bare date keeps that whole day open for enrolment.
END_OF_DAY = time(23, 59, 59)


def _problem(kind, message, at=(), **context):
    """A rule broken inside one model; `at` is the key path, below the model, the line points to."""
    return PydanticCustomError(kind, message, {**context, "at": list(at)})


def _as_text(value):
    # YAML reads 13800138000 as a number; a phone is still a phone.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _contact_phone(value):
    if not is_contact_phone(value):
        raise _problem(
            "phone",
            "“{value}”不是有效的电话号码：请填写手机号、带区号的固话（如 010-84701234，分机写成 010-84701234转8012）或服务热线（如 12351、400-810-8888）",
            value=value,
        )
    return value


def _end_of_day(value):
    """closes: 2027-01-20 means registration is open all of the 20th, not until its first second."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            return value
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, END_OF_DAY)
    return value


def clock_suggestion(first, last):
    """08:30-05:30 is almost always 08:30-17:30: the end written on a 12-hour clock."""
    (h1, m1), (h2, m2) = first, last
    if h2 < 12 and (h1, m1) >= (h2, m2) and (h1, m1) < (h2 + 12, m2):
        return f"{h1:02d}:{m1:02d}-{h2 + 12:02d}:{m2:02d}"
    return None


def _aware(value):
    if value.tzinfo is None:
        return value.replace(tzinfo=SHANGHAI)
    return value


def _clock(text):
    found = re.fullmatch(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})", text)
    if not found:
        raise _problem("time", "时间应写成“08:30-17:30”这样的格式")
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise _problem("time", "时间“{text}”不存在", text=text)
    if (h1, m1) >= (h2, m2):
        guess = clock_suggestion((h1, m1), (h2, m2))
        if guess:
            raise _problem("time", "结束时间应晚于开始时间：是不是想写 time: {guess} ？", guess=guess)
        raise _problem("time", "结束时间应晚于开始时间")
    return text


def _weekdays(text):
    try:
        parse_weekdays(text)
    except ValueError:
        raise _problem("days", "上课日应写成“周一至周五”“周一、三、五”或“每天”") from None
    return text


def _unique_ids(what):
    """A wrap validator: duplicate ids are reported together with the items' own errors."""

    def check(items, handler):
        duplicates = list(_duplicates(items, what))
        try:
            validated = handler(items)
        except ValidationError as invalid:
            raise ValidationError.from_exception_data(invalid.title, _details(invalid) + duplicates) from None
        if duplicates:
            raise ValidationError.from_exception_data("Program", duplicates)
        return validated

    return WrapValidator(check)


def _duplicates(items, what):
    seen = {}
    for index, item in enumerate(items if isinstance(items, list) else []):
        key = item.get("id") if isinstance(item, dict) else None
        if not isinstance(key, str):
            continue
        if key in seen:
            error = _problem("duplicate", "{what}“{id}”重复（第 {first} 项已用过）", what=what, id=key, first=seen[key] + 1)
            yield InitErrorDetails(type=error, loc=(index, "id"), input=key)
        seen.setdefault(key, index)


def _details(invalid):
    details = []
    for error in invalid.errors():
        kind = error["type"]
        if kind in CUSTOM:
            kind = PydanticCustomError(kind, error["msg"], error.get("ctx"))
        details.append(InitErrorDetails(type=kind, loc=error["loc"], input=error["input"], ctx=error.get("ctx", {})))
    return details


Text = Annotated[str, Strict(), Field(min_length=1)]
Slug = Annotated[str, Strict(), Field(pattern=SLUG)]
WholeNumber = Annotated[int, Strict()]
Phone = Annotated[str, BeforeValidator(_as_text), Strict(), AfterValidator(_contact_phone)]
Moment = Annotated[datetime, AfterValidator(_aware)]


class Strictly(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Course(Strictly):
    name: Text = Field(description="课程名称，如“榫卯的智慧”")
    description: Text | None = Field(None, description="课程简介")
    teacher: Text | None = Field(None, description="授课老师")


class Location(Strictly):
    name: Text = Field(description="地点名称，如“康营家园拓堡成长馆”")
    address: Text = Field(description="详细地址")
    map_url: Annotated[str, Strict(), Field(pattern=r"^https?://\S+$")] | None = Field(
        None, description="地图链接（以 http:// 或 https:// 开头）"
    )


class Contact(Strictly):
    name: Text = Field(description="联系人姓名")
    phone: Phone = Field(description="联系电话：手机号、带区号的固话（分机写成 010-84701234转8012）或服务热线（如 12351）")


class Session(Strictly):
    id: Slug = Field(description="班次编号：小写字母、数字和连字符，在本班内唯一，如 week-1")
    name: Text = Field(description="班次名称，如“第一期”")
    start: date = Field(description="开始日期，格式 YYYY-MM-DD")
    end: date = Field(description="结束日期，格式 YYYY-MM-DD，不早于开始日期")
    capacity: WholeNumber = Field(ge=1, description="名额：不小于 1 的整数")
    days: Annotated[str, Strict(), AfterValidator(_weekdays)] | None = Field(
        None, description="上课日，如“周一至周五”“周一、三、五”或“每天”；不写表示每天"
    )
    time: Annotated[str, Strict(), AfterValidator(_clock)] | None = Field(None, description="每天的时间段，如“08:30-17:30”")

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end, info):
        start = info.data.get("start")
        if start and end < start:
            raise _problem("dates", "结束日期 {end} 早于开始日期 {start}", end=str(end), start=str(start))
        return end

    @property
    def weekdays(self):
        return parse_weekdays(self.days) if self.days else frozenset(range(7))

    def class_dates(self):
        return list(class_dates(self.start, self.end, self.weekdays))

    @property
    def hours(self):
        """(start, end) as datetime.time, or None when the session has no time."""
        if not self.time:
            return None
        first, last = self.time.split("-")
        return time.fromisoformat(first), time.fromisoformat(last)


class Question(Strictly):
    id: Slug = Field(description="问题编号：小写字母、数字和连字符，在本班内唯一")
    label: Text = Field(description="问题文字，如“是否需要午餐”")
    type: Literal["text", "yesno", "choice"] = Field(description="回答方式：text 文字、yesno 是/否、choice 单选（须同时填写 choices）")
    required: bool = Field(False, description="是否必答")
    choices: list[Text] | None = Field(None, min_length=1, validate_default=True, description="单选题的选项")

    @field_validator("choices")
    @classmethod
    def _choices_match_type(cls, choices, info):
        kind = info.data.get("type")
        if kind == "choice" and not choices:
            raise _problem("choices", "单选题（type: choice）必须填写 choices 选项")
        if kind and kind != "choice" and choices:
            raise _problem("choices", "只有单选题（type: choice）才能填写 choices")
        return choices


class Registration(Strictly):
    opens: Moment = Field(description="报名开始时间，如 2027-01-05 09:00（不写时区即北京时间）")
    closes: Annotated[Moment, BeforeValidator(_end_of_day)] = Field(
        description="报名截止时间，须晚于开始时间；只写日期表示当天 23:59:59 截止"
    )
    mode: Literal["first_come", "lottery"] = Field(description="报名方式：first_come 先到先得，lottery 摇号")
    eligibility: Text | None = Field(None, description="报名条件，如“朝阳区在职职工的子女”")
    questions: Annotated[list[Question], _unique_ids("问题编号")] = Field(default_factory=list, description="报名表上的附加问题")
    siblings_together: bool = Field(False, description="摇号时同一次报名的兄弟姐妹作为一组，一起中签或一起候补")
    verify_phone: bool | None = Field(None, description="报名前是否要用短信验证码核实手机号；不写则按系统设置（默认要核实）")
    offer_hours: WholeNumber | None = Field(
        None,
        ge=OFFER_HOURS_MIN,
        le=OFFER_HOURS_MAX,
        description=f"候补补上时给家长多少小时确认（{OFFER_HOURS_MIN} 到 {OFFER_HOURS_MAX} 的整数，最长 7 天）："
        "到期不确认或放弃，名额按顺序让给下一位；不写则补上即报名成功",
    )

    @field_validator("closes")
    @classmethod
    def _window(cls, closes, info):
        opens = info.data.get("opens")
        if opens and closes <= opens:
            raise _problem("window", "报名截止时间应晚于开始时间 {opens}", opens=opens.strftime("%Y-%m-%d %H:%M"))
        return closes

    def state(self, now):
        """not_open, open or closed: the window as a parent sees it at `now`."""
        if now < self.opens:
            return "not_open"
        if now >= self.closes:
            return "closed"
        return "open"


class Program(Strictly):
    title: Text = Field(max_length=60, description="班名，最多 60 个字")
    organizer: Text = Field(description="主办工会，如“望京街道总工会”；工作人员账号按它划分")
    district: Text = Field(description="区县或城市，如“北京市朝阳区”")
    street: Text | None = Field(None, description="街道或乡镇，如“望京街道”")
    audience: Literal["children", "workers"] = Field(description="面向谁：children 职工子女，workers 职工本人")
    ages: tuple[WholeNumber, WholeNumber] | None = Field(
        None,
        validate_default=True,
        description=f"适合年龄 [最小, 最大]，{AGE_MIN} 到 {AGE_MAX} 之间的整数，按班次开始日计算周岁；面向职工子女时必填",
    )
    summary: Text = Field(max_length=120, description="一句话介绍，最多 120 个字，用于卡片和分享")
    description: Text | None = Field(None, description="详细介绍，可用 Markdown")
    courses: list[Course] = Field(default_factory=list, description="课程内容")
    tags: list[Text] = Field(default_factory=list, description="标签，如 书法、非遗")
    location: Location = Field(description="上课地点")
    contact: Contact = Field(description="联系人")
    fee: Annotated[float, Strict(), Field(ge=0)] | Annotated[int, Strict(), Field(ge=0)] = Field(0, description="费用（元），0 表示免费")
    sessions: Annotated[list[Session], _unique_ids("班次编号")] = Field(min_length=1, description="班次，至少一个")
    registration: Registration = Field(description="报名设置")
    images: list[Text] = Field(default_factory=list, description="图片，写相对本文件的路径")
    status: Literal["draft", "published", "archived"] = Field("published", description="状态：draft 草稿，published 发布，archived 归档")

    _id: str = PrivateAttr("")
    _source: str = PrivateAttr("")
    _organizer_id: str = PrivateAttr("")  # the id in classes/organizers.yaml; staff are scoped by it

    @field_validator("ages")
    @classmethod
    def _age_range(cls, ages, info):
        if ages is None:
            if info.data.get("audience") == "children":
                raise _problem("ages_required", "面向职工子女（audience: children）时必须填写 ages，如 [6, 12]", beside="audience")
            return ages
        low, high = ages
        for index, age in enumerate(ages):
            if not AGE_MIN <= age <= AGE_MAX:
                raise _problem(
                    "age",
                    "年龄 {age} 超出范围：应在 {low} 到 {high} 岁之间",
                    [index],
                    age=age,
                    low=AGE_MIN,
                    high=AGE_MAX,
                )
        if low > high:
            raise _problem("age", "年龄范围写反了：最小年龄应不大于最大年龄，如 [6, 12]")
        return ages

    @property
    def id(self):
        return self._id

    @property
    def source(self):
        return self._source

    @property
    def organizer_id(self):
        return self._organizer_id or self.organizer

    def session(self, session_id):
        return next((s for s in self.sessions if s.id == session_id), None)

    def accepts_age(self, birthdate, session):
        """Whether a child born on birthdate is inside `ages` on the session's first day."""
        if self.ages is None:
            return True
        return self.ages[0] <= age_on(birthdate, session.start) <= self.ages[1]

    @property
    def first_start(self):
        return min(s.start for s in self.sessions)

    @property
    def last_end(self):
        return max(s.end for s in self.sessions)

    @property
    def places(self):
        return sum(s.capacity for s in self.sessions)


def age_on(birthdate, day):
    """Age in whole years on `day`, the way Chinese schools and unions count it."""
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day))
