"""Year marks from the period marks, and the rounding every year and final mark uses.

Rounding: «по правилам математического округления» (the attestat order's words, see
:mod:`zhurnal.year.final`): half up, so 3.5 → 4 and 4.5 → 5. Python's ``round`` rounds half to
even (``round(4.5) == 4``) and must never be used for a mark.

The year mark (``[marks] year_rule``):

- ``mean`` (default): the arithmetic mean of the grade's term marks (quarters Q1–Q4, or
  semesters H1, H2), rounded half up: 4, 5, 4, 5 → 4.5 → 5; 3, 4, 4, 4 → 3.75 → 4.
- ``mean_last_decides``: the same, but a mean of exactly .5 takes the side of the last term's
  mark (3, 4, 3, 4 → 4; 4, 3, 4, 3 → 3), as some schools' regulations say.

Marks other than 2–5 in the terms: «осв» (exempt for that term) leaves the term out, every
term «осв» gives «осв»; any «н/а» gives «н/а» (the teacher decides: the year workbook takes
another mark with a warning); a pass/fail subject gives «зач» when every term is «зач» (or
«осв»), «незач» when any term is «незач». A term without a stored mark gives no year mark yet
(None).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import Connection

from zhurnal.school.snapshot import School
from zhurnal.store import queries as q
from zhurnal.store import schema as s

RULES = ("mean", "mean_last_decides")


def round_half_up(value: Fraction | Decimal | int) -> int:
    """``value`` (≥ 0) to the nearest integer, a half going up (3.5 → 4, 4.5 → 5, 4.49 → 4),
    computed exactly (a Fraction, never a float)."""
    return math.floor(Fraction(value) + Fraction(1, 2))


def year_mark(terms: Sequence[str | None], rule: str = "mean") -> str | None:
    """The year mark from the term marks of one pupil and subject, in date order (see the
    module's text for the rules and the marks other than 2–5); None while a term has no mark."""
    if rule not in RULES:
        raise ValueError(f"unknown year rule {rule!r}; one of {', '.join(RULES)}")
    if not terms or any(t is None for t in terms):
        return None
    marks = [t for t in terms if t != "осв"]
    if not marks:
        return "осв"
    if "н/а" in marks:
        return "н/а"
    if all(m in ("зач", "незач") for m in marks):
        return "незач" if "незач" in marks else "зач"
    numbers = [int(m) for m in marks if m.isdigit()]
    if len(numbers) != len(marks):       # a 5-point subject with «зач» in a term: not computable
        return None
    mean = Fraction(sum(numbers), len(numbers))
    if rule == "mean_last_decides" and mean.denominator == 2:
        return str(int(mean + Fraction(1, 2)) if numbers[-1] > mean else int(mean - Fraction(1, 2)))
    return str(round_half_up(mean))


def term_codes(school: School, class_code: str) -> list[str]:
    """The codes of the terms of ``class_code``'s grade, in date order."""
    return [p["code"] for p in school.calendar.grade_terms(school.grade(class_code))]


def computed_year_marks(conn: Connection, school: School, class_code: str, rule: str = "mean"
                        ) -> dict[tuple[int, str], str | None]:
    """(student id, subject) → the year mark computed from the stored term marks of every pupil
    of ``class_code`` who has a term mark (None where a term mark is still missing)."""
    codes = term_codes(school, class_code)
    students = {sid for sid, st in school.students.items() if st["class_code"] == class_code}
    found: dict[tuple[int, str], dict[str, str]] = {}
    for row in q.table_rows(conn, s.period_marks, school.school_id):
        if row["student_id"] in students and row["period"] in codes:
            found.setdefault((row["student_id"], row["subject"]), {})[row["period"]] = row["mark"]
    return {key: year_mark([marks.get(code) for code in codes], rule) for key, marks in sorted(found.items())}
