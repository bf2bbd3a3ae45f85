"""Weighted averages from the store: the one place the school's average is computed.

The rule (DESIGN.md, «Marks and codes»): a student's average in a subject is Σ(w·m)/Σw over
the marks of the class's lessons in a date range, where ``w`` is the weight of the lesson's
work type (a work type the setup does not list weighs ``MarkSettings.default_weight``), a
double mark ``5/4`` counts as two marks of the same weight, ``4+``/``5-`` count as
``4 + modifier_step``/``5 - modifier_step``, and ``зач``/``незач`` count as no mark (see
:func:`zhurnal.school.marks.mark_values`) but are counted apart (``passed``/``failed``) for the
pass/fail result (:func:`zhurnal.school.marks.suggested_pass`). The suggested period mark comes from
the school's thresholds, ``н/а`` below the period kind's minimum of marks, scaled by the
subject's weekly hours where the school says so
(:meth:`zhurnal.core.settings.MarkSettings.min_marks_for`, :func:`zhurnal.school.marks.suggested_mark`).

The class average is the mean of the students' averages (each student weighs one, whatever
their number of marks) over the students who have at least one mark in the range; students
without marks are left out rather than counted as zero.

:func:`class_averages` is the API: the period-marks sheet, the parent's diary, the deputy's
summaries and the report cards all call it (or, for the period sheet, the two compatible
wrappers at the bottom), so the same class × subject × date range gives the same number.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from math import fsum

from sqlalchemy import Connection, select

from zhurnal.core.settings import MarkSettings
from zhurnal.school.marks import suggested_mark, weighted_average
from zhurnal.store import schema as s


@dataclass(frozen=True)
class StudentAverage:
    """One student in one subject over a date range."""

    average: float | None   # Σ(w·m)/Σw in mark points (1.0–5.0), unrounded; None without marks
    count: int              # marks counted, a double mark being two
    suggested: str          # "5" | "4" | "3" | "2" by the thresholds, "н/а" with fewer than the minimum
    passed: int = 0         # «зач» marks (pass/fail subjects; they are not in ``count``)
    failed: int = 0         # «незач» marks

    def as_tuple(self) -> tuple[float | None, int, str]:
        """``(average, count, suggested)``, the shape the period sheet takes."""
        return self.average, self.count, self.suggested


NO_MARKS = StudentAverage(None, 0, "н/а")


@dataclass(frozen=True)
class SubjectAverages:
    """One class × subject × date range: every marked student's average and the class's."""

    students: dict[int, StudentAverage]   # student id → average; only students with marks
    class_average: float | None           # mean of ``students``' averages, unrounded; None if nobody

    def of(self, student_id: int) -> StudentAverage:
        """The student's average, :data:`NO_MARKS` when they have none in the range."""
        return self.students.get(student_id, NO_MARKS)

    def as_stats(self) -> dict[int, tuple[float | None, int, str]]:
        """Student id → ``(average, count, suggested)``: the period sheet's ``stats``."""
        return {sid: found.as_tuple() for sid, found in self.students.items()}


class ClassAverages(dict[str, SubjectAverages]):
    """Subject → :class:`SubjectAverages`; a subject without marks reads as empty."""

    def __missing__(self, subject: str) -> SubjectAverages:
        return SubjectAverages({}, None)


def _rows(conn: Connection, school_id: int, class_code: str, start: dt.date, end: dt.date,
          subject: str | None):
    """The marked cells of the class's lessons in ``[start, end]``, with the work type's weight."""
    l, e, w = s.lessons, s.journal_entries, s.work_types
    query = (select(l.c.subject, e.c.student_id, e.c.marks, l.c.work_type, w.c.weight)
             .join(l, l.c.id == e.c.lesson_id)
             .outerjoin(w, (w.c.school_id == l.c.school_id) & (w.c.name == l.c.work_type))
             .where(l.c.school_id == school_id, l.c.class_code == class_code,
                    l.c.date.between(start, end), e.c.marks != "")
             .order_by(l.c.date, l.c.lesson_no, e.c.student_id))
    if subject is not None:
        query = query.where(l.c.subject == subject)
    return conn.execute(query)


def _student(cells: list[tuple[str, float]], settings: MarkSettings, minimum: int) -> StudentAverage:
    average, count = weighted_average(cells, settings.modifier_step)
    tokens = [token for marks, _ in cells for token in marks.split("/")]
    return StudentAverage(average, count, suggested_mark(average, count, settings.thresholds, minimum),
                          tokens.count("зач"), tokens.count("незач"))


def class_averages(conn: Connection, school_id: int, class_code: str, start: dt.date, end: dt.date, *,
                   settings: MarkSettings, subject: str | None = None,
                   roster: Iterable[int] | None = None, period_kind: str = "quarter",
                   hours: Mapping[str, float | None] | None = None) -> ClassAverages:
    """Subject → averages of one class between ``start`` and ``end`` (both included), in one query.

    Only marks of lessons held by ``class_code`` count, whichever subgroup the lesson was for;
    ``subject`` narrows the query to one subject. ``roster`` (student ids), when given, keeps
    only those students, in the result and in the class average: pass the class's current
    students so that one who left or moved to another class does not weigh on it.
    ``period_kind`` ("quarter" | "semester", :func:`zhurnal.school.calendar.period_kind`) and ``hours``
    (subject → weekly hours, :meth:`zhurnal.school.snapshot.School.subject_hours`) choose the
    minimum of marks below which the suggested mark is ``н/а``.
    """
    keep = set(roster) if roster is not None else None
    cells: dict[str, dict[int, list[tuple[str, float]]]] = defaultdict(lambda: defaultdict(list))
    for row in _rows(conn, school_id, class_code, start, end, subject):
        if keep is None or row.student_id in keep:
            weight = row.weight if row.weight is not None else settings.default_weight
            cells[row.subject][row.student_id].append((row.marks, weight))
    found = ClassAverages()
    for name, per_student in cells.items():
        minimum = settings.min_marks_for(period_kind, (hours or {}).get(name))
        students = {sid: _student(marks, settings, minimum) for sid, marks in sorted(per_student.items())}
        known = [a.average for a in students.values() if a.average is not None]
        # fsum: the mean must not depend on the order students were read in (3.875 vs 3.8749…)
        found[name] = SubjectAverages(students, fsum(known) / len(known) if known else None)
    return found


def rounded(average: float | None) -> float | None:
    """An average as every output shows it: to hundredths (``round``, as the period sheet does)."""
    return round(average, 2) if average is not None else None
