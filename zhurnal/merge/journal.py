"""Applying a journal: the workbook is authoritative for the lessons it covers.

The plan is computed against the store before anything is written, so that a change in a
closed period (or outside the editing window) can reject the workbook. Applying it writes
lessons and cells, deletes cleared cells and dropped extra lessons, and records a revision
for every change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, delete, insert, update

from zhurnal.findings import Finding, Severity, finding
from zhurnal.merge.guards import ChangeGuard
from zhurnal.merge.sync import Changes, record_revision
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.store.snapshot import School
from zhurnal.validate.journal_rules import JournalRead, LessonRead

@dataclass
class JournalPlan:
    teacher: str
    fields: tuple[str, ...]                                                      # lesson fields declared
    lessons: list[tuple[LessonRead, dict | None]] = field(default_factory=list)   # (read, stored)
    entries: dict[int, dict[int, dict]] = field(default_factory=dict)            # lesson id → student → row
    dropped: list[dict] = field(default_factory=list)                            # extra lessons removed
    findings: list[Finding] = field(default_factory=list)

    def apply(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        return apply_journal(conn, self, school_id=school_id, submission_id=submission_id)


def _lesson_label(lesson: dict) -> str:
    return "/".join(str(lesson[k]) for k in ("class_code", "subject", "subgroup", "date", "lesson_no"))


def plan_journal(conn: Connection, school: School, read: JournalRead, guard: ChangeGuard) -> JournalPlan:
    """What applying ``read`` would change, with findings about changes that may not be made."""
    plan = JournalPlan(read.teacher, read.fields)
    stored = q.lessons_between(conn, school.school_id, read.week.monday, read.week.sunday)
    by_key = {(l["class_code"], l["subject"], l["subgroup"], l["date"], l["lesson_no"]): l for l in stored}
    for entry in q.entries_of(conn, [l["id"] for l in stored]):
        plan.entries.setdefault(entry["lesson_id"], {})[entry["student_id"]] = entry
    read_keys = {lesson.key for lesson in read.lessons}
    covered = {(c.class_code, c.subject, c.subgroup) for c in read.covered}
    for lesson in read.lessons:
        old = by_key.get(lesson.key)
        plan.lessons.append((lesson, old))
        old_entries = plan.entries.get(old["id"], {}) if old else {}
        for item in read.fields:
            before = old.get(item) if old else None
            if lesson.fields.get(item) != before and (lesson.fields.get(item) is not None or old):
                plan.findings += guard.check(lesson.section.class_code, lesson.date, lesson.sheet,
                                             lesson.refs.get(item, ""), lesson.fields.get(item))
        for student_id, (cell, ref) in lesson.cells.items():
            before = old_entries.get(student_id)
            if (before["marks"], before["presence"]) != (cell.marks, cell.presence) if before else not cell.empty:
                plan.findings += guard.check(lesson.section.class_code, lesson.date, lesson.sheet, ref, cell.shown())
        took_place = lesson.date <= guard.today and (lesson.cells or not lesson.extra)
        if took_place and not lesson.fields.get("topic"):
            plan.findings.append(finding("topic-missing", severity=Severity.WARNING, sheet=lesson.sheet,
                                         cell=lesson.refs.get("topic", ""), date=f"{lesson.date:%d.%m}"))
        if took_place and not lesson.fields.get("homework"):
            plan.findings.append(finding("homework-missing", severity=Severity.WARNING, sheet=lesson.sheet,
                                         cell=lesson.refs.get("homework", ""), date=f"{lesson.date:%d.%m}"))
    for key, old in by_key.items():
        if old["extra"] and key[:3] in covered and key not in read_keys:
            plan.dropped.append(old)
    # findings about the same cell from several fields collapse to one
    plan.findings = list(dict.fromkeys(plan.findings))
    return plan


def _lesson_row(lesson: LessonRead, plan: JournalPlan) -> dict:
    section = lesson.section
    return {"class_code": section.class_code, "subject": section.subject, "subgroup": section.subgroup,
            "date": lesson.date, "lesson_no": lesson.lesson_no, "teacher": plan.teacher, "extra": lesson.extra,
            **{k: lesson.fields.get(k) for k in plan.fields}}


def apply_journal(conn: Connection, plan: JournalPlan, *, school_id: int, submission_id: int) -> Changes:
    """Write the plan in the open transaction."""
    changes = Changes()
    ids = {"school_id": school_id, "submission_id": submission_id}
    E = s.journal_entries
    for lesson, old in plan.lessons:
        new = _lesson_row(lesson, plan)
        label = _lesson_label(new)
        if old is None:
            lesson_id = conn.execute(insert(s.lessons).values(school_id=school_id, **new)).inserted_primary_key[0]
            record_revision(conn, entity="lessons", key=label, old=None, new=new, **ids)
            changes.inserted += 1
        else:
            lesson_id = old["id"]
            compare = {k: new[k] for k in (*plan.fields, "teacher")}
            if any(old[k] != v for k, v in compare.items()):
                conn.execute(update(s.lessons).where(s.lessons.c.id == lesson_id).values(**compare))
                record_revision(conn, entity="lessons", key=label, old={k: old[k] for k in compare},
                                new=compare, **ids)
                changes.updated += 1
        stored = plan.entries.get(old["id"], {}) if old else {}
        for student_id, (cell, _) in lesson.cells.items():
            before = stored.get(student_id)
            key = f"{label}/{student_id}"
            where = and_(E.c.lesson_id == lesson_id, E.c.student_id == student_id)
            value = {"marks": cell.marks, "presence": cell.presence}
            if before is None and not cell.empty:
                conn.execute(insert(E).values(school_id=school_id, lesson_id=lesson_id, student_id=student_id, **value))
                changes.inserted += 1
            elif before is not None and cell.empty:
                conn.execute(delete(E).where(where))
                changes.removed += 1
            elif before is not None and (before["marks"], before["presence"]) != (cell.marks, cell.presence):
                conn.execute(update(E).where(where).values(**value))
                changes.updated += 1
            else:
                continue
            old_value = {"marks": before["marks"], "presence": before["presence"]} if before else None
            record_revision(conn, entity="journal_entries", key=key, old=old_value,
                            new=None if cell.empty else value, **ids)
    for old in plan.dropped:
        label = _lesson_label(old)
        for student_id, before in plan.entries.get(old["id"], {}).items():
            record_revision(conn, entity="journal_entries", key=f"{label}/{student_id}",
                            old={"marks": before["marks"], "presence": before["presence"]}, new=None, **ids)
        conn.execute(delete(E).where(E.c.lesson_id == old["id"]))
        conn.execute(delete(s.lessons).where(s.lessons.c.id == old["id"]))
        record_revision(conn, entity="lessons", key=label, old={k: old[k] for k in plan.fields}, new=None, **ids)
        changes.removed += 1
    return changes
