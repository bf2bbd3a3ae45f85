"""Journal-side workbooks through real spreadsheet programs: LibreOffice saves as xlsx, ods and
xls; rows sorted and columns hidden as a teacher might; the marks stay with their students."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest
from conftest import SATURDAY, s, status_of
from test_journal import stored_cells, teacher_with
from test_libreoffice import resave

from zhurnal.batch.issue import issue_period, issue_plans
from zhurnal.demo.fill import fill_grid, fill_workbook
from zhurnal.kinds.plan.spec import SPEC as PLAN


def _typed_journal(loaded, tmp_path):
    teacher, path, sheet, info = teacher_with(loaded.week_templates(), lambda i: i["section"].subject == "Английский язык"
                                              and i["section"].class_code == "7А")
    st, keys = info["students"], info["keys"]
    values = {(st[0], keys[0]): "5", (st[1], keys[0]): "4/5", (st[2], keys[0]): "н", (st[3], keys[1]): "оп 3",
              (st[4], keys[1]): "4+", ("topic", keys[0]): "Present Perfect", ("homework", keys[0]): "Ex. 5, p. 34",
              ("work_type", keys[0]): "Самостоятельная работа", ("ict", keys[0]): "да",
              ("topic", keys[1]): "Travelling"}
    typed = fill_grid(path, tmp_path / "typed" / "journal.xlsx", {sheet: values})
    expected = {st[0]: ("5", ""), st[1]: ("4/5", ""), st[2]: ("", "н"), st[3]: ("3", "оп"), st[4]: ("4+", "")}
    return typed, expected, sheet, info


def _typed_register(loaded, tmp_path):
    path = loaded.week_templates()[("attendance", "7А")]
    book = openpyxl.load_workbook(path)
    keys = [c.value for c in book["7А"][2] if c.value and "|" in str(c.value)]
    st = [c.value for c in book["7А"]["A"][4:] if isinstance(c.value, int)]
    values = {(st[0], keys[0]): 6, (st[0], keys[1]): "б", (st[1], keys[4]): 2, (st[1], keys[5]): "у"}
    typed = fill_grid(path, tmp_path / "typed" / "register.xlsx", {"7А": values})
    day = lambda key: dt.date.fromisoformat(key.split("|")[0])
    return typed, {(st[0], day(keys[0])): (6, "б"), (st[1], day(keys[4])): (2, "у")}


@pytest.mark.soffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_journal_register_period_and_plan_saved_by_libreoffice(loaded, tmp_path, fmt):
    journal, expected, sheet, info = _typed_journal(loaded, tmp_path)
    register, absences = _typed_register(loaded, tmp_path)
    teacher = loaded.school().load[info["section"]]
    plan_template = next(p for p in issue_plans(loaded.ctx(), teacher=teacher)
                         if "7А_Английский язык" in p.name)
    plan = fill_workbook(plan_template, tmp_path / "typed" / "plan.xlsx", PLAN, {"КТП": [
        {"item_no": 1, "date": dt.date(2026, 11, 23), "topic": "Present Perfect", "hours": 1}]})
    for path in resave([journal, register, plan], fmt, tmp_path / "saved", tmp_path / "profile"):
        shutil.move(path, loaded.settings.inbox / path.name)
    report = loaded.ingest(now=SATURDAY)
    assert set(status_of(report).values()) == {"accepted"}, [f.findings[:3] for f in report.files]
    assert {k[5]: v for k, v in stored_cells(loaded).items()} == expected
    lesson = next(l for l in loaded.rows(s.lessons) if l["topic"] == "Present Perfect")
    assert (lesson["homework"], lesson["work_type"], lesson["ict"]) == ("Ex. 5, p. 34", "Самостоятельная работа", True)
    assert {(a["student_id"], a["date"]): (a["lessons"], a["reason"]) for a in loaded.rows(s.absences)} == absences
    assert [p["topic"] for p in loaded.rows(s.plan_items)] == ["Present Perfect"]

    [period] = issue_period(loaded.ctx(), "Q2", teacher=teacher)
    first = info["students"][0]
    typed = fill_grid(period, tmp_path / "typed" / "period.xlsx", {sheet: {(first, "mark"): "5"}})
    [saved] = resave([typed], fmt, tmp_path / "saved2", tmp_path / "profile")
    shutil.move(saved, loaded.settings.inbox / saved.name)
    assert status_of(loaded.ingest(now=SATURDAY)) == {saved.name: "accepted"}
    assert [(p["student_id"], p["mark"]) for p in loaded.rows(s.period_marks)] == [(first, "5")]


def test_sorted_rows_and_hidden_columns_keep_marks_with_their_students(loaded, tmp_path):
    """GIVEN a filled journal WHEN the teacher sorts the rows Z→A and hides a column, and
    LibreOffice saves it THEN every mark is stored for the student it was typed against."""
    journal, expected, sheet, info = _typed_journal(loaded, tmp_path)
    book = openpyxl.load_workbook(journal)
    grid = book[sheet]
    rows = list(range(7, 7 + len(info["students"])))
    lines = [[grid.cell(row=r, column=c).value for c in range(1, grid.max_column + 1)] for r in rows]
    for r, line in zip(rows, sorted(lines, key=lambda line: line[1], reverse=True)):
        for c, value in enumerate(line, start=1):
            grid.cell(row=r, column=c).value = value
    grid.column_dimensions["D"].hidden = True
    sorted_path = tmp_path / "sorted.xlsx"
    book.save(sorted_path)
    assert grid.cell(row=7, column=1).value != info["students"][0]   # the order really changed
    shutil.copy(sorted_path, loaded.settings.inbox / "sorted.xlsx")
    assert status_of(loaded.ingest(now=SATURDAY)) == {"sorted.xlsx": "accepted"}
    assert {k[5]: v for k, v in stored_cells(loaded).items()} == expected
