"""Issued templates as a teacher meets them: locked structure, unlocked inputs, dropdowns,
frozen headers, hidden signed metadata — and ё/е matched only when the school says so."""

from __future__ import annotations

import copy

import openpyxl
from conftest import findings_of, s, status_of

from zhurnal.core.settings import NormaliseSettings
from zhurnal.templates.metadata import META_SHEET, verify


def test_setup_template_structure(ws):
    book = openpyxl.load_workbook(ws.setup_template())
    assert book.sheetnames[0] == "Инструкция"
    meta = book[META_SHEET]
    assert meta.sheet_state == "hidden"
    values = {row[0].value: row[1].value for row in meta.iter_rows()}
    assert values["kind"] == "setup" and verify(values, ws.settings.secret) is None
    load = book["Нагрузка"]
    assert load.protection.sheet and not load.protection.password   # locked, with no password to know
    assert load["A1"].protection.locked and not load["A2"].protection.locked
    assert load.freeze_panes == "B2"
    sources = {str(v.sqref).split(":")[0]: v.formula1 for v in load.data_validations.dataValidation}
    assert sources["A2"] == "'Классы'!$A$2:$A$121"              # classes typed on their own sheet
    assert sources["D2"] == "'Учителя'!$A$2:$A$301"
    timetable = book["Расписание"]
    days = {str(v.sqref).split(":")[0]: v.formula1 for v in timetable.data_validations.dataValidation}
    assert days["B2"] == '"Пн,Вт,Ср,Чт,Пт,Сб"'


def test_journal_template_structure(loaded):
    templates = loaded.week_templates()
    path = next(p for (kind, _), p in templates.items() if kind == "journal")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet.column_dimensions["A"].hidden and sheet.row_dimensions[2].hidden   # ids and keys
    assert sheet.protection.sheet and not sheet.protection.password
    assert not sheet["C7"].protection.locked and sheet["B7"].protection.locked
    marks = [v for v in sheet.data_validations.dataValidation if "C7" in str(v.sqref) or str(v.sqref).startswith("C7")]
    assert marks and '"5,4,3,2,1,н,оп"' in {v.formula1 for v in marks}
    notes = [c.value for c in sheet["B"] if isinstance(c.value, str) and c.value.startswith("Как заполнять")]
    assert len(notes) == 1 and "• н — отсутствовал" in notes[0]     # heading and bullets in one cell


def test_yo_and_ye_are_one_letter_only_where_the_school_says_so(ws, school):
    setup = copy.deepcopy(school.setup)
    setup["Учителя"][0]["full_name"] = "Королёва Анна Петровна"
    old_name = school.setup["Учителя"][0]["full_name"]
    for row in setup["Нагрузка"]:
        if row["teacher"] == old_name:
            row["teacher"] = "Королева Анна Петровна"
    for row in setup["Классы"]:
        if row["class_teacher"] == old_name:
            row["class_teacher"] = "Королёва Анна Петровна"
    ws.drop_setup(setup)
    from zhurnal.kinds.setup.spec import SPEC as SETUP
    from zhurnal.templates.spec import column_letter
    teacher = column_letter(SETUP.sheet("Нагрузка").column_index("teacher"))
    found = findings_of(ws.ingest())
    assert found == {("Нагрузка", f"{teacher}{i + 2}", "unknown-teacher") for i, row in enumerate(setup["Нагрузка"])
                     if row["teacher"] == "Королева Анна Петровна"}, found
    ws.settings = ws.settings.model_copy(update={"normalise": NormaliseSettings(yo_as_ye=True)})
    ws.drop_setup(setup, name="again.xlsx")
    assert status_of(ws.ingest()) == {"again.xlsx": "accepted"}
    assert {r["teacher"] for r in ws.rows(s.teaching_load)} >= {"Королёва Анна Петровна"}


def test_a_work_type_with_a_comma_or_quote_never_breaks_the_journals_dropdowns(loaded):
    """GIVEN a work type «Ответ, устный "у доски"» in the setup WHEN the week's journals are
    issued THEN no dropdown list holds a broken formula (an inline list is split by commas and
    closed by quotes): the work-type row goes without one, the marks keep theirs."""
    import openpyxl
    with loaded.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE work_types SET name = 'Ответ, устный \"у доски\"' "
                             "WHERE name = (SELECT MIN(name) FROM work_types)")
    journals = [p for (kind, _), p in loaded.week_templates().items() if kind == "journal"]
    lists = []
    for path in journals[:3]:
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            lists += [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert lists, "the marks keep their dropdowns"
    for formula in lists:
        if formula.startswith('"'):
            assert formula.endswith('"') and '"' not in formula[1:-1], formula
            assert "у доски" not in formula
