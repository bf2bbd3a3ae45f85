"""Carrying a closing year's marks into ``prior_marks``, where next year's finals find them.

Grade 11's final marks average the semester and year marks of grades 10 and 11
(:func:`zhurnal.year.final.final_mark_11`). When the year closes, the grade-10 pupils' term and
year marks are copied into ``prior_marks`` (grade 10, source «year 2026/2027»), keyed by pupil
id, which stays the pupil's across years; the year close calls :func:`carry_forward`.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, insert

from zhurnal.school.snapshot import load_school
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.store.delete import delete_rows
from zhurnal.year.marks import computed_year_marks


def carry_forward(conn: Connection, school_id: int, grades: tuple[int, ...] = (10,), *,
                  year_rule: str = "mean") -> int:
    """Copy the term marks and year marks of the pupils in ``grades`` (their class's grade now)
    into ``prior_marks``, replacing what an earlier run or an import put there for the same
    pupil, subject, grade and period; a year mark not confirmed is carried as computed from the
    term marks (``year_rule``, :func:`zhurnal.year.marks.year_mark`). Returns the rows written.
    Runs in the caller's transaction."""
    school = load_school(conn, school_id)
    label = q.school_row(conn, school_id).get("year_label") or ""
    P = s.prior_marks
    rows: dict[tuple[int, str, int, str], str] = {}
    for code, cls in school.classes.items():
        grade = cls["grade"]
        if grade not in grades:
            continue
        year = school.calendar.year_period(grade)
        codes = {p["code"] for p in school.calendar.grade_terms(grade)} | ({year["code"]} if year else set())
        pupils = {sid for sid, st in school.students.items() if st["class_code"] == code}
        for row in q.table_rows(conn, s.period_marks, school_id):
            if row["student_id"] in pupils and row["period"] in codes:
                rows[(row["student_id"], row["subject"], grade, row["period"])] = row["mark"]
        if year:
            for (sid, subject), mark in computed_year_marks(conn, school, code, year_rule).items():
                if mark is not None:
                    rows.setdefault((sid, subject, grade, year["code"]), mark)
    for (sid, subject, grade, period), mark in sorted(rows.items()):
        delete_rows(conn, P, and_(P.c.school_id == school_id, P.c.student_id == sid, P.c.subject == subject,
                                  P.c.grade == grade, P.c.period == period))
        conn.execute(insert(P).values(school_id=school_id, student_id=sid, subject=subject, grade=grade,
                                      period=period, mark=mark, source=f"year {label}".strip()[:32]))
    return len(rows)
