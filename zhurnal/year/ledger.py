"""The summary ledger of a class's marks for a year («сводная ведомость учёта успеваемости»):
one row per pupil × subject with the term marks, the year mark, the exam mark and the final
(attestat) mark. The year close archive prints it; the year report counts from it.

Interface shared by the year modules: ``summary_ledger`` is the one way to read the ledger.

- ``periods``: the term marks as stored (Q1–Q4 or H1, H2; never the year period).
- ``year``: the year mark as the teacher confirmed it (a period mark of the year period), else
  as computed from the term marks by ``[marks] year_rule`` (:mod:`zhurnal.year.marks`); None
  while a term mark is missing.
- ``exam``: the ОГЭ or ГВЭ mark (2–5) of grades 9 and 11; ЕГЭ points are not a mark and are
  left out (they are in ``exam_marks``, see :func:`exam_results`).
- ``final``: grades 9 and 11 only, by the attestat order (:mod:`zhurnal.year.final`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from zhurnal.school.calendar import period_kind
from zhurnal.school.snapshot import load_school
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.year.final import GIA_9, final_mark_9, final_mark_11
from zhurnal.year.marks import year_mark

FINAL_KINDS = ("semester", "year")    # the marks grade 11's final mark averages


@dataclass(frozen=True)
class LedgerRow:
    student_id: int
    student_name: str                      # full name as in the roster
    subject: str
    periods: dict[str, str] = field(default_factory=dict)   # period code → mark as stored («5», «н/а», «зач», «осв»)
    year: str | None = None                # the year mark
    exam: str | None = None                # the exam mark (ОГЭ/ГВЭ, grade 9), None without an exam
    final: str | None = None               # the final (attestat) mark, grades 9 and 11 only


def exam_results(conn: Connection, school_id: int) -> dict[tuple[int, str], tuple[str, str]]:
    """(student id, subject) → (form, result): every exam stored, ЕГЭ points included."""
    return {(r["student_id"], r["subject"]): (r["form"], r["result"]) for r in q.table_rows(conn, s.exam_marks, school_id)}


def summary_ledger(conn: Connection, school_id: int, class_code: str, *, year_rule: str = "mean") -> list[LedgerRow]:
    """Every pupil × subject row of ``class_code``'s ledger, ordered by pupil name then subject.

    Pupils are those of the class at any time in the year (a pupil who left keeps their rows).
    Subjects are those the class is taught with marks (the teaching load, a scale other than
    «без отметок») and any other subject a pupil has a mark in. ``year_rule``: the school's
    ``[marks] year_rule`` for year marks not confirmed.
    """
    school = load_school(conn, school_id)
    cls = school.classes.get(class_code)
    grade = cls["grade"] if cls else 0
    terms = [p["code"] for p in school.calendar.grade_terms(grade)]
    year_period = school.calendar.year_period(grade)
    year_code = year_period["code"] if year_period else None
    pupils = sorted(((sid, st["full_name"]) for sid, st in school.students.items() if st["class_code"] == class_code),
                    key=lambda p: (p[1], p[0]))
    ids = {sid for sid, _ in pupils}
    marks: dict[tuple[int, str], dict[str, str]] = {}
    for row in q.table_rows(conn, s.period_marks, school_id):
        if row["student_id"] in ids:
            marks.setdefault((row["student_id"], row["subject"]), {})[row["period"]] = row["mark"]
    exams = {key: v for key, v in exam_results(conn, school_id).items() if key[0] in ids}
    prior: dict[tuple[int, str], list[str]] = {}
    for row in q.table_rows(conn, s.prior_marks, school_id, grade=10):
        if row["student_id"] in ids and period_kind(row["period"]) in FINAL_KINDS:
            prior.setdefault((row["student_id"], row["subject"]), []).append(row["mark"])
    taught = {sec.subject for sec in school.load if sec.class_code == class_code
              and school.subjects[sec.subject]["scale"] != "none"} if cls and cls["has_marks"] else set()
    ledger = []
    for sid, name in pupils:
        subjects = sorted(taught | {subject for (who, subject) in [*marks, *exams] if who == sid})
        for subject in subjects:
            stored = marks.get((sid, subject), {})
            periods = {code: stored[code] for code in terms if code in stored}
            year = stored.get(year_code) if year_code else None
            if year is None and terms:
                year = year_mark([stored.get(code) for code in terms], year_rule)
            form, result = exams.get((sid, subject), (None, None))
            exam = result if form in GIA_9 else None
            final = None
            if grade == 9:
                final = final_mark_9(year, exam, form)
            elif grade == 11:
                this_year = [periods.get(c) for c in terms if period_kind(c) in FINAL_KINDS]
                final = final_mark_11([*prior.get((sid, subject), []), *this_year, year]) \
                    if year is not None and None not in this_year else None
            ledger.append(LedgerRow(sid, name, subject, periods, year, exam, final))
    return ledger
