"""The summary ledger of a class's marks for a year («сводная ведомость учёта успеваемости»):
one row per pupil × subject with the period marks, the year mark, the exam mark and the final
(attestat) mark. The year close archive prints it; the year report counts from it.

Interface shared by the year modules: ``summary_ledger`` is the one way to read the ledger.
Until year and final marks are stored, it holds the period marks only."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from zhurnal.store import schema as s


@dataclass(frozen=True)
class LedgerRow:
    student_id: int
    student_name: str                      # full name as in the roster
    subject: str
    periods: dict[str, str] = field(default_factory=dict)   # period code → mark as stored («5», «н/а», «зач», «осв»)
    year: str | None = None                # the year mark
    exam: str | None = None                # the exam mark (ОГЭ/ГВЭ, grade 9), None without an exam
    final: str | None = None               # the final (attestat) mark, grades 9 and 11 only


def summary_ledger(conn: Connection, school_id: int, class_code: str) -> list[LedgerRow]:
    """Every pupil × subject row of ``class_code``'s ledger, ordered by pupil name then subject.

    Pupils are those of the class at any time in the year (a pupil who left keeps their rows).
    """
    st, pm = s.students, s.period_marks
    rows = conn.execute(
        select(st.c.id, st.c.full_name, pm.c.subject, pm.c.period, pm.c.mark)
        .join(pm, pm.c.student_id == st.c.id)
        .where(st.c.school_id == school_id, st.c.class_code == class_code)
        .order_by(st.c.full_name, st.c.id, pm.c.subject, pm.c.period)
    ).all()
    ledger: dict[tuple[int, str], LedgerRow] = {}
    for sid, name, subject, period, mark in rows:
        row = ledger.setdefault((sid, subject), LedgerRow(sid, name, subject))
        row.periods[period] = mark
    return list(ledger.values())
