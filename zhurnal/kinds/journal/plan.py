"""Applying a journal: merged three ways against the copy it was filled from.

For every cell (a student's marks and presence in a lesson), every lesson field (topic,
homework and its due date, work type, ICT) and every remark to a student for a lesson: what the teacher changed relative to the base (the copy as issued,
or the accepted submission this copy continues, see :mod:`zhurnal.merge.bases`) is applied; a
cleared cell deletes the mark; what changed in the store since the base and not in this copy
is kept; a cell changed on both sides to different values is a ``merge-conflict``. A workbook
issued before bases were recorded is authoritative for its lessons, as it always was.

The plan is computed against the store before anything is written, so that a change in a
closed period (or outside the editing window) can reject the workbook. Applying it writes
lessons and cells, deletes cleared cells and dropped extra lessons, and records a revision
for every change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, bindparam, insert, update

from zhurnal.core.findings import Finding, Severity, finding
from zhurnal.kinds.attendance.plan import register_days
from zhurnal.kinds.journal.records import JournalRead, LessonRead
from zhurnal.kinds.journal.remarks import resolved_remarks, write_remarks
from zhurnal.merge.bases import Merger, RecordedPlan, State
from zhurnal.merge.guards import ChangeGuard
from zhurnal.merge.sync import Changes, RevisionLog
from zhurnal.school.marks import Cell
from zhurnal.school.snapshot import School
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.store.delete import delete_keys, delete_rows


@dataclass
class JournalPlan(RecordedPlan):
    teacher: str
    fields: tuple[str, ...]                                                      # lesson fields declared
    lessons: list[tuple[LessonRead, dict | None]] = field(default_factory=list)   # (read, stored)
    entries: dict[int, dict[int, dict]] = field(default_factory=dict)            # lesson id → student → row
    remarks: dict[int, dict[int, dict]] = field(default_factory=dict)            # lesson id → student → remark
    dropped: list[dict] = field(default_factory=list)                            # extra lessons removed

    def write(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        return apply_journal(conn, self, school_id=school_id, submission_id=submission_id)


def _lesson_label(lesson: dict) -> str:
    return "/".join(str(lesson[k]) for k in ("class_code", "subject", "subgroup", "date", "lesson_no"))


def _label(key: tuple) -> str:
    return "/".join(str(part) for part in key)


def _shown(marks: str, presence: str) -> str | None:
    return Cell(marks, presence).shown() or None


def read_state(read: JournalRead) -> State:
    """What a submitted journal holds, as cell key → value (the keys of :mod:`zhurnal.merge.bases`):
    ``@<lesson>`` → True, ``<lesson>#<field>`` → the field, ``<lesson>/<student id>`` → the cell,
    ``<lesson>!<student id>`` → the remark to the student."""
    state: State = {}
    for lesson in read.lessons:
        label = _label(lesson.key)
        state[f"@{label}"] = True
        state.update({f"{label}#{item}": lesson.fields.get(item) for item in read.fields})
        state.update({f"{label}/{sid}": cell.shown() or None for sid, (cell, _) in lesson.cells.items()})
        state.update({f"{label}!{sid}": text for sid, (text, _) in lesson.remarks.items()})
    return state


def stored_state(lessons: list[dict], entries: list[dict], fields: tuple[str, ...],
                 remarks: Sequence[dict] = ()) -> State:
    """The same for what the store holds of ``lessons`` (with their ``entries`` and ``remarks``)."""
    state: State = {}
    labels = {}
    for lesson in lessons:
        labels[lesson["id"]] = label = _lesson_label(lesson)
        state[f"@{label}"] = True
        state.update({f"{label}#{item}": lesson.get(item) for item in fields})
    for entry in entries:
        if entry["lesson_id"] in labels:
            state[f"{labels[entry['lesson_id']]}/{entry['student_id']}"] = _shown(entry["marks"], entry["presence"])
    for remark in remarks:
        if remark["lesson_id"] in labels:
            state[f"{labels[remark['lesson_id']]}!{remark['student_id']}"] = remark["text"]
    return state


def plan_journal(conn: Connection, school: School, read: JournalRead, guard: ChangeGuard,
                 base: State | None = None) -> JournalPlan:
    """What applying ``read`` would change, merged against ``base`` (None: the copy is
    authoritative), with findings about changes that may not be made."""
    plan = JournalPlan(read.teacher, read.fields)
    merge = Merger(conn, school.school_id, base)
    read_keys = {lesson.key for lesson in read.lessons}
    covered = {(c.class_code, c.subject, c.subgroup) for c in read.covered}
    # only the lessons this journal can touch: the whole school's week would make every
    # workbook of a batch load every other one's cells
    sections = covered | {key[:3] for key in read_keys}
    stored = [l for l in q.lessons_between(conn, school.school_id, read.week.monday, read.week.sunday,
                                           classes={c for c, _, _ in sections})
              if (l["class_code"], l["subject"], l["subgroup"]) in sections]
    by_key = {(l["class_code"], l["subject"], l["subgroup"], l["date"], l["lesson_no"]): l for l in stored}
    for entry in q.entries_of(conn, [l["id"] for l in stored]):
        plan.entries.setdefault(entry["lesson_id"], {})[entry["student_id"]] = entry
    for remark in q.remarks_of(conn, [l["id"] for l in stored]):
        plan.remarks.setdefault(remark["lesson_id"], {})[remark["student_id"]] = remark
    deleted: list[str] = []
    absences, absent_all_day = _absences(conn, school, read)
    register = register_days(conn, school.school_id, read.week)
    for mine in read.lessons:
        old = by_key.get(mine.key)
        old_entries = plan.entries.get(old["id"], {}) if old else {}
        lesson = _resolved(mine, old, old_entries, read.fields, merge, deleted)
        lesson = resolved_remarks(lesson, plan.remarks.get(old["id"], {}) if old else {}, merge)
        plan.lessons.append((lesson, old))
        plan.findings += _against_register(lesson, absences, absent_all_day, register)
        for item in read.fields:
            before = old.get(item) if old else None
            if lesson.fields.get(item) != before and (lesson.fields.get(item) is not None or old):
                plan.findings += guard.check(lesson.section.class_code, lesson.date, lesson.sheet,
                                             lesson.refs.get(item, ""), lesson.fields.get(item))
        for student_id, (cell, ref) in lesson.cells.items():
            before = old_entries.get(student_id)
            if (before["marks"], before["presence"]) != (cell.marks, cell.presence) if before else not cell.empty:
                plan.findings += guard.check(lesson.section.class_code, lesson.date, lesson.sheet, ref, cell.shown())
        old_remarks = plan.remarks.get(old["id"], {}) if old else {}
        for student_id, (text, ref) in lesson.remarks.items():
            if text != (old_remarks[student_id]["text"] if student_id in old_remarks else None):
                plan.findings += guard.check(lesson.section.class_code, lesson.date, lesson.sheet, ref, text)
        took_place = lesson.date <= guard.today and (lesson.cells or not lesson.extra)
        if took_place and not lesson.fields.get("topic"):
            plan.findings.append(finding("topic-missing", severity=Severity.WARNING, sheet=lesson.sheet,
                                         cell=lesson.refs.get("topic", ""), date=f"{lesson.date:%d.%m}",
                                         lesson_no=lesson.lesson_no))
        if took_place and not lesson.fields.get("homework") \
                and school.grade(lesson.section.class_code) not in guard.settings.no_homework_grades:
            plan.findings.append(finding("homework-missing", severity=Severity.WARNING, sheet=lesson.sheet,
                                         cell=lesson.refs.get("homework", ""), date=f"{lesson.date:%d.%m}",
                                         lesson_no=lesson.lesson_no))
    for key, old in by_key.items():
        if old["extra"] and key[:3] in covered and key not in read_keys and (base is None or f"@{_label(key)}" in base):
            plan.dropped.append(old)
    plan.findings += merge.findings
    if len(deleted) > guard.settings.deletions_warning_above:
        plan.findings.append(finding("many-marks-deleted", severity=Severity.WARNING, value=len(deleted),
                                     cells=cell_list(deleted)))
    # findings about the same cell from several fields collapse to one
    plan.findings = list(dict.fromkeys(plan.findings))
    return plan


def cell_list(cells: list[str], shown: int = 30) -> str:
    """``cells`` joined by commas for a finding's message: the first ``shown`` of them, then «…»
    if there are more (a teacher reads the first ones; the rest only lengthen the message)."""
    return ", ".join(cells[:shown]) + (" …" if len(cells) > shown else "")


def _absences(conn: Connection, school: School, read: JournalRead) -> tuple[set, set]:
    """(student, day) pairs the class teachers' registers record as absent for some lessons, and
    for every lesson of the day."""
    some, whole = set(), set()
    for row in q.absences_between(conn, school.school_id, read.week.monday, read.week.sunday):
        student = school.students.get(row["student_id"])
        if student and row["lessons"]:
            some.add((row["student_id"], row["date"]))
            if row["lessons"] >= school.lessons_per_day(student["class_code"], row["date"]):
                whole.add((row["student_id"], row["date"]))
    return some, whole


def _against_register(lesson: LessonRead, absent: set, absent_all_day: set, register: set) -> list[Finding]:
    """Warnings where the journal and the class teacher's register disagree (the register may
    be the one that is wrong, so these never reject)."""
    found = []
    day = lesson.date
    covered = (lesson.section.class_code, day) in register
    for student_id, (cell, ref) in lesson.cells.items():
        if cell.marks and (student_id, day) in absent_all_day:
            code = "mark-on-absent-day"
        elif cell.presence == "н" and covered and (student_id, day) not in absent:
            code = "absent-but-present-in-register"
        else:
            continue
        found.append(finding(code, value=cell.shown(), sheet=lesson.sheet, cell=ref, severity=Severity.WARNING,
                             date=f"{day:%d.%m.%Y}"))
    return found


def _resolved(mine: LessonRead, old: dict | None, old_entries: dict, fields: tuple[str, ...], merge: Merger,
              deleted: list[str]) -> LessonRead:
    """``mine`` with every value the merge keeps from the store put back in place."""
    label = _label(mine.key)
    values = {item: merge.value(f"{label}#{item}", mine.fields.get(item), old.get(item) if old else None,
                                sheet=mine.sheet, cell=mine.refs.get(item, ""), entity="lessons",
                                revision_key=label)
              for item in fields}
    cells = {}
    for student_id, (cell, ref) in mine.cells.items():
        before = old_entries.get(student_id)
        theirs = _shown(before["marks"], before["presence"]) if before else None
        kept = merge.value(f"{label}/{student_id}", cell.shown() or None, theirs, sheet=mine.sheet, cell=ref,
                           entity="journal_entries")
        if kept == theirs and before is not None:
            cell = Cell(before["marks"], before["presence"])
        elif kept is None:
            cell = Cell()
        if before is not None and before["marks"] and cell.empty:
            deleted.append(f"{mine.sheet}!{ref}")
        cells[student_id] = (cell, ref)
    return dataclasses.replace(mine, fields=values, cells=cells)


def _lesson_row(lesson: LessonRead, plan: JournalPlan) -> dict:
    section = lesson.section
    return {"class_code": section.class_code, "subject": section.subject, "subgroup": section.subgroup,
            "date": lesson.date, "lesson_no": lesson.lesson_no, "teacher": plan.teacher, "extra": lesson.extra,
            **{k: lesson.fields.get(k) for k in plan.fields}}


def _insert_lessons(conn: Connection, school_id: int, rows: list[dict]) -> list[int]:
    """Insert new lessons in one statement; their ids in the order of ``rows``."""
    if not rows:
        return []
    query = insert(s.lessons).returning(s.lessons.c.id, sort_by_parameter_order=True)
    return [row[0] for row in conn.execute(query, [{"school_id": school_id, **row} for row in rows])]


def apply_journal(conn: Connection, plan: JournalPlan, *, school_id: int, submission_id: int) -> Changes:
    """Write the plan in the open transaction.

    Cells are written with one executemany per statement kind and the revisions with one more,
    in the order the plan lists them (a week's journal holds thousands of cells)."""
    changes = Changes()
    log = RevisionLog(school_id, submission_id)
    E = s.journal_entries
    rows = [_lesson_row(lesson, plan) for lesson, _ in plan.lessons]
    new_ids = iter(_insert_lessons(conn, school_id, [row for row, (_, old) in zip(rows, plan.lessons) if old is None]))
    inserts: list[dict] = []
    updates: list[dict] = []
    deletes: list[dict] = []
    for new, (lesson, old) in zip(rows, plan.lessons):
        label = _lesson_label(new)
        if old is None:
            lesson_id = next(new_ids)
            log.add("lessons", label, None, new)
            changes.inserted += 1
        else:
            lesson_id = old["id"]
            compare = {k: new[k] for k in (*plan.fields, "teacher")}
            if any(old[k] != v for k, v in compare.items()):
                conn.execute(update(s.lessons).where(s.lessons.c.id == lesson_id).values(**compare))
                log.add("lessons", label, {k: old[k] for k in compare}, compare)
                changes.updated += 1
        write_remarks(conn, lesson, plan.remarks.get(lesson_id, {}), lesson_id=lesson_id, label=label,
                      author=plan.teacher, school_id=school_id, log=log, changes=changes)
        stored = plan.entries.get(old["id"], {}) if old else {}
        for student_id, (cell, _) in lesson.cells.items():
            before = stored.get(student_id)
            value = {"marks": cell.marks, "presence": cell.presence}
            if before is None and not cell.empty:
                inserts.append({"school_id": school_id, "lesson_id": lesson_id, "student_id": student_id, **value})
                changes.inserted += 1
            elif before is not None and cell.empty:
                deletes.append({"lesson_id": lesson_id, "student_id": student_id})
                changes.removed += 1
            elif before is not None and (before["marks"], before["presence"]) != (cell.marks, cell.presence):
                updates.append({"at_lesson": lesson_id, "at_student": student_id, "new_marks": cell.marks,
                                "new_presence": cell.presence})
                changes.updated += 1
            else:
                continue
            old_value = {"marks": before["marks"], "presence": before["presence"]} if before else None
            log.add("journal_entries", f"{label}/{student_id}", old_value, None if cell.empty else value)
    at_cell = and_(E.c.lesson_id == bindparam("at_lesson"), E.c.student_id == bindparam("at_student"))
    delete_keys(conn, E, deletes)
    if updates:
        conn.execute(update(E).where(at_cell).values(marks=bindparam("new_marks"),
                                                     presence=bindparam("new_presence")), updates)
    if inserts:
        conn.execute(insert(E), inserts)
    for old in plan.dropped:
        label = _lesson_label(old)
        for student_id, before in plan.entries.get(old["id"], {}).items():
            log.add("journal_entries", f"{label}/{student_id}",
                    {"marks": before["marks"], "presence": before["presence"]}, None)
        for student_id, before in plan.remarks.get(old["id"], {}).items():
            log.add("remarks", f"{label}/{student_id}", {"remark": before["text"]}, None)
        delete_rows(conn, E, E.c.lesson_id == old["id"])
        delete_rows(conn, s.remarks, s.remarks.c.lesson_id == old["id"])
        delete_rows(conn, s.lessons, s.lessons.c.id == old["id"])
        log.add("lessons", label, {k: old[k] for k in plan.fields}, None)
        changes.removed += 1
    log.flush(conn)
    return changes
