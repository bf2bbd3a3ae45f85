"""Reading a class teacher's attendance register: lessons missed and the reason, per day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zhurnal.core.findings import Finding, Severity, finding
from zhurnal.core.workbook import Submission
from zhurnal.kinds.attendance.notes import NoteRead, read_notes
from zhurnal.kinds.attendance.spec import CLASS_NOTE, NOTE
from zhurnal.school.calendar import Week, parse_week
from zhurnal.school.snapshot import School
from zhurnal.templates.spec import GridSpec
from zhurnal.validate.grid_common import grid_sheets, student_problem
from zhurnal.validate.normalize import BadValue, clean_text, is_blank, to_int


@dataclass
class AbsenceRead:
    student_id: int
    date: dt.date
    lessons: int | None          # None: the cell was cleared
    reason: str | None
    sheet: str
    ref: str


@dataclass
class AttendanceRead:
    week: Week
    class_codes: list[str]
    absences: list[AbsenceRead] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[NoteRead] = field(default_factory=list)      # the class teacher's notes (:mod:`.notes`)
    author: str = ""


def _reason(raw: object, school: School) -> str | None:
    text = clean_text(raw).casefold().translate(str.maketrans({"b": "б", "y": "у", "h": "н", "n": "н"}))
    return text if text in school.reasons else None


def day_keys(day: dt.date, spec: GridSpec) -> tuple[str, str]:
    """The keys of one day's two columns (lessons missed, reason) in a register of ``spec``."""
    count, reason = (item.key for item in spec.columns)
    return f"{day.isoformat()}|{count}", f"{day.isoformat()}|{reason}"


def read_attendance(spec: GridSpec, item: Submission, school: School) -> AttendanceRead:
    """Every (student, day) cell of a register declared by ``spec``, typed and checked."""
    count_field = spec.columns[0]
    week = parse_week(item.meta.get("week", ""))
    found: list[Finding] = []
    read = AttendanceRead(week, [], findings=found, author=item.meta.get("author", ""))
    for ref in grid_sheets(item, school, found):
        grid = ref.grid
        read.class_codes.append(ref.class_code)
        read.notes += read_notes(grid, ref.class_code, NOTE, CLASS_NOTE, found)
        days = sorted({k.split("|")[0] for k in grid.columns if k.endswith(f"|{count_field.key}")})
        for student_id, row in grid.students.items():
            for day_text in days:
                day = dt.date.fromisoformat(day_text)
                count_key, reason_key = day_keys(day, spec)
                raw_count = grid.value(row, count_key)
                raw_reason = grid.value(row, reason_key) if reason_key in grid.columns else ""
                where = {"sheet": grid.sheet, "cell": grid.ref(row, count_key)}
                if is_blank(raw_count) and is_blank(raw_reason):
                    read.absences.append(AbsenceRead(student_id, day, None, None, grid.sheet, where["cell"]))
                    continue
                problem = student_problem(school, student_id, ref.class_code, None)
                if problem:
                    found.append(finding(problem, **where, value=student_id))
                    continue
                reason_ref = grid.ref(row, reason_key) if reason_key in grid.columns else ""
                if is_blank(raw_count):
                    found.append(finding("required-missing", **where, column=count_field.header))
                    continue
                try:
                    count = to_int(raw_count)
                except BadValue:
                    found.append(finding("invalid-number", **where, value=clean_text(raw_count)))
                    continue
                possible = school.lessons_per_day(ref.class_code, day)
                if count < 0 or count > possible:
                    found.append(finding("absence-exceeds-lessons", **where, value=count, lessons=possible,
                                         date=f"{day:%d.%m}"))
                    continue
                reason = None
                if is_blank(raw_reason):
                    found.append(finding("absence-reason-missing", sheet=grid.sheet, cell=reason_ref,
                                         severity=Severity.WARNING))
                else:
                    reason = _reason(raw_reason, school)
                    if reason is None:
                        found.append(finding("absence-reason-unknown", sheet=grid.sheet, cell=reason_ref,
                                             value=clean_text(raw_reason), allowed=", ".join(sorted(school.reasons))))
                        continue
                read.absences.append(AbsenceRead(student_id, day, count or None, reason if count else None,
                                                 grid.sheet, where["cell"]))
    return read
