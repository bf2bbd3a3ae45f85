"""One pupil's attestat: every subject it lists with its final mark and how that mark was formed,
and the аттестат с отличием conditions checked one by one. Pure: the rules come from
:mod:`zhurnal.year.attestat_rules`, the marks from the store through
:func:`zhurnal.year.ledger.class_attestat`.

Grade 9 (by the rules' sources):

- a subject taught this year: its year mark, with an ОГЭ/ГВЭ mark the mean of the two rounded
  half up (:func:`zhurnal.year.final.final_mark_9`);
- a subject of several courses (Математика = Алгебра + Геометрия + Вероятность и статистика,
  those the class has): ``year_then_exam`` (default) — the courses' year marks averaged and
  rounded half up into the subject's year mark, then with the exam as above (Алгебра 4,
  Геометрия 5 → 4.5 → 5; ОГЭ 4 → 4.5 → 5); ``one_mean`` — one mean of the courses' year marks
  and the exam mark (4, 5, 4 → 13/3 → 4). The exam is the one stored against the subject or,
  failing that, against its first course that has one;
- a subject finished before grade 9 (``last_grade`` below 9) and not taught this year: the year
  mark of its last grade from the earlier years' marks («за 7 класс»); none → no final mark.

Grade 11: the mean of every semester and year mark of grades 10 and 11 of the subject (of all
its courses for a subject of courses), rounded half up (:func:`zhurnal.year.final.final_mark_11`).

A final mark is None while a mark it needs is missing or «н/а».
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from zhurnal.year.attestat_rules import AttestatRules
from zhurnal.year.final import EXEMPT, GIA_9, PASSED, final_mark_9, final_mark_11
from zhurnal.year.marks import round_half_up


@dataclass(frozen=True)
class PupilMarks:
    """What a pupil's attestat is formed from (marks as stored: «5», «зач», «н/а», «осв»)."""

    year: dict[str, str | None]                                     # course subject → this year's year mark
    terms: dict[str, list[str | None]] = field(default_factory=dict)  # grade 11: course → this year's semester marks
    exams: dict[str, tuple[str, str]] = field(default_factory=dict)   # subject → (form, result)
    prior: dict[tuple[str, int], list[str]] = field(default_factory=dict)  # (subject, grade) → that year's marks


@dataclass(frozen=True)
class AttestatRow:
    subject: str                    # as the attestat names it
    final: str | None               # «5»…«2», «зачтено», «незачтено», «осв»; None: cannot be formed yet
    year: str | None = None         # the year mark it stands on (a subject of courses: their mean)
    exam: str | None = None         # the ОГЭ/ГВЭ mark that entered it (grade 9)
    source: str = ""                # how it was formed, for people: «Алгебра 4, Геометрия 5», «за 7 класс»
    from_grade: int | None = None   # the grade of its year mark when earlier than the attestat's


@dataclass(frozen=True)
class Condition:
    """One condition of the аттестат с отличием and whether the pupil meets it (None: not
    checked by zhurnal, the school checks it)."""

    text: str
    met: bool | None
    detail: str = ""


def _mean(marks: Sequence[str]) -> str:
    return str(round_half_up(Fraction(sum(int(m) for m in marks), len(marks))))


def _exam(marks: PupilMarks, names: Sequence[str]) -> tuple[str | None, str | None]:
    """(form, mark) of the first ОГЭ/ГВЭ mark stored against one of ``names``."""
    for name in names:
        form, result = marks.exams.get(name, (None, None))
        if form in GIA_9 and result is not None and result.isdigit():
            return form, result
    return None, None


def _row_9(rules: AttestatRules, name: str, courses: tuple[str, ...], marks: PupilMarks) -> AttestatRow:
    form, exam = _exam(marks, [name, *courses])
    years = [marks.year.get(c) for c in courses]
    if courses == (name,):
        return AttestatRow(name, final_mark_9(years[0], exam, form), years[0], exam)
    source = ", ".join(f"{c} {y or '—'}" for c, y in zip(courses, years, strict=True))
    graded = [y for y in years if y != EXEMPT]
    if not graded:
        return AttestatRow(name, EXEMPT, EXEMPT, None, source)
    if not all(y is not None and y.isdigit() for y in graded):
        return AttestatRow(name, None, None, exam, source)
    digits = [y for y in graded if y is not None]
    year = _mean(digits)
    if exam is not None and rules.combine == "one_mean":
        return AttestatRow(name, _mean([*digits, exam]), year, exam, source)
    return AttestatRow(name, final_mark_9(year, exam, form), year, exam, source)


def _row_11(name: str, courses: tuple[str, ...], marks: PupilMarks) -> AttestatRow:
    pooled: list[str | None] = []
    for course in courses:
        this_year = marks.terms.get(course, [])
        year = marks.year.get(course)
        if year is None or None in this_year:
            return AttestatRow(name, None, year if courses == (name,) else None)
        pooled += [*marks.prior.get((course, 10), []), *this_year, year]
    source = "" if courses == (name,) else ", ".join(courses)
    return AttestatRow(name, final_mark_11(pooled), marks.year.get(name) if courses == (name,) else None,
                       source=source)


def attestat(rules: AttestatRules, marks: PupilMarks) -> list[AttestatRow]:
    """Every subject of the pupil's attestat of ``rules.grade``, by subject name."""
    rows: dict[str, AttestatRow] = {}
    taken: set[str] = set()
    for name, courses in rules.courses.items():
        present = tuple(c for c in courses if c in marks.year)
        if present:
            rows[name] = _row_9(rules, name, present, marks) if rules.grade == 9 else _row_11(name, present, marks)
            taken |= set(present)
    for subject in marks.year:
        if subject not in taken:
            rows[subject] = _row_9(rules, subject, (subject,), marks) if rules.grade == 9 \
                else _row_11(subject, (subject,), marks)
    for subject, last in rules.finished_early().items():
        if subject not in rows:
            year = next(iter(marks.prior.get((subject, last), [])), None)
            rows[subject] = AttestatRow(subject, final_mark_9(year), year, None, f"за {last} класс", last)
    return sorted(rows.values(), key=lambda r: r.subject)


def missing_early(rules: AttestatRules, rows: Sequence[AttestatRow]) -> list[tuple[str, int]]:
    """(subject, last grade) of the subjects finished before grade 9 whose year mark is missing."""
    return [(r.subject, r.from_grade) for r in rows if r.from_grade is not None and r.year is None]


def honours(rules: AttestatRules, rows: Sequence[AttestatRow], marks: PupilMarks) -> list[Condition]:
    """The аттестат с отличием conditions (приказ № 546: final marks «отлично» in every subject
    of the curriculum studied at the level, and the ГИА passed), each checked: grade 9's ГИА as
    every ОГЭ/ГВЭ mark at least ``rules.honours_exam_min``; grade 11's ЕГЭ minimum points are
    Рособрнадзор's, not kept here, so that condition is listed unchecked (None)."""
    short = [r for r in rows if r.final not in ("5", PASSED, EXEMPT)]
    detail = "; ".join(f"{r.subject} «{r.final}»" if r.final else f"{r.subject}: нет итоговой отметки" for r in short)
    found = [Condition("итоговые отметки «5» по всем предметам", bool(rows) and not short, detail)]
    if rules.grade == 9:
        low = [f"{form} {subject} «{result}»" for subject, (form, result) in sorted(marks.exams.items())
               if form in GIA_9 and (not result.isdigit() or int(result) < rules.honours_exam_min)]
        found.append(Condition(f"ГИА пройдена: ОГЭ и ГВЭ не ниже «{rules.honours_exam_min}»", not low, "; ".join(low)))
    else:
        found.append(Condition("ГИА пройдена: ЕГЭ не ниже минимальных баллов", None, "сверить с результатами ГИА"))
    return found


def honours_eligible(conditions: Sequence[Condition]) -> bool:
    """True when no condition fails (an unchecked one is left to the school)."""
    return all(c.met is not False for c in conditions)
