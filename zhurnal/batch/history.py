"""The trail of changes to marks, absences, lessons, period marks, remarks and the class
teachers' notes, filtered for a person."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace

from sqlalchemy import and_, func, or_, select

from zhurnal.core.errors import AmbiguousStudent, EmptyStudentName, NoClasses, NoSuchStudent, ReversedDates, UnknownStudent
from zhurnal.school.calendar import parse_week
from zhurnal.school.context import RunContext
from zhurnal.school.lookup import find_class, find_subject
from zhurnal.store import queries as q
from zhurnal.store import schema as s

JOURNAL_ENTITIES = ("journal_entries", "remarks", "lessons", "absences", "period_marks", "exam_marks", "class_notes")
PER_LESSON_AND_PUPIL = ("journal_entries", "remarks")        # keys <class>/<subject>/<subgroup>/<date>/<no>/<pupil>


@dataclass(frozen=True)
class HistoryFilter:
    student_id: int | None = None
    class_code: str | None = None
    subject: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    student: str | None = None        # a pupil by name: a unique prefix of the full name, or an id


def find_student(conn, school_id: int, text_: str) -> int:
    """The id of the pupil ``text_`` names: digits are an id; else the pupils whose full name
    starts with it (case and ё/е ignored; an exact full name wins). :class:`NoSuchStudent`,
    :class:`AmbiguousStudent` (its ``matches``: «name, class, id» of each)."""
    if text_.strip().isdigit():
        return int(text_)
    fold = lambda name: " ".join(name.split()).casefold().replace("ё", "е")
    wanted = fold(text_)
    pupils = q.table_rows(conn, s.students, school_id)
    found = [p for p in pupils if fold(p["full_name"]).startswith(wanted)]
    exact = [p for p in found if fold(p["full_name"]) == wanted]
    found = exact if len(exact) == 1 else found
    if not found:
        raise NoSuchStudent(text_)
    if len(found) > 1:
        raise AmbiguousStudent(text_, [f"{p['full_name']}, {p['class_code']}, id {p['id']}"
                                       for p in sorted(found, key=lambda p: p["full_name"])])
    return found[0]["id"]


def _parse_key(entity: str, key: str, students: dict[int, dict]) -> dict:
    parts = key.split("/")
    if entity == "class_notes":      # <class>/<week>/<pupil id, or 0: the note to the whole class>
        return {"class_code": parts[0], "week": parts[1], "student_id": int(parts[2])}
    if entity in (*PER_LESSON_AND_PUPIL, "lessons"):
        found = {"class_code": parts[0], "subject": parts[1], "subgroup": parts[2],
                 "date": dt.date.fromisoformat(parts[3]), "lesson_no": int(parts[4])}
        if entity in PER_LESSON_AND_PUPIL:
            found["student_id"] = int(parts[5])
        return found
    student_id = int(parts[0])
    found = {"student_id": student_id, "class_code": students.get(student_id, {}).get("class_code")}
    if entity == "absences":
        found["date"] = dt.date.fromisoformat(parts[1])
    elif entity == "exam_marks":                 # <pupil>/<subject>/exam
        found["subject"] = parts[1]
    else:
        found["subject"], found["period"] = parts[1], parts[2]
    return found


def _keep(item: dict, wanted: HistoryFilter) -> bool:
    if wanted.student_id is not None and item.get("student_id") not in (None, wanted.student_id):
        return False
    if wanted.student_id is not None and "student_id" not in item:
        return False
    if wanted.class_code and item.get("class_code") != wanted.class_code:
        return False
    if wanted.subject and item.get("subject") not in (None, wanted.subject):
        return False
    day = item.get("date")
    if day and ((wanted.start and day < wanted.start) or (wanted.end and day > wanted.end)):
        return False
    if item.get("week"):             # a class teacher's note is the week's: kept if the week meets the dates
        week = parse_week(item["week"])
        if (wanted.start and week.sunday < wanted.start) or (wanted.end and week.monday > wanted.end):
            return False
    return True


def _key_filters(wanted: HistoryFilter, class_students: list[int] | None):
    """Per entity, the SQL conditions on ``revisions.key`` that ``wanted`` sets (see
    :func:`_parse_key` for the key formats); an entity that cannot match is left out."""
    r = s.revisions
    part = lambda n: func.split_part(r.c.key, "/", n)
    lesson_like = {"class": 1, "subject": 2, "date": 4}
    per_student = {"absences": {"date": 2}, "period_marks": {"subject": 2}, "exam_marks": {"subject": 2}}
    found = {}
    for entity in JOURNAL_ENTITIES:
        where = [r.c.entity == entity]
        if entity == "class_notes":   # keyed <class>/<week>/<pupil or 0>: the dates are kept in Python (_keep)
            if wanted.student_id is not None:
                where.append(part(3) == str(wanted.student_id))
            if wanted.class_code:
                where.append(r.c.key.like(_escape(wanted.class_code) + "/%", escape="\\"))
            found[entity] = and_(*where)
            continue
        if entity in (*PER_LESSON_AND_PUPIL, "lessons"):
            if wanted.student_id is not None:
                if entity == "lessons":
                    continue                             # a lesson is nobody's in particular
                where.append(part(6) == str(wanted.student_id))
            if wanted.class_code:
                # a prefix the (school, entity, key) index serves
                where.append(r.c.key.like(_escape(wanted.class_code) + "/%", escape="\\"))
            positions = lesson_like
        else:
            if wanted.student_id is not None:
                where.append(r.c.key.like(f"{wanted.student_id}/%"))
            if class_students is not None:
                where.append(part(1).in_([str(i) for i in class_students]))
            positions = per_student[entity]
        if wanted.subject and "subject" in positions:
            where.append(part(positions["subject"]) == wanted.subject)
        if "date" in positions and wanted.start:
            where.append(part(positions["date"]) >= wanted.start.isoformat())
        if "date" in positions and wanted.end:
            where.append(part(positions["date"]) <= wanted.end.isoformat())
        found[entity] = and_(*where)
    return found


def _escape(text_: str) -> str:
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def resolve(conn, school_id: int, wanted: HistoryFilter) -> HistoryFilter:
    """``wanted`` with its class and subject as the setup spells them (5A → 5А);
    :class:`UnknownClass`, :class:`UnknownSubject`, :class:`UnknownStudent` for what is not there,
    :class:`ReversedDates` and :class:`EmptyStudentName` for a filter that cannot mean anything."""
    class_code, subject = wanted.class_code, wanted.subject
    if wanted.start and wanted.end and wanted.start > wanted.end:
        raise ReversedDates(f"{wanted.start:%d.%m.%Y}", f"{wanted.end:%d.%m.%Y}")
    if wanted.student is not None and not wanted.student.strip():
        raise EmptyStudentName()
    if wanted.student:
        wanted = replace(wanted, student_id=find_student(conn, school_id, wanted.student), student=None)
    if class_code:
        class_code = find_class(class_code, [r["code"] for r in q.table_rows(conn, s.classes, school_id)])
    if subject:
        subject = find_subject(subject, [r["name"] for r in q.table_rows(conn, s.subjects, school_id)])
    if wanted.student_id is not None and conn.execute(
            select(s.students.c.id).where(s.students.c.school_id == school_id,
                                          s.students.c.id == wanted.student_id)).first() is None:
        raise UnknownStudent(wanted.student_id)
    return replace(wanted, class_code=class_code, subject=subject)


def history(ctx: RunContext, wanted: HistoryFilter) -> list[dict]:
    """Every matching revision, oldest first, with who submitted it and when (reads only);
    a class, subject or student the school does not have raises (see :func:`resolve`)."""
    if ctx.school_id is None:
        if wanted.class_code or wanted.subject or wanted.student_id is not None or wanted.student:
            raise NoClasses()
        return []
    with ctx.engine.connect() as conn:
        return revisions_of(conn, ctx.school_id, wanted)


def revisions_of(conn, school_id: int, wanted: HistoryFilter) -> list[dict]:
    """:func:`history` on an open connection (the year archive reads it within its snapshot)."""
    r, sub = s.revisions, s.submissions
    wanted = resolve(conn, school_id, wanted)
    students = {st["id"]: st for st in q.table_rows(conn, s.students, school_id)}
    # absences and period marks name a student only: the class is the student's class now
    in_class = sorted(i for i, st in students.items() if st["class_code"] == wanted.class_code) \
        if wanted.class_code else None
    query = (select(r, sub.c.author, sub.c.original_name, sub.c.received_at)
             .join(sub, sub.c.id == r.c.submission_id)
             .where(r.c.school_id == school_id, or_(*_key_filters(wanted, in_class).values()))
             .order_by(r.c.id))
    rows = conn.execute(query).mappings().all()
    found = []
    for row in rows:
        item = _parse_key(row["entity"], row["key"], students)
        if not _keep(item, wanted):                      # the same rules in Python: a cheap guard
            continue
        student = students.get(item.get("student_id"), {})
        found.append({**item, "entity": row["entity"], "student": student.get("full_name"),
                      "old": json.loads(row["old_value"]) if row["old_value"] else None,
                      "new": json.loads(row["new_value"]) if row["new_value"] else None,
                      "author": row["author"], "file": row["original_name"], "received_at": row["received_at"]})
    return found


@dataclass
class Trail:
    """``zhurnal history``'s result: the rows of :func:`history` (``--json`` prints them as a list)."""

    rows: list[dict]
    ok: bool = True
    exit_code: int = 0

    def as_dict(self) -> list[dict]:
        return self.rows


def trail(ctx: RunContext, wanted: HistoryFilter) -> Trail:
    """:func:`history` as a command's report, each ``received_at`` on the school's clock (as
    people read it; the store keeps UTC)."""
    return Trail([{**row, "received_at": ctx.settings.school.local(row["received_at"])}
                  for row in history(ctx, wanted)])
