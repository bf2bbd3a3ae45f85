"""Reading a teacher's weekly journal into lessons and cells, with the rules on what was typed.

Rules here need only the workbook and the school: marks on the school's scale, ``+``/``-``
only where allowed, well-formed double marks, no mark with ``н``, marks only for students of
the group and not for exempt ones, extra lessons inside the week and not on holidays, known
work types. Rules that compare with the store (closed periods, the editing window) live in
:mod:`zhurnal.merge.journal`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zhurnal.calendar import Week, parse_week
from zhurnal.findings import Finding, Severity, finding
from zhurnal.ingest.identify import Identified
from zhurnal.marks import BadMark, Cell, read_cell
from zhurnal.store.snapshot import School, Section
from zhurnal.templates.journal import LESSON_FIELDS, SPARE_COLUMNS
from zhurnal.templates.spec import Field, FieldType
from zhurnal.validate.grid_common import grid_sheets, student_problem
from zhurnal.validate.normalize import clean_text, is_blank
from zhurnal.validate.table import typed_cell

EXTRA_DATE = Field("date", "Дата", FieldType.DATE, required=True)
EXTRA_NUMBER = Field("lesson_no", "Номер урока", FieldType.INT, required=True)
YES = {"да": True, "нет": False, "+": True, "-": False, "yes": True, "no": False}


@dataclass
class LessonRead:
    """One lesson column: where it is, what it says about the lesson, and its cells."""

    section: Section
    sheet: str
    date: dt.date
    lesson_no: int
    extra: bool
    fields: dict[str, object]
    refs: dict[str, str]                              # field or "date" → cell
    cells: dict[int, tuple[Cell, str]] = field(default_factory=dict)   # student id → (cell, ref)
    students: set[int] = field(default_factory=set)  # every student row the sheet has

    @property
    def key(self) -> tuple:
        return (self.section.class_code, self.section.subject, self.section.subgroup, self.date, self.lesson_no)


@dataclass
class JournalRead:
    week: Week
    teacher: str
    lessons: list[LessonRead]
    covered: list[Section]
    findings: list[Finding]


def _lesson_fields(grid, key: str, school: School, found: list[Finding]) -> tuple[dict, dict]:
    values, refs = {}, {}
    for item in LESSON_FIELDS:
        row = grid.markers.get(item)
        if row is None:
            continue
        refs[item] = grid.ref(row, key)
        raw = grid.value(row, key)
        text = None if is_blank(raw) else clean_text(raw)
        if text and item == "work_type":
            canonical = next((w for w in school.work_types if w.casefold() == text.casefold()), None)
            if canonical is None:
                found.append(finding("invalid-choice", sheet=grid.sheet, cell=refs[item], value=text,
                                     allowed=", ".join(sorted(school.work_types))))
            text = canonical
        elif text and item == "ict":
            if text.casefold() not in YES:
                found.append(finding("invalid-choice", sheet=grid.sheet, cell=refs[item], value=text,
                                     allowed="да, нет"))
            text = YES.get(text.casefold())
        values[item] = text
    return values, refs


def _column_has_data(grid, key: str) -> bool:
    rows = list(grid.students.values()) + [grid.markers[m] for m in LESSON_FIELDS if m in grid.markers]
    return any(not is_blank(grid.value(r, key)) for r in rows)


def _extra_lesson(grid, key: str, week: Week, school: School, section: Section,
                  found: list[Finding]) -> tuple[dt.date, int] | None:
    date_row, number_row = grid.markers.get("date"), grid.markers.get("lesson_no")
    if date_row is None or number_row is None:
        return None
    raw_date, raw_number = grid.value(date_row, key), grid.value(number_row, key)
    if is_blank(raw_date) and is_blank(raw_number) and not _column_has_data(grid, key):
        return None
    date_ref, number_ref = grid.ref(date_row, key), grid.ref(number_row, key)
    problems = len(found)
    day = typed_cell(EXTRA_DATE, raw_date, sheet=grid.sheet, cell=date_ref, found=found)
    number = typed_cell(EXTRA_NUMBER, raw_number, sheet=grid.sheet, cell=number_ref, found=found)
    if day and day not in week:
        found.append(finding("extra-lesson-outside-week", sheet=grid.sheet, cell=date_ref,
                             value=f"{day:%d.%m.%Y}", week=week.title()))
    elif day:
        grade = school.grade(section.class_code)
        holiday = school.calendar.holiday(day, grade)
        if holiday or not school.calendar.period(day, grade):
            found.append(finding("extra-lesson-on-holiday", sheet=grid.sheet, cell=date_ref,
                                 value=f"{day:%d.%m.%Y}", holiday=holiday or "вне учебных периодов"))
    if number is not None and school.bells and number not in school.bells:
        found.append(finding("lesson-without-bell", sheet=grid.sheet, cell=number_ref, value=number))
    return (day, number) if len(found) == problems else None


def _cells(grid, key: str, school: School, ref, lesson: LessonRead, allow_pm: bool,
           found: list[Finding]) -> None:
    section = ref.section
    scale = school.subjects[section.subject]["scale"]
    for student_id, row in grid.students.items():
        lesson.students.add(student_id)
        raw = grid.value(row, key)
        where = {"sheet": grid.sheet, "cell": grid.ref(row, key)}
        try:
            cell = read_cell(raw, scale=scale, allow_plus_minus=allow_pm)
        except BadMark as bad:
            found.append(finding(bad.code, **where, value=clean_text(raw), scale=scale))
            continue
        if cell.empty:
            lesson.cells[student_id] = (cell, where["cell"])
            continue
        problem = student_problem(school, student_id, section.class_code, section)
        if problem:
            found.append(finding(problem, **where, value=school.students.get(student_id, {}).get("full_name", student_id)))
            continue
        if cell.marks and school.exempt(student_id, section.subject, lesson.date):
            found.append(finding("mark-student-exempt", **where, value=cell.marks,
                                 student=school.students[student_id]["full_name"], subject=section.subject))
            continue
        if isinstance(raw, str) and clean_text(raw) != cell.shown():
            found.append(finding("value-normalised", **where, value=clean_text(raw), normalised=cell.shown(),
                                 severity=Severity.WARNING))
        lesson.cells[student_id] = (cell, where["cell"])


def read_journal(item: Identified, school: School, *, allow_plus_minus: bool) -> JournalRead:
    """Every lesson column of every sheet, typed, with the findings met on the way."""
    found: list[Finding] = []
    week = parse_week(item.meta.get("week", ""))
    lessons, covered = [], []
    for ref in grid_sheets(item, school, found):
        grid, section = ref.grid, ref.section
        covered.append(section)
        has_marks = bool(school.classes[section.class_code]["has_marks"])
        for key in grid.columns:
            if key in SPARE_COLUMNS:
                when = _extra_lesson(grid, key, week, school, section, found)
                if when is None:
                    continue
                day, number, extra = *when, True
            else:
                day_text, _, number_text = key.partition("|")
                day, number, extra = dt.date.fromisoformat(day_text), int(number_text), False
            values, refs = _lesson_fields(grid, key, school, found)
            lesson = LessonRead(section, grid.sheet, day, number, extra, values, refs)
            if has_marks:
                _cells(grid, key, school, ref, lesson, allow_plus_minus, found)
            lessons.append(lesson)
    return JournalRead(week, item.meta.get("author", ""), lessons, covered, found)
