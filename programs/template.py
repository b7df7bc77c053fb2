"""The starting file for `build.py new`: every key, each with a Chinese comment.

Values staff must supply are PLACEHOLDER, which `check` refuses, so a
half-filled template can never be published by accident.
"""

from datetime import date, timedelta

from .model import PLACEHOLDER

_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# 一个文件就是一个班。文件名 {program_id}.yaml 就是班级编号，发布后不要再改。
# 把所有“{p}”换成实际内容，然后运行：make check（预览网页：make serve）

title: {p}            # 班名，最多 60 个字，如：望京街道总工会寒假职工子女托管班
organizer: {p}        # 主办工会编号，见 classes/organizers.yaml，如 bj-chaoyang-wangjing（工作人员账号按它划分）
district: {p}         # 区县或城市，如：北京市朝阳区
street: {p}           # 街道或乡镇，如：望京街道；没有可删掉这一行
audience: children            # 面向谁：children 职工子女；workers 职工本人（夜校）
ages: [6, 12]                 # 适合年龄 [最小, 最大]，3 到 18 岁，按班次开始日算周岁；workers 班删掉这一行
summary: {p}          # 一句话介绍，最多 120 个字，会显示在卡片和微信分享里
description: |                # 详细介绍，可以写多段；不需要可删掉
  {p}
courses:                      # 课程内容，可写多门；不需要可删掉
  - name: {p}         # 课程名称
    description: {p}  # 课程简介（可删）
    teacher: {p}      # 授课老师（可删）
tags: [托管班]                # 标签，家长可按标签筛选，如 [书法, 非遗, 科技]
location:                     # 上课地点
  name: {p}           # 地点名称，如：望京街道职工之家
  address: {p}        # 详细地址
  # map_url: https://...      # 地图链接（可选）
contact:                      # 联系人
  name: {p}           # 姓名，如：王老师
  phone: {p}          # 手机号或带区号的固话，如 010-84701234
fee: 0                        # 每人费用（元）：免费写 0 或“免费”，收费写数字如 50
sessions:                     # 班次，至少一个；每个班次单独报名
  - id: session-1             # 班次编号：小写字母、数字和连字符，本班内不重复
    name: 第一期              # 班次名称
    start: {start}            # 开始日期 YYYY-MM-DD
    end: {end}              # 结束日期，不早于开始日期
    capacity: 30              # 名额：不小于 1 的整数
    days: 周一至周五          # 上课日，如“周一至周五”“周一、三、五”“每天”
    time: 08:30-17:30         # 每天的时间段
registration:                 # 报名设置
  opens: {opens} 09:00        # 报名开始时间（北京时间）
  closes: {closes} 17:00       # 报名截止时间，须晚于开始时间；只写日期表示当天 23:59:59 截止
  mode: first_come            # first_come 先到先得；lottery 摇号（报名截止后统一抽签）；也可直接写“先到先得”“摇号”
  eligibility: {p}    # 报名条件，如：辖区在职职工的子女；没有可删掉
  # offer_hours: 48           # 候补补上后留给家长确认的小时数（1～168）；不写则补上即报名成功
  questions: []               # 报名表上的附加问题，如：
  #  - id: lunch              # 问题编号：小写字母、数字和连字符
  #    label: 是否需要午餐     # 问题文字
  #    type: yesno            # text 文字；yesno 是/否；choice 单选（要写 choices）
  #    required: true         # 是否必答
images: []                    # 图片，写相对本文件的路径，如 [wangjing.jpg]
status: draft                 # draft 草稿（不公开）；published 发布；archived 归档
"""


def program_template(program_id, schema_path, today=None):
    today = today or date.today()
    opens = today + timedelta(days=7)
    start = today + timedelta(days=30)
    return _TEMPLATE.format(
        p=PLACEHOLDER,
        program_id=program_id,
        schema=schema_path,
        opens=opens.isoformat(),
        closes=(start - timedelta(days=3)).isoformat(),
        start=start.isoformat(),
        end=(start + timedelta(days=11)).isoformat(),
    )
