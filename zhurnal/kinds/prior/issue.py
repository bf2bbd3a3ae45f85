"""Issuing the earlier years' marks: one workbook for the administration, one sheet per class
now a grade above, pupils × (subject, period) columns prefilled with what ``prior_marks`` holds;
or (:func:`issue_basic`) one sheet per grade-9 class, pupils × the subjects finished before
grade 9 (by the attestat rules), each the year mark of its last grade.
"""

from __future__ import annotations

from pathlib import Path

from zhurnal.core.errors import NoClasses
from zhurnal.kinds.period.spec import choices_for
from zhurnal.kinds.prior.spec import NAME, VERSION
from zhurnal.kinds.signing import signed_meta
from zhurnal.school.context import RunContext
from zhurnal.school.snapshot import School, load_school
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.templates.grid import GridColumn, GridSheet, issued_identities, list_validation, write_grid_workbook
from zhurnal.year.attestat_rules import FIRST_BASIC_GRADE, attestat_rules

BASIC = "5-8"       # the basic level's workbook: its metadata's «period», its name
BASIC_NOTES = [
    "Как заполнять:",
    "• Перенесите из классных журналов прошлых лет годовые отметки по предметам, изучение которых "
    "закончилось до 9 класса (в заголовке столбца — за какой класс). Они войдут в аттестат.",
    "• Пустая клетка — отметки нет: при закрытии года zhurnal предупредит.",
]

NOTES = [
    "Как заполнять:",
    "• Перенесите из классного журнала {grade} класса отметки за полугодия и за год по каждому предмету.",
    "• Пустая клетка — отметки нет (например, предмет не изучался в {grade} классе).",
]


def prior_periods(school: School, grade: int) -> list[tuple[str, str]]:
    """(code, name) of the periods whose marks an earlier year of ``grade`` gave: the setup's
    terms of that grade and its year period («Y», «Год» when the setup has none)."""
    year = school.calendar.year_period(grade)
    return [(p["code"], p["name"]) for p in school.calendar.grade_terms(grade)] + \
        [(year["code"], year["name"]) if year else ("Y", "Год")]


def _subjects(school: School, class_code: str) -> list[str]:
    return sorted({sec.subject for sec in school.load if sec.class_code == class_code
                   and school.subjects[sec.subject]["scale"] != "none"})


def issue(ctx: RunContext, *, grade: int = 10, out_dir: Path | None = None) -> list[Path]:
    """The workbook for the marks of ``grade`` of the pupils now in grade ``grade + 1``."""
    with ctx.engine.begin() as conn:
        school = load_school(conn, ctx.school_id)
        classes = [code for code, cls in school.classes.items() if cls["grade"] == grade + 1]
        if not classes:
            raise NoClasses()
        stored = {(r["student_id"], r["subject"], r["period"]): r["mark"]
                  for r in q.table_rows(conn, s.prior_marks, ctx.school_id, grade=grade)}
        periods = prior_periods(school, grade)
        sheets, info = [], []
        for code in classes:
            students = school.class_students(code)
            columns, values = [], {}
            for subject in _subjects(school, code):
                choices = choices_for(school.subjects[subject]["scale"])
                for period, name in periods:
                    key = f"{subject}|{period}"
                    columns.append(GridColumn(key, (subject, name), width=8, validation=list_validation(choices)))
                    values.update({(st["id"], key): stored.get((st["id"], subject, period)) for st in students})
            sheets.append(GridSheet(name=code, title=f"{code} — отметки за {grade} класс", columns=columns,
                                    students=[(st["id"], st["full_name"]) for st in students], values=values,
                                    notes=[line.format(grade=grade) for line in NOTES]))
            info.append({"sheet": code, "class_code": code})
    meta = signed_meta(ctx, NAME, VERSION, "Администратор", sections={"sheets": info}, period=str(grade),
                       identities=issued_identities(sheets))
    return [write_grid_workbook((out_dir or ctx.settings.templates) / f"отметки_{grade}_класса.xlsx", meta, sheets)]


def early_subjects(school: School, class_code: str, settings=None) -> list[tuple[str, int]]:
    """(subject, last grade) of the subjects the grade-9 attestat takes from an earlier year:
    finished before grade 9 by the attestat rules (``[attestat]``), in the setup's subjects and
    not taught to ``class_code`` this year (a class taught it now gets this year's mark)."""
    taught = set(_subjects(school, class_code))
    return sorted((subject, last) for subject, last in attestat_rules(9, settings).finished_early().items()
                  if subject in school.subjects and subject not in taught and last >= FIRST_BASIC_GRADE)


def issue_basic(ctx: RunContext, *, out_dir: Path | None = None) -> list[Path]:
    """The workbook of the grade-9 pupils' year marks of subjects finished in grades 5–8
    (:func:`early_subjects`); :class:`NoClasses` without a grade-9 class."""
    assert ctx.school_id is not None
    with ctx.engine.begin() as conn:
        school = load_school(conn, ctx.school_id)
        classes = [code for code, cls in school.classes.items() if cls["grade"] == 9]
        if not classes:
            raise NoClasses()
        stored = {(r["student_id"], r["subject"], r["grade"], r["period"]): r["mark"]
                  for r in q.table_rows(conn, s.prior_marks, ctx.school_id)}
        sheets, info = [], []
        for code in classes:
            students = school.class_students(code)
            columns, values = [], {}
            for subject, last in early_subjects(school, code, ctx.settings.attestat):
                year = school.calendar.year_period(last)
                period = year["code"] if year else "Y"
                key = f"{subject}|{period}|{last}"
                choices = choices_for(school.subjects[subject]["scale"])
                columns.append(GridColumn(key, (subject, f"год, {last} кл."), width=12,
                                          validation=list_validation(list(choices))))
                values.update({(st["id"], key): stored.get((st["id"], subject, last, period)) for st in students})
            sheets.append(GridSheet(name=code, title=f"{code} — годовые отметки за 5–8 классы", columns=columns,
                                    students=[(st["id"], st["full_name"]) for st in students], values=values,
                                    notes=BASIC_NOTES))
            info.append({"sheet": code, "class_code": code})
    meta = signed_meta(ctx, NAME, VERSION, "Администратор", sections={"sheets": info}, period=BASIC,
                       identities=issued_identities(sheets))
    return [write_grid_workbook((out_dir or ctx.settings.templates) / f"отметки_{BASIC}_классов.xlsx", meta, sheets)]
