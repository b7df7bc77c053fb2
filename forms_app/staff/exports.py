"""A session's roster as CSV or Excel, with Chinese headers, every export logged.

The CSV starts with a byte-order mark: without it Excel on Windows reads the
UTF-8 as GBK and shows mojibake. Cells that would start a formula are
quoted with an apostrophe so a crafted name cannot run in the spreadsheet;
header cells too, since question labels come from YAML anyone with the
repository can edit. Excel refuses some characters in a sheet title and more
than 31 of them, and a session name such as 第一期（1/25—1/29） has them: the
title and the download's file name use full-width look-alikes instead.
"""

import csv
import io
import re
from urllib.parse import quote

from flask import Blueprint, make_response
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ..capacity import STATUS_LABELS
from ..db import get_db
from . import access
from .auth import actor

bp = Blueprint("staff_exports", __name__, url_prefix="/staff")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What Excel (openpyxl's INVALID_TITLE_REGEX) and common file systems refuse, as full-width characters.
LOOK_ALIKES = str.maketrans(
    {"/": "／", "\\": "＼", "?": "？", "*": "＊", "[": "［", "]": "］", ":": "：", '"': "＂", "<": "＜", ">": "＞", "|": "｜"}
)
SHEET_TITLE_MAX = 31


def _inert(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def sheet_title(name):
    """A title Excel accepts: no / \\ ? * [ ] :, at most 31 characters, not quoted by apostrophes."""
    title = re.sub(r"[\x00-\x1f]", "", name.translate(LOOK_ALIKES))[:SHEET_TITLE_MAX].strip().strip("'")
    return title or "名单"


def file_name(*parts):
    """A download name any file system keeps: the same look-alikes, no control characters."""
    return re.sub(r"[\x00-\x1f]", "", "-".join(parts).translate(LOOK_ALIKES)).strip(". ") or "名单"


def table(program, people):
    """Header row and one row per enrolment, answers in the program's question order."""
    questions = program.registration.questions
    header = ["查询码", "姓名", "出生日期", "监护人", "手机号", "工作单位", "状态", "候补位次", "报名时间"]
    header += [question.label for question in questions]
    rows = []
    for e in people:
        answers = [_answer(e.answers.get(question.id)) for question in questions]
        rows.append(
            [
                e.code,
                e.name,
                e.birthdate.isoformat() if e.birthdate else "",
                e.guardian_name or "",
                e.phone,
                e.employer or "",
                STATUS_LABELS[e.status],
                e.position or "",
                e.created_at[:16].replace("T", " "),
                *answers,
            ]
        )
    return [_inert(cell) for cell in header], [[_inert(cell) for cell in row] for row in rows]


def _answer(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    return {"yes": "是", "no": "否"}.get(value, value or "")


def as_csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(title, header, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for index, name in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(name) * 2 + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _download(program_id, session_id, kind):
    program, session = access.session_or_404(program_id, session_id)
    people = get_db().roster(program.id, session.id)
    header, rows = table(program, people)
    body = as_csv(header, rows) if kind == "csv" else as_xlsx(session.name, header, rows)
    get_db().log(program.id, session.id, None, "exported", actor(), {"format": kind, "people": len(rows)})
    response = make_response(body)
    response.headers["Content-Type"] = "text/csv; charset=utf-8" if kind == "csv" else XLSX
    readable = quote(f"{file_name(program.title, session.name)}.{kind}")
    response.headers["Content-Disposition"] = f"attachment; filename=\"{program.id}-{session.id}.{kind}\"; filename*=UTF-8''{readable}"
    return response


@bp.route("/sessions/<program_id>/<session_id>/export.csv")
def export_csv(program_id, session_id):
    return _download(program_id, session_id, "csv")


@bp.route("/sessions/<program_id>/<session_id>/export.xlsx")
def export_xlsx(program_id, session_id):
    return _download(program_id, session_id, "xlsx")
