"""Applying an attendance register: authoritative for its class's school days of the week."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, delete, insert, update

from zhurnal.findings import Finding
from zhurnal.merge.guards import ChangeGuard
from zhurnal.merge.sync import Changes, record_revision
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.store.snapshot import School
from zhurnal.validate.attendance_rules import AbsenceRead, AttendanceRead


@dataclass
class AttendancePlan:
    changes: list[tuple[AbsenceRead, dict | None]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def apply(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        return apply_attendance(conn, self, school_id=school_id, submission_id=submission_id)


def plan_attendance(conn: Connection, school: School, read: AttendanceRead, guard: ChangeGuard) -> AttendancePlan:
    plan = AttendancePlan()
    stored = {(a["student_id"], a["date"]): a
              for a in q.absences_between(conn, school.school_id, read.week.monday, read.week.sunday)}
    for item in read.absences:
        old = stored.get((item.student_id, item.date))
        before = (old["lessons"], old["reason"]) if old else (None, None)
        if before == (item.lessons, item.reason):
            continue
        plan.changes.append((item, old))
        class_code = school.students[item.student_id]["class_code"]
        plan.findings += guard.check(class_code, item.date, item.sheet, item.ref, item.lessons)
    return plan


def apply_attendance(conn: Connection, plan: AttendancePlan, *, school_id: int, submission_id: int) -> Changes:
    changes = Changes()
    A = s.absences
    for item, old in plan.changes:
        where = and_(A.c.student_id == item.student_id, A.c.date == item.date)
        new = {"lessons": item.lessons, "reason": item.reason} if item.lessons else None
        if old is None:
            conn.execute(insert(A).values(school_id=school_id, student_id=item.student_id, date=item.date, **new))
            changes.inserted += 1
        elif new is None:
            conn.execute(delete(A).where(where))
            changes.removed += 1
        else:
            conn.execute(update(A).where(where).values(**new))
            changes.updated += 1
        record_revision(conn, school_id=school_id, submission_id=submission_id, entity="absences",
                        key=f"{item.student_id}/{item.date}",
                        old={"lessons": old["lessons"], "reason": old["reason"]} if old else None, new=new)
    return changes
