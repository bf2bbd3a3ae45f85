"""Reading a teacher's weekly journal into lessons and cells, with the rules on what was typed.

Rules here need only the workbook and the school: marks on the school's scale, ``+``/``-``
only where allowed, well-formed double marks, no mark with ``н``, marks only for students of
the group and not for exempt ones, extra lessons inside the week and not on holidays, known
work types. Rules that compare with the store (closed periods, the editing window) live in
:mod:`zhurnal.kinds.journal.plan`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zhurnal.core.findings import Finding, Severity, finding
from zhurnal.core.workbook import Submission
from zhurnal.kinds.journal.spec import REMARK, remark_student
from zhurnal.school.calendar import Week, parse_week
from zhurnal.school.enrolment import enrolled
from zhurnal.school.marks import BadMark, Cell, allowed_values, read_cell
from zhurnal.school.snapshot import School, Section
from zhurnal.templates.spec import GridSpec
from zhurnal.validate.grid_common import grid_sheets, student_problem
from zhurnal.validate.normalize import clean_text, is_blank
from zhurnal.validate.table import typed_cell


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
    remarks: dict[int, tuple[str | None, str]] = field(default_factory=dict)  # student id → (text, ref)

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
    fields: tuple[str, ...]                           # the lesson fields the journal declares


def _lesson_fields(spec: GridSpec, grid, key: str, school: School, found: list[Finding]) -> tuple[dict, dict]:
    values, refs = {}, {}
    for item in spec.below:
        row = grid.markers.get(item.key)
        if row is None:
            continue
        refs[item.key] = ref = grid.ref(row, key)
        raw = grid.value(row, key)
        value = None if is_blank(raw) else typed_cell(item, raw, sheet=grid.sheet, cell=ref, found=found)
        if value and item.choices and item.choices.named == "work_types":
            canonical = next((w for w in school.work_types if w.casefold() == value.casefold()), None)
            if canonical is None:
                found.append(finding("invalid-choice", sheet=grid.sheet, cell=ref, value=value,
                                     allowed=", ".join(sorted(school.work_types))))
            value = canonical
        values[item.key] = value
    return values, refs


def _remark_rows(grid) -> dict[int, int]:
    """Pupil id → the row of their remark in the remarks block (rows «remark:<id>»)."""
    return {sid: row for marker, row in grid.markers.items() if (sid := remark_student(marker)) is not None}


def _column_has_data(spec: GridSpec, grid, key: str) -> bool:
    rows = list(grid.students.values()) + [grid.markers[m.key] for m in spec.below if m.key in grid.markers] \
        + list(_remark_rows(grid).values())
    return any(not is_blank(grid.value(r, key)) for r in rows)


def _extra_lesson(spec: GridSpec, grid, key: str, week: Week, school: School, section: Section,
                  found: list[Finding]) -> tuple[dt.date, int] | None:
    date_field, number_field = spec.marker("date"), spec.marker("lesson_no")
    date_row, number_row = grid.markers.get(date_field.key), grid.markers.get(number_field.key)
    if date_row is None or number_row is None:
        return None
    raw_date, raw_number = grid.value(date_row, key), grid.value(number_row, key)
    if is_blank(raw_date) and is_blank(raw_number) and not _column_has_data(spec, grid, key):
        return None
    date_ref, number_ref = grid.ref(date_row, key), grid.ref(number_row, key)
    problems = len(found)
    day = typed_cell(date_field, raw_date, sheet=grid.sheet, cell=date_ref, found=found)
    number = typed_cell(number_field, raw_number, sheet=grid.sheet, cell=number_ref, found=found)
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
            found.append(finding(bad.code, **where, value=clean_text(raw), scale=scale,
                                 allowed=allowed_values(scale, allow_pm)))
            continue
        if cell.empty:
            lesson.cells[student_id] = (cell, where["cell"])
            continue
        problem = student_problem(school, student_id, section.class_code, section)
        if problem:
            found.append(finding(problem, **where, value=school.students.get(student_id, {}).get("full_name", student_id)))
            continue
        if lesson.date and not enrolled(school.students[student_id], lesson.date):
            found.append(finding("mark-student-not-enrolled", **where, value=cell.shown(),
                                 student=school.students[student_id]["full_name"], day=f"{lesson.date:%d.%m.%Y}"))
            continue
        if cell.marks and school.exempt(student_id, section.subject, lesson.date):
            found.append(finding("mark-student-exempt", **where, value=cell.marks,
                                 student=school.students[student_id]["full_name"], subject=section.subject))
            continue
        if isinstance(raw, str) and clean_text(raw) != cell.shown():
            found.append(finding("value-normalised", **where, value=clean_text(raw), normalised=cell.shown(),
                                 severity=Severity.WARNING))
        elif isinstance(raw, (int, float)) and raw < 0:  # Excel's -4 for a typed 4-
            found.append(finding("mark-recovered-from-number", **where, value=clean_text(raw),
                                 normalised=cell.shown(), severity=Severity.WARNING))
        lesson.cells[student_id] = (cell, where["cell"])


def _remarks(grid, key: str, school: School, ref, lesson: LessonRead, found: list[Finding]) -> None:
    """The remarks typed for the lesson in column ``key``: a pupil of the group only (the
    rules of a mark's cell), no longer than :data:`REMARK`'s limit."""
    for student_id, row in _remark_rows(grid).items():
        where = {"sheet": grid.sheet, "cell": grid.ref(row, key)}
        raw = grid.value(row, key)
        text = None if is_blank(raw) else typed_cell(REMARK, raw, found=found, **where)
        if raw is not None and not is_blank(raw) and text is None:
            continue                                   # a finding says why
        if text is not None:
            problem = student_problem(school, student_id, ref.section.class_code, ref.section)
            if problem:
                found.append(finding(problem, **where, value=school.students.get(student_id, {}).get(
                    "full_name", student_id)))
                continue
        lesson.remarks[student_id] = (str(text) if text is not None else None, where["cell"])


def read_journal(spec: GridSpec, item: Submission, school: School, *, allow_plus_minus: bool) -> JournalRead:
    """Every lesson column of every sheet of a journal declared by ``spec``, typed, with the
    findings met on the way."""
    found: list[Finding] = []
    week = parse_week(item.meta.get("week", ""))
    lessons, covered = [], []
    for ref in grid_sheets(item, school, found):
        grid, section = ref.grid, ref.section
        covered.append(section)
        has_marks = bool(school.classes[section.class_code]["has_marks"])
        for key in grid.columns:
            if key in spec.spare:
                when = _extra_lesson(spec, grid, key, week, school, section, found)
                if when is None:
                    continue
                day, number, extra = *when, True
            else:
                day_text, _, number_text = key.partition("|")
                day, number, extra = dt.date.fromisoformat(day_text), int(number_text), False
            values, refs = _lesson_fields(spec, grid, key, school, found)
            lesson = LessonRead(section, grid.sheet, day, number, extra, values, refs)
            if has_marks:
                _cells(grid, key, school, ref, lesson, allow_plus_minus, found)
            _remarks(grid, key, school, ref, lesson, found)
            lessons.append(lesson)
    return JournalRead(week, item.meta.get("author", ""), lessons, covered, found,
                       tuple(f.key for f in spec.below))
