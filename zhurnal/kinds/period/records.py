"""Reading period marks: the mark a teacher sets per student, checked against the journal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from zhurnal.core.findings import Finding, Severity, finding
from zhurnal.core.workbook import Submission
from zhurnal.school.snapshot import School, Section
from zhurnal.validate.grid_common import grid_sheets, student_problem
from zhurnal.validate.normalize import clean_text, is_blank


@dataclass
class PeriodMarkRead:
    student_id: int
    section: Section
    mark: str | None
    sheet: str
    ref: str


@dataclass
class PeriodRead:
    period: str
    teacher: str
    marks: list[PeriodMarkRead] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def normalise_mark(raw: object) -> str:
    """A typed period mark as stored: «Н/А», «на» → «н/а», «зачёт» → «зач», … (lower case)."""
    text = clean_text(raw).casefold().replace(" ", "")
    return {"на": "н/а", "н\\а": "н/а", "н.а.": "н/а", "осв.": "осв", "зачёт": "зач", "незачёт": "незач"}.get(text, text)


def allowed_mark(raw: object, allowed: tuple[str, ...], where: dict[str, str], found: list[Finding]) -> str | None:
    """The typed (non-blank) mark ``raw`` as stored, or None with ``period-mark-invalid`` at
    ``where`` (sheet, cell) when it is not one of ``allowed``."""
    mark = normalise_mark(raw)
    if mark in allowed:
        return mark
    found.append(finding("period-mark-invalid", **where, value=clean_text(raw), allowed=", ".join(allowed)))
    return None


def typed_mark(raw: object, student_id: int, section: Section | None, where: dict[str, str], allowed: tuple[str, ...],
               found: list[Finding], marks: list[PeriodMarkRead]) -> str | None:
    """The mark typed in the cell ``where`` (sheet, cell) of ``student_id``, as stored; None for a
    blank cell (read as no mark: appended to ``marks``, so a cleared cell deletes the stored mark)
    and for a mark that is not ``allowed`` (a finding)."""
    if is_blank(raw):
        marks.append(PeriodMarkRead(student_id, section, None, where["sheet"], where["cell"]))  # type: ignore[arg-type]
        return None
    return allowed_mark(raw, allowed, where, found)


def read_period(mark_key: str, item: Submission, school: School, stats_for: Callable[[Section], dict],
                allowed_for: Callable[[str], tuple[str, ...]], minimum_for: Callable[[Section], int]) -> PeriodRead:
    """The period marks in column ``mark_key`` of every sheet.

    ``stats_for(group)``: student id → (average, number of marks, suggested) from the journal;
    ``allowed_for(scale)``: the period marks a subject's scale allows; ``minimum_for(group)``:
    the fewest marks a period mark needs (:meth:`zhurnal.core.settings.MarkSettings.min_marks_for`).
    """
    read = PeriodRead(item.meta.get("period", ""), item.meta.get("author", ""))
    found = read.findings
    for ref in grid_sheets(item, school, found):
        grid, section = ref.grid, ref.section
        if mark_key not in grid.columns:
            found.append(finding("sheet-missing", sheet=grid.sheet))
            continue
        scale = school.subjects[section.subject]["scale"]
        allowed = allowed_for(scale)
        stats = stats_for(section)
        for student_id, row in grid.students.items():
            raw = grid.value(row, mark_key)
            where = {"sheet": grid.sheet, "cell": grid.ref(row, mark_key)}
            mark = typed_mark(raw, student_id, section, where, allowed, found, read.marks)
            if mark is None:
                continue
            problem = student_problem(school, student_id, section.class_code, section)
            if problem:
                found.append(finding(problem, **where, value=student_id))
                continue
            average, count, _ = stats.get(student_id, (None, 0, "н/а"))
            if mark.isdigit():
                minimum = minimum_for(section)
                if count < minimum:
                    found.append(finding("period-mark-too-few-marks", **where, value=mark, count=count,
                                         minimum=minimum, severity=Severity.WARNING))
                elif average is not None and abs(int(mark) - average) > 1:
                    found.append(finding("period-mark-far-from-average", **where, value=mark,
                                         average=f"{average:.2f}", severity=Severity.WARNING))
            read.marks.append(PeriodMarkRead(student_id, section, mark, grid.sheet, where["cell"]))
    return read
