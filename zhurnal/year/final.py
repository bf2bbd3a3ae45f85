"""Final (attestat) marks, computed from the stored year, term, exam and prior-year marks; never
stored, so a corrected mark corrects the final one.

Source: Порядок заполнения, учёта и выдачи аттестатов об основном общем и среднем общем
образовании и их дубликатов, утверждённый приказом Минпросвещения России от 05.10.2020 № 546
(in force since 01.01.2021; it replaced приказ Минобрнауки № 115 of 14.02.2014), its part on
the final marks of the attestat (the paragraph numbers are not cited: not checked here):

- grade 9 (основное общее): for Russian, mathematics and the two subjects taken by the
  pupil's choice at the ГИА (ОГЭ or ГВЭ), the arithmetic mean of the year mark and the exam
  mark, written as a whole number «в соответствии с правилами математического округления»
  (half up: 4 and 5 → 4.5 → 5); for every other subject, the grade-9 year mark.
- grade 11 (среднее общее): the arithmetic mean of the half-year (semester) and year
  marks of every year of the programme (grades 10 and 11), rounded the same way. ЕГЭ points do
  not enter the attestat.

Decisions where the order is silent (docs/DESIGN.md, «The year»): a pass/fail subject gives
«зачтено» when its year marks are «зач» (every one of them, grade 11), else «незачтено»; an
exempt pupil («осв» for the year) keeps «осв»; a subject studied in grade 11 only (no grade-10
marks) is averaged over grade 11's; a grade-9 exam mark of 2 still enters the mean (the pupil
gets no attestat until a retake, which replaces the stored exam mark); any «н/а» among the
marks gives no final mark (None).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from zhurnal.year.marks import round_half_up

PASSED, NOT_PASSED = "зачтено", "незачтено"
EXEMPT = "осв"
GIA_9 = ("ОГЭ", "ГВЭ")          # grade 9's exam forms whose marks (2–5) enter the final mark
EXAM_FORMS = {9: GIA_9, 11: ("ЕГЭ", "ГВЭ")}


def _pass_fail(marks: Sequence[str]) -> str | None:
    if all(m in ("зач", "незач") for m in marks):
        return NOT_PASSED if "незач" in marks else PASSED
    return None


def final_mark_9(year: str | None, exam: str | None = None, form: str | None = None) -> str | None:
    """Grade 9's final mark (by the order above) from the year mark and, for a subject
    taken as ОГЭ or ГВЭ (``form``), the exam mark (2–5): their mean rounded half up (year 4,
    exam 5 → 5); without an exam, the year mark. None while the year mark is missing."""
    if year is None or year == "н/а":
        return None
    if year in ("зач", "незач"):
        return _pass_fail([year])
    if year == "осв":
        return "осв"
    if form in GIA_9 and exam is not None and exam.isdigit():
        return str(round_half_up(Fraction(int(year) + int(exam), 2)))
    return year


def final_mark_11(marks: Sequence[str | None]) -> str | None:
    """Grade 11's final mark (by the order above): the arithmetic mean of the semester
    and year marks of grades 10 and 11 (``marks``, any order, a missing one None and left out),
    rounded half up: 4, 5, 5 (grade 10) and 4, 4, 5 (grade 11) → 27/6 = 4.5 → 5."""
    known = [m for m in marks if m is not None and m != "осв"]
    if not known:
        return "осв" if any(m == "осв" for m in marks) else None
    if "н/а" in known:
        return None
    passed = _pass_fail(known)
    if passed:
        return passed
    if not all(m.isdigit() for m in known):
        return None
    return str(round_half_up(Fraction(sum(int(m) for m in known), len(known))))
