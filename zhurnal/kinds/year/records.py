"""Reading a year workbook: the year mark a teacher confirms per pupil and subject, and the
exam (ОГЭ, ГВЭ, ЕГЭ) and its result for grades 9 and 11.

A year mark other than the one computed from the term marks (:mod:`zhurnal.year.marks`) is
accepted with the warning ``year-mark-differs`` at its cell, as a period mark far from the
average is. An exam result is a mark 2–5 (ОГЭ, ГВЭ) or points 0–100 (ЕГЭ).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from zhurnal.core.findings import Finding, Severity, finding
from zhurnal.core.workbook import Submission
from zhurnal.kinds.period.records import PeriodMarkRead, PeriodRead, typed_mark
from zhurnal.school.snapshot import School, Section
from zhurnal.validate.grid_common import grid_sheets, student_problem
from zhurnal.validate.normalize import clean_text, is_blank
from zhurnal.year.final import EXAM_FORMS

MARK, EXAM_FORM, EXAM = "mark", "exam_form", "exam"
POINTS = ("ЕГЭ",)        # forms whose result is points 0–100; the others give a mark 2–5


@dataclass
class ExamRead:
    student_id: int
    section: Section
    form: str | None           # None: no exam in this subject (the cells are empty)
    result: str | None
    sheet: str
    ref: str

    @property
    def value(self) -> str | None:
        """The one merge value of the pair of cells (``ОГЭ|5``), None when both are empty."""
        return f"{self.form}|{self.result}" if self.form else None


@dataclass
class YearRead:
    teacher: str
    marks: dict[str, PeriodRead] = field(default_factory=dict)    # year period code → its marks
    exams: list[ExamRead] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def exam_result(form: str, raw: object) -> str | None:
    """The result typed for an exam of ``form`` as stored (``"5"``, ``"87"``), None if invalid."""
    text = clean_text(raw).replace(",", ".")
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        return None
    value = int(text)
    ok = 0 <= value <= 100 if form in POINTS else 2 <= value <= 5
    return str(value) if ok else None


def _exam(grid, row: int, student_id: int, section: Section, grade: int, found: list[Finding]) -> ExamRead | None:
    if EXAM_FORM not in grid.columns or EXAM not in grid.columns:
        return None
    raw_form, raw_result = grid.value(row, EXAM_FORM), grid.value(row, EXAM)
    where = {"sheet": grid.sheet, "cell": grid.ref(row, EXAM)}
    if is_blank(raw_form) and is_blank(raw_result):
        return ExamRead(student_id, section, None, None, grid.sheet, where["cell"])
    forms = EXAM_FORMS.get(grade, ())
    form = clean_text(raw_form).upper()
    if form not in forms:
        found.append(finding("exam-form-invalid", sheet=grid.sheet, cell=grid.ref(row, EXAM_FORM),
                             value=clean_text(raw_form) or "пусто", allowed=", ".join(forms)))
        return None
    result = exam_result(form, raw_result)
    if result is None:
        found.append(finding("exam-result-invalid", **where, value=clean_text(raw_result) or "пусто", form=form,
                             allowed="0–100 баллов" if form in POINTS else "2, 3, 4, 5"))
        return None
    return ExamRead(student_id, section, form, result, grid.sheet, where["cell"])


def read_year(item: Submission, school: School, computed_for: Callable[[Section], dict[int, str | None]],
              allowed_for: Callable[[str], tuple[str, ...]]) -> YearRead:
    """The year marks and exams of every sheet; ``computed_for(group)``: student id → the year
    mark computed from the term marks (:func:`zhurnal.year.marks.computed_year_marks`), None
    where a term mark is missing; ``allowed_for(scale)``: the marks a subject's scale allows."""
    read = YearRead(item.meta.get("author", ""))
    found = read.findings
    for ref in grid_sheets(item, school, found):
        grid, section = ref.grid, ref.section
        grade = school.grade(section.class_code)
        year = school.calendar.year_period(grade)
        if MARK not in grid.columns or year is None:
            found.append(finding("sheet-missing", sheet=grid.sheet))
            continue
        marks = read.marks.setdefault(year["code"], PeriodRead(year["code"], read.teacher))
        allowed = allowed_for(school.subjects[section.subject]["scale"])
        computed = computed_for(section)
        for student_id, row in grid.students.items():
            where = {"sheet": grid.sheet, "cell": grid.ref(row, MARK)}
            problem = student_problem(school, student_id, section.class_code, section)
            raw = grid.value(row, MARK)
            if problem:
                if not is_blank(raw):
                    found.append(finding(problem, **where, value=student_id))
                continue
            exam = _exam(grid, row, student_id, section, grade, found)
            if exam is not None:
                read.exams.append(exam)
            mark = typed_mark(raw, student_id, section, where, allowed, found, marks.marks)
            if mark is None:
                continue
            expected = computed.get(student_id)
            if expected is None:
                found.append(finding("year-mark-terms-missing", **where, value=mark, severity=Severity.WARNING))
            elif mark != expected:
                found.append(finding("year-mark-differs", **where, value=mark, computed=expected,
                                     severity=Severity.WARNING))
            marks.marks.append(PeriodMarkRead(student_id, section, mark, grid.sheet, where["cell"]))
    return read
