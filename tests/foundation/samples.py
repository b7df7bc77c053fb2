"""A valid program file and a way to break exactly one thing in it."""

import textwrap

VALID = textwrap.dedent("""\
    title: 望京街道总工会寒假职工子女托管班
    organizer: 望京街道总工会
    district: 北京市朝阳区
    street: 望京街道
    audience: children
    ages: [6, 12]
    summary: 基础托管+特色拓展
    location:
      name: 望京街道职工之家
      address: 北京市朝阳区望京街道
    contact:
      name: 王老师
      phone: 010-64700001
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
      questions:
        - id: lunch
          label: 是否需要午餐
          type: yesno
    """)


def broken(change_from, change_to):
    assert change_from in VALID, change_from
    return VALID.replace(change_from, change_to, 1)
