"""Applying period marks: merged three ways against the copy they were filled from (see
:mod:`zhurnal.merge.bases`); a workbook issued before bases is authoritative for the students
and subjects of its sheets. A cell is one student's mark in one subject for the period."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from zhurnal.core.findings import finding
from zhurnal.kinds.period.records import PeriodMarkRead, PeriodRead
from zhurnal.merge.bases import Merger, RecordedPlan, State
from zhurnal.merge.sync import Changes, record_revision
from zhurnal.school.snapshot import School
from zhurnal.store import queries as q
from zhurnal.store import schema as s


@dataclass
class PeriodPlan(RecordedPlan):
    period: str
    teacher: str
    changes: list[tuple[PeriodMarkRead, str | None]] = field(default_factory=list)

    def write(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        return apply_period(conn, self, school_id=school_id, submission_id=submission_id)


def mark_key(student_id: int, subject: str, period: str) -> str:
    return f"{student_id}/{subject}/{period}"      # the key its revisions carry too


def read_state(read: PeriodRead) -> State:
    """What a submitted period sheet holds: ``<student id>/<subject>/<period>`` → mark."""
    return {mark_key(m.student_id, m.section.subject, read.period): m.mark for m in read.marks}


def plan_period(conn: Connection, school: School, read: PeriodRead, base: State | None = None) -> PeriodPlan:
    """What applying ``read`` would change, merged against ``base`` (None: authoritative)."""
    plan = PeriodPlan(read.period, read.teacher)
    merge = Merger(conn, school.school_id, base)
    stored = {(r["student_id"], r["subject"]): r["mark"]
              for r in q.table_rows(conn, s.period_marks, school.school_id, period=read.period)}
    for item in read.marks:
        old = stored.get((item.student_id, item.section.subject))
        if old == item.mark:
            continue
        if merge.value(mark_key(item.student_id, item.section.subject, read.period), item.mark, old,
                       sheet=item.sheet, cell=item.ref, entity="period_marks") == old:
            continue
        plan.changes.append((item, old))
        if school.year_closed:
            plan.findings.append(finding("year-closed", sheet=item.sheet, cell=item.ref, value=item.mark,
                                         year=school.year_label))
        elif read.period in school.closed_periods:
            plan.findings.append(finding("period-closed", sheet=item.sheet, cell=item.ref, value=item.mark,
                                         period=read.period))
    plan.findings += merge.findings
    return plan


def apply_period(conn: Connection, plan: PeriodPlan, *, school_id: int, submission_id: int) -> Changes:
    changes = Changes()
    for item, old in plan.changes:
        keys = {"school_id": school_id, "student_id": item.student_id, "subject": item.section.subject,
                "period": plan.period}
        changes.write(conn, s.period_marks, keys, {"mark": item.mark, "teacher": plan.teacher} if item.mark else None,
                      existed=old is not None)
        record_revision(conn, school_id=school_id, submission_id=submission_id, entity="period_marks",
                        key=f"{item.student_id}/{item.section.subject}/{plan.period}",
                        old={"mark": old} if old else None, new={"mark": item.mark} if item.mark else None)
    return changes
