"""Applying an attendance register: merged three ways against the copy it was filled from
(see :mod:`zhurnal.merge.bases`); a register issued before bases is authoritative for its
class's school days of the week. A cell is a student's day: lessons missed and the reason."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from zhurnal.kinds.attendance.notes import NoteRead, notes_state, plan_notes, stored_notes, write_notes
from zhurnal.kinds.attendance.notes import stored_state as notes_state_of
from zhurnal.kinds.attendance.records import AbsenceRead, AttendanceRead
from zhurnal.merge.bases import Merger, RecordedPlan, State
from zhurnal.merge.guards import ChangeGuard
from zhurnal.merge.sync import Changes, record_revision
from zhurnal.school.calendar import Week
from zhurnal.school.snapshot import School
from zhurnal.store import queries as q
from zhurnal.store import schema as s


@dataclass
class AttendancePlan(RecordedPlan):
    changes: list[tuple[AbsenceRead, dict | None]] = field(default_factory=list)
    notes: list[tuple[NoteRead, dict | None]] = field(default_factory=list)
    week: str = ""
    author: str = ""

    def write(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        return apply_attendance(conn, self, school_id=school_id, submission_id=submission_id)


def _key(student_id: int, day) -> str:
    return f"{student_id}/{day}"           # the key its revisions carry too


def _value(lessons: int | None, reason: str | None) -> str | None:
    return f"{lessons} {reason or ''}".strip() if lessons else None


def read_state(read: AttendanceRead, school: School) -> State:
    """What a submitted register holds: ``<student id>/<date>`` → "lessons reason" (None: present),
    and ``@<class>/<date>`` for every day it covers (so "present all day" can be told from "no
    register")."""
    state: State = {_key(a.student_id, a.date): _value(a.lessons, a.reason) for a in read.absences}
    state.update({f"@{school.students[a.student_id]['class_code']}/{a.date}": True
                  for a in read.absences if a.student_id in school.students})
    state.update(notes_state(read.notes))
    return state


def register_days(conn: Connection, school_id: int, week: Week) -> set[tuple[str, dt.date]]:
    """(class, day) pairs of ``week`` that an accepted attendance register covered."""
    rows = conn.execute(select(s.submission_states.c.state).join(
        s.submissions, s.submissions.c.id == s.submission_states.c.submission_id).where(
        s.submissions.c.school_id == school_id, s.submissions.c.kind == "attendance",
        s.submissions.c.status == "accepted", s.submissions.c.week == week.label)).all()
    found = set()
    for row in rows:
        for key in json.loads(row.state):
            if key.startswith("@"):
                class_code, _, day = key[1:].rpartition("/")
                found.add((class_code, dt.date.fromisoformat(day)))
    return found


def stored_state(absences: list[dict], notes: dict[tuple[str, int], dict] | None = None) -> State:
    """The same for stored absences (and the class teacher's stored notes, :mod:`.notes`)."""
    return {_key(a["student_id"], a["date"]): _value(a["lessons"], a["reason"]) for a in absences} \
        | notes_state_of(notes or {})


def plan_attendance(conn: Connection, school: School, read: AttendanceRead, guard: ChangeGuard,
                    base: State | None = None) -> AttendancePlan:
    """What applying ``read`` would change, merged against ``base`` (None: authoritative)."""
    plan = AttendancePlan(week=read.week.label, author=read.author)
    merge = Merger(conn, school.school_id, base)
    stored = {(a["student_id"], a["date"]): a
              for a in q.absences_between(conn, school.school_id, read.week.monday, read.week.sunday)}
    for item in read.absences:
        old = stored.get((item.student_id, item.date))
        before = (old["lessons"], old["reason"]) if old else (None, None)
        if before == (item.lessons, item.reason):
            continue
        theirs = _value(*before)
        if merge.value(_key(item.student_id, item.date), _value(item.lessons, item.reason), theirs,
                       sheet=item.sheet, cell=item.ref, entity="absences") == theirs:
            continue
        plan.changes.append((item, old))
        class_code = school.students[item.student_id]["class_code"]
        plan.findings += guard.check(class_code, item.date, item.sheet, item.ref, item.lessons)
    plan.notes = plan_notes(read.notes, stored_notes(conn, school.school_id, read.week.label, read.class_codes),
                            merge, read.week.label)
    plan.findings += merge.findings
    return plan


def apply_attendance(conn: Connection, plan: AttendancePlan, *, school_id: int, submission_id: int) -> Changes:
    changes = Changes()
    for item, old in plan.changes:
        new = {"lessons": item.lessons, "reason": item.reason} if item.lessons else None
        changes.write(conn, s.absences, {"school_id": school_id, "student_id": item.student_id, "date": item.date},
                      new, existed=old is not None)
        record_revision(conn, school_id=school_id, submission_id=submission_id, entity="absences",
                        key=f"{item.student_id}/{item.date}",
                        old={"lessons": old["lessons"], "reason": old["reason"]} if old else None, new=new)
    write_notes(conn, plan.notes, school_id=school_id, submission_id=submission_id, week=plan.week,
                author=plan.author, changes=changes)
    return changes
