"""Exports survive whatever a YAML file names a session or a question: Excel's forbidden
sheet-title characters, long names, and labels that would start a formula."""

import io
from urllib.parse import unquote

import openpyxl

from tests.app.helpers import program_data
from tests.staff.conftest import enrol

AWKWARD = "第一期（1/25—1/29）"
EVERY_FORBIDDEN = "暑期/班\\问?星*左[右]冒:号" + "长" * 24  # 40 characters


def awkward_program(classes):
    data = program_data()
    first = data["sessions"][0]
    data["sessions"] = [{**first, "name": AWKWARD}, {**first, "id": "week-2", "name": EVERY_FORBIDDEN}]
    data["registration"]["questions"] = [
        {"id": "lunch", "label": "=SUM(A1:A9)", "type": "yesno", "required": True},
        {"id": "plus", "label": "+1 接送人", "type": "text"},
        {"id": "minus", "label": "-1 备注", "type": "text"},
        {"id": "at", "label": "@家长", "type": "text"},
    ]
    import yaml

    (classes.path / "wangjing-winter.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_sheet_titles_and_file_names_are_sanitised_and_headers_cannot_be_formulas(app, classes, wangjing):
    awkward_program(classes)
    assert app.test_cli_runner().invoke(args=["reload"]).exit_code == 0
    assert len(EVERY_FORBIDDEN) == 40
    enrol(app, "王小明")
    enrol(app, "王小红", session="week-2", phone="13912340002")
    titles = {}
    for session in ("week-1", "week-2"):
        response = wangjing.get(f"/staff/sessions/wangjing-winter/{session}/export.xlsx")
        assert response.status_code == 200
        disposition = response.headers["Content-Disposition"]
        assert f'filename="wangjing-winter-{session}.xlsx"' in disposition
        readable = unquote(disposition.split("filename*=UTF-8''")[1])
        assert not set('/\\?*[]:"<>|') & set(readable) and readable.endswith(".xlsx")
        book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
        sheet = book.active
        titles[session] = sheet.title
        header = [cell.value for cell in sheet[1]]
        assert header[-4:] == ["'=SUM(A1:A9)", "'+1 接送人", "'-1 备注", "'@家长"]
        assert all(cell.data_type == "s" for cell in sheet[1])
    assert titles["week-1"] == "第一期（1／25—1／29）"
    assert len(titles["week-2"]) == 31 and titles["week-2"].startswith("暑期／班＼问？星＊左［右］冒：号")
    csv_header = wangjing.get("/staff/sessions/wangjing-winter/week-1/export.csv").get_data().decode("utf-8-sig").splitlines()[0]
    assert "'=SUM(A1:A9)" in csv_header and "'@家长" in csv_header
