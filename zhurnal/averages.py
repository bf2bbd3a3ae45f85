"""Current and period averages from the store: Σ(w·m)/Σw with the lesson's work-type weight."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select

from zhurnal.marks import suggested_mark, weighted_average
from zhurnal.settings import MarkSettings
from zhurnal.store import schema as s


def subject_marks(conn: Connection, school_id: int, class_code: str, subject: str, start, end
                  ) -> dict[int, list[tuple[str, str | None]]]:
    """Student id → [(marks, work type)] for one class and subject between two dates."""
    l, e = s.lessons, s.journal_entries
    query = (select(e.c.student_id, e.c.marks, l.c.work_type).join(l, l.c.id == e.c.lesson_id)
             .where(l.c.school_id == school_id, l.c.class_code == class_code, l.c.subject == subject,
                    l.c.date.between(start, end), e.c.marks != "")
             .order_by(l.c.date, l.c.lesson_no))
    found: dict[int, list] = defaultdict(list)
    for row in conn.execute(query):
        found[row.student_id].append((row.marks, row.work_type))
    return found


def averages(marks: dict[int, list[tuple[str, str | None]]], weights: dict[str, float],
             settings: MarkSettings) -> dict[int, tuple[float | None, int, str]]:
    """Student id → (weighted average, number of marks, suggested period mark)."""
    found = {}
    for student_id, cells in marks.items():
        weighted = [(m, weights.get(w or "", settings.default_weight)) for m, w in cells]
        average, count = weighted_average(weighted, settings.modifier_step)
        found[student_id] = (average, count,
                             suggested_mark(average, count, settings.thresholds, settings.min_marks))
    return found
