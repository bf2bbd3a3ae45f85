"""Applying a year workbook: the year marks as period marks of the year period (see
:mod:`zhurnal.kinds.period.plan`), and the exams into ``exam_marks``; both merged three ways
against the copy they were filled from. An exam cell is a pupil's exam form and result in one
subject (``<student id>/<subject>/exam`` → ``ОГЭ|5``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, insert, update

from zhurnal.core.findings import finding
from zhurnal.kinds.period.plan import PeriodPlan, mark_key, plan_period
from zhurnal.kinds.period.plan import read_state as period_state
from zhurnal.kinds.year.records import ExamRead, YearRead
from zhurnal.merge.bases import Merger, RecordedPlan, State
from zhurnal.merge.sync import Changes, record_revision
from zhurnal.school.snapshot import School
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.store.delete import delete_rows

# The issued base of a year workbook holds each year-mark cell as prefilled (the computed mark
# where none is stored), so that copies of one issue are told apart by what their teachers
# changed (see zhurnal.merge.bases); under this key it keeps what the store held for those
# cells when issued. An ``@`` key says nothing about descent.
STORED = "@stored"


def merge_base(base: State | None, mine: State, now: State) -> State | None:
    """The base each cell is merged against (``mine``: the copy's cells, ``now``: the store's).

    A prefilled computed mark left as it was confirms it where the store still has none (base:
    empty, so the copy's mark is taken) and keeps a mark stored since (base: the prefill, so the
    store's is kept). A changed one is taken while the store holds what it held when issued or
    the prefill the teacher saw (another copy confirmed it), else it is a conflict. An accepted
    copy's state is already what the store took: it is the base as it is."""
    if base is None or STORED not in base:
        return base
    merged = {k: v for k, v in base.items() if k != STORED}
    for key, stored in base[STORED].items():
        prefill, current = merged.get(key), now.get(key)
        if mine.get(key) != prefill:
            merged[key] = current if current in (prefill, stored) else stored
        elif current is None:
            merged[key] = None
    return merged


def exam_key(student_id: int, subject: str) -> str:
    return f"{student_id}/{subject}/exam"


def read_state(read: YearRead) -> State:
    """What a submitted year workbook holds: its year marks' keys and its exams' keys."""
    state: State = {}
    for marks in read.marks.values():
        state.update(period_state(marks))
    state.update({exam_key(e.student_id, e.section.subject): e.value for e in read.exams})
    return state


def stored_exams(conn: Connection, school_id: int) -> dict[tuple[int, str], str]:
    """(student id, subject) → ``form|result`` as the store holds it."""
    return {(r["student_id"], r["subject"]): f"{r['form']}|{r['result']}"
            for r in q.table_rows(conn, s.exam_marks, school_id)}


@dataclass
class YearPlan(RecordedPlan):
    teacher: str
    periods: list[PeriodPlan] = field(default_factory=list)
    exams: list[tuple[ExamRead, str | None]] = field(default_factory=list)    # (new, old «form|result»)

    def write(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        changes = Changes()
        for plan in self.periods:
            changes += plan.write(conn, school_id, submission_id)
        E = s.exam_marks
        for item, old in self.exams:
            where = and_(E.c.school_id == school_id, E.c.student_id == item.student_id,
                         E.c.subject == item.section.subject)
            if old is None:
                conn.execute(insert(E).values(school_id=school_id, student_id=item.student_id,
                                              subject=item.section.subject, form=item.form, result=item.result,
                                              teacher=self.teacher))
                changes.inserted += 1
            elif item.form is None:
                delete_rows(conn, E, where)
                changes.removed += 1
            else:
                conn.execute(update(E).where(where).values(form=item.form, result=item.result, teacher=self.teacher))
                changes.updated += 1
            record_revision(conn, school_id=school_id, submission_id=submission_id, entity="exam_marks",
                            key=f"{item.student_id}/{item.section.subject}",
                            old=_exam_row(old), new=_exam_row(item.value))
        return changes


def _exam_row(value: str | None) -> dict | None:
    if value is None:
        return None
    form, result = value.split("|", 1)
    return {"form": form, "result": result}


def plan_year(conn: Connection, school: School, read: YearRead, base: State | None = None) -> YearPlan:
    """What applying ``read`` would change, merged against ``base`` (None: authoritative)."""
    plan = YearPlan(teacher=read.teacher)
    now = {mark_key(r["student_id"], r["subject"], r["period"]): r["mark"]
           for code in read.marks for r in q.table_rows(conn, s.period_marks, school.school_id, period=code)}
    base = merge_base(base, read_state(read), now)
    for marks in read.marks.values():
        period = plan_period(conn, school, marks, base)
        plan.periods.append(period)
        plan.findings += period.findings
    merge = Merger(conn, school.school_id, base)
    stored = stored_exams(conn, school.school_id)
    for item in read.exams:
        old = stored.get((item.student_id, item.section.subject))
        if old == item.value:
            continue
        if merge.value(exam_key(item.student_id, item.section.subject), item.value, old, sheet=item.sheet,
                       cell=item.ref, entity="exam_marks",
                       revision_key=f"{item.student_id}/{item.section.subject}") == old:
            continue
        plan.exams.append((item, old))
        year = school.calendar.year_period(school.grade(item.section.class_code))
        if year and year["code"] in school.closed_periods:      # a closed year takes no exam results either
            plan.findings.append(finding("period-closed", sheet=item.sheet, cell=item.ref, value=item.result,
                                         period=year["code"]))
    plan.findings += merge.findings
    return plan
