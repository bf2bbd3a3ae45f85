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
- ``final``: grades 9 and 11 only, the attestat's final mark of the subject
  (:mod:`zhurnal.year.attestat`); a course of an attestat subject of several courses
  (Алгебра of «Математика») has none: :func:`class_attestat` gives the attestat itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import Connection

from zhurnal.core.sections import AttestatSettings
from zhurnal.school.calendar import period_kind
from zhurnal.school.snapshot import load_school
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.year.attestat import AttestatRow, Condition, PupilMarks, attestat, honours
from zhurnal.year.attestat_rules import FIRST_BASIC_GRADE, attestat_rules
from zhurnal.year.final import GIA_9
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


@dataclass(frozen=True)
class PupilAttestat:
    student_id: int
    student_name: str
    rows: list[AttestatRow]            # every subject of the attestat
    honours: list[Condition]           # the аттестат с отличием conditions, checked


def summary_ledger(conn: Connection, school_id: int, class_code: str, *, year_rule: str = "mean",
                   attestat_settings: AttestatSettings | None = None) -> list[LedgerRow]:
    """Every pupil × subject row of ``class_code``'s ledger, ordered by pupil name then subject.

    Pupils are those of the class at any time in the year (a pupil who left keeps their rows).
    Subjects are those the class is taught with marks (the teaching load, a scale other than
    «без отметок») and any other subject a pupil has a mark in. ``year_rule``: the school's
    ``[marks] year_rule`` for year marks not confirmed; ``attestat_settings``: its
    ``[attestat]`` (the federal defaults when None).
    """
    return _ledger(conn, school_id, class_code, year_rule, attestat_settings)[0]


def class_attestat(conn: Connection, school_id: int, class_code: str, *, year_rule: str = "mean",
                   attestat_settings: AttestatSettings | None = None) -> list[PupilAttestat]:
    """Every pupil's attestat of a grade-9 or grade-11 class (empty for another grade), in the
    ledger's pupil order: the subjects with their final marks (:func:`zhurnal.year.attestat.attestat`)
    and the аттестат с отличием conditions."""
    return _ledger(conn, school_id, class_code, year_rule, attestat_settings)[1]


def _ledger(conn: Connection, school_id: int, class_code: str, year_rule: str,
            attestat_settings: AttestatSettings | None) -> tuple[list[LedgerRow], list[PupilAttestat]]:
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
    # earlier years' marks: grade 10's semester and year marks (grade 11), the year marks of
    # grades 5–8 (subjects finished there, grade 9)
    earlier = range(10, 11) if grade == 11 else range(FIRST_BASIC_GRADE, 9) if grade == 9 else range(0)
    prior: dict[int, dict[tuple[str, int], list[str]]] = {}
    for row in q.table_rows(conn, s.prior_marks, school_id):
        kinds = FINAL_KINDS if row["grade"] == 10 else ("year",)
        if row["student_id"] in ids and row["grade"] in earlier and period_kind(row["period"]) in kinds:
            prior.setdefault(row["student_id"], {}).setdefault((row["subject"], row["grade"]), []).append(row["mark"])
    rules = attestat_rules(grade, attestat_settings) if grade in (9, 11) else None
    taught = {sec.subject for sec in school.load if sec.class_code == class_code
              and school.subjects[sec.subject]["scale"] != "none"} if cls and cls["has_marks"] else set()
    ledger, attestats = [], []
    for sid, name in pupils:
        subjects = sorted(taught | {subject for (who, subject) in [*marks, *exams] if who == sid})
        rows = []
        for subject in subjects:
            stored = marks.get((sid, subject), {})
            periods = {code: stored[code] for code in terms if code in stored}
            year = stored.get(year_code) if year_code else None
            if year is None and terms:
                year = year_mark([stored.get(code) for code in terms], year_rule)
            form, result = exams.get((sid, subject), (None, None))
            rows.append(LedgerRow(sid, name, subject, periods, year, result if form in GIA_9 else None))
        if rules is None:
            ledger += rows
            continue
        pupil = PupilMarks(
            year={r.subject: r.year for r in rows},
            terms={r.subject: [r.periods.get(c) for c in terms if period_kind(c) in FINAL_KINDS] for r in rows},
            exams={subject: v for (who, subject), v in exams.items() if who == sid},
            prior=prior.get(sid, {}))
        found = attestat(rules, pupil)
        finals = {r.subject: r.final for r in found}
        ledger += [replace(r, final=finals.get(r.subject)) for r in rows]
        attestats.append(PupilAttestat(sid, name, found, honours(rules, found, pupil)))
    return ledger, attestats
