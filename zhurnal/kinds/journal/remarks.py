"""Teachers' remarks to pupils in a journal (issue 28): merged three ways like a mark, written
with their author (the journal's teacher), each change a revision (entity ``remarks``, key
``<class>/<subject>/<subgroup>/<date>/<lesson no>/<pupil id>``, value ``{"remark": text}``).

The merge state keys them ``<lesson>!<pupil id>`` (:func:`zhurnal.kinds.journal.plan.read_state`).
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import Connection, and_, bindparam, insert, update

from zhurnal.kinds.journal.records import LessonRead
from zhurnal.merge.bases import Merger
from zhurnal.merge.sync import Changes, RevisionLog
from zhurnal.store import schema as s
from zhurnal.store.delete import delete_rows


def resolved_remarks(mine: LessonRead, stored: dict[int, dict], merge: Merger) -> LessonRead:
    """``mine`` with each remark the merge keeps from the store (a remark changed in the store
    since the base and also here, differently, is a ``merge-conflict`` at its cell)."""
    label = "/".join(str(part) for part in mine.key)
    kept: dict[int, tuple[str | None, str]] = {}
    for student_id, (text, ref) in mine.remarks.items():
        theirs = stored[student_id]["text"] if student_id in stored else None
        value = merge.value(f"{label}!{student_id}", text, theirs, sheet=mine.sheet, cell=ref,
                            entity="remarks", revision_key=f"{label}/{student_id}")
        kept[student_id] = (None if value is None else str(value), ref)
    return dataclasses.replace(mine, remarks=kept)


def write_remarks(conn: Connection, lesson: LessonRead, stored: dict[int, dict], *, lesson_id: int, label: str,
                  author: str, school_id: int, log: RevisionLog, changes: Changes) -> None:
    """The lesson's remarks written over ``stored`` (pupil → the remark the store holds), with
    ``author`` (the journal's teacher), each change a revision in ``log``."""
    R = s.remarks
    at = and_(R.c.lesson_id == lesson_id, R.c.student_id == bindparam("at_student"))
    for student_id, (text, _) in lesson.remarks.items():
        before = stored[student_id]["text"] if student_id in stored else None
        if text == before:
            continue
        if before is None:
            conn.execute(insert(R).values(school_id=school_id, lesson_id=lesson_id, student_id=student_id,
                                          text=text, author=author))
            changes.inserted += 1
        elif text is None:
            delete_rows(conn, R, at, {"at_student": student_id})
            changes.removed += 1
        else:
            conn.execute(update(R).where(at).values(text=text, author=author), {"at_student": student_id})
            changes.updated += 1
        log.add("remarks", f"{label}/{student_id}", None if before is None else {"remark": before},
                None if text is None else {"remark": text})
