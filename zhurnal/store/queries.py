"""Reads the stages need from the store, kept in one place so SQL does not spread."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, func, select

from zhurnal.store import schema as s


def school_row(conn: Connection, school_id: int) -> dict:
    return dict(conn.execute(s.schools.select().where(s.schools.c.id == school_id)).mappings().one())


def table_rows(conn: Connection, table, school_id: int, *order: str, **where) -> list[dict]:
    """All rows of ``table`` for the school (optionally filtered by equality), as dicts."""
    query = table.select().where(table.c.school_id == school_id)
    for key, value in where.items():
        query = query.where(table.c[key] == value)
    if order:
        query = query.order_by(*(table.c[o] for o in order))
    return [dict(r) for r in conn.execute(query).mappings()]


def class_subgroups(conn: Connection, school_id: int, class_code: str) -> dict[str, list[str]]:
    """Subject → subgroup names declared for a class."""
    found: dict[str, list[str]] = defaultdict(list)
    for row in table_rows(conn, s.subgroups, school_id, "subject", "name", class_code=class_code):
        found[row["subject"]].append(row["name"])
    return dict(found)


def active_students(conn: Connection, school_id: int) -> list[dict]:
    return table_rows(conn, s.students, school_id, "class_code", "full_name", active=True)


def subgroup_membership(conn: Connection, school_id: int, student_ids: list[int]) -> dict[int, dict]:
    """Student id → {subject: subgroup}."""
    found: dict[int, dict] = defaultdict(dict)
    query = s.subgroup_members.select().where(s.subgroup_members.c.school_id == school_id,
                                              s.subgroup_members.c.student_id.in_(student_ids))
    for row in conn.execute(query).mappings():
        found[row["student_id"]][row["subject"]] = row["subgroup"]
    return found


def guardians_of(conn: Connection, school_id: int, student_ids: list[int]) -> list[dict]:
    """Parent rows joined with their links to the given students."""
    g, p = s.guardianships, s.parents
    query = (select(p, g.c.student_id, g.c.relation, g.c.receives_diary)
             .join(g, g.c.parent_id == p.c.id)
             .where(g.c.school_id == school_id, g.c.student_id.in_(student_ids))
             .order_by(p.c.full_name, g.c.student_id))
    return [dict(r) for r in conn.execute(query).mappings()]


def all_parents(conn: Connection, school_id: int) -> list[dict]:
    return table_rows(conn, s.parents, school_id, "id")


def submission_by_hash(conn: Connection, school_id: int, sha256: str) -> dict | None:
    row = conn.execute(s.submissions.select().where(s.submissions.c.school_id == school_id,
                                                    s.submissions.c.sha256 == sha256)).mappings().first()
    return dict(row) if row else None


def week_issued(conn: Connection, school_id: int, label: str) -> bool:
    """Whether any journal of the week ``label`` (2026-W48) was ever issued: a week never issued
    has no journal to wait for or to remind anybody of."""
    t = s.issued_templates
    return (conn.execute(select(func.count()).select_from(t).where(
        t.c.school_id == school_id, t.c.kind == "journal", t.c.label == label)).scalar() or 0) > 0


def counts(conn: Connection, school_id: int) -> dict[str, int]:
    """How many rows each school table holds for this school."""
    found = {}
    for table in s.metadata.sorted_tables:
        if "school_id" in table.c and table.name not in ("revisions",):
            found[table.name] = conn.execute(select(func.count()).select_from(table)
                                             .where(table.c.school_id == school_id)).scalar_one()
    found["revisions"] = conn.execute(select(func.count()).select_from(s.revisions)
                                      .where(s.revisions.c.school_id == school_id)).scalar_one()
    return found


def _dicts(result) -> list[dict]:
    """Rows as plain dicts (``dict(row)`` over mappings costs several times more per row)."""
    keys = list(result.keys())
    return [dict(zip(keys, row)) for row in result]


def lessons_between(conn: Connection, school_id: int, start, end, classes=None) -> list[dict]:
    """Stored lessons dated ``start``..``end`` inclusive (of ``classes`` only, if given)."""
    query = s.lessons.select().where(s.lessons.c.school_id == school_id,
                                     s.lessons.c.date.between(start, end))
    if classes is not None:
        query = query.where(s.lessons.c.class_code.in_(sorted(classes)))
    return _dicts(conn.execute(query))


def entries_of(conn: Connection, lesson_ids: list[int]) -> list[dict]:
    """Journal entries (marks and presence) of the given lessons."""
    found = []
    for chunk in range(0, len(lesson_ids), 500):
        query = s.journal_entries.select().where(s.journal_entries.c.lesson_id.in_(lesson_ids[chunk:chunk + 500]))
        found += _dicts(conn.execute(query))
    return found


def remarks_of(conn: Connection, lesson_ids: list[int]) -> list[dict]:
    """Teachers' remarks to pupils (``lesson_id, student_id, text, author``) of the given lessons."""
    found = []
    for chunk in range(0, len(lesson_ids), 500):
        query = s.remarks.select().where(s.remarks.c.lesson_id.in_(lesson_ids[chunk:chunk + 500]))
        found += _dicts(conn.execute(query))
    return found


def absences_between(conn: Connection, school_id: int, start, end) -> list[dict]:
    query = s.absences.select().where(s.absences.c.school_id == school_id,
                                      s.absences.c.date.between(start, end))
    return [dict(r) for r in conn.execute(query).mappings()]


def plan_between(conn: Connection, school_id: int, start, end) -> list[dict]:
    query = (s.plan_items.select().where(s.plan_items.c.school_id == school_id,
                                         s.plan_items.c.date.between(start, end))
             .order_by(s.plan_items.c.item_no))
    return [dict(r) for r in conn.execute(query).mappings()]


def newest_saved(conn: Connection, school_id: int, template_id: str):
    """The latest own saved time among accepted submissions of one issued template."""
    if not template_id:
        return None
    return conn.execute(select(func.max(s.submissions.c.saved_at)).where(
        s.submissions.c.school_id == school_id, s.submissions.c.template_id == template_id,
        s.submissions.c.status == "accepted")).scalar()


def rejections(conn: Connection, school_id: int) -> list[tuple[dict, dict | None]]:
    """Every rejected submission, newest first, with the accepted submission that corrected it:
    the first one accepted after it (by ingest order) of the same author, kind and week or
    period (any copy of the template), or None while it stands."""
    rows = [dict(r) for r in conn.execute(select(s.submissions).where(
        s.submissions.c.school_id == school_id, s.submissions.c.status.in_(("rejected", "accepted")))
        .order_by(s.submissions.c.id)).mappings()]
    accepted: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        if row["status"] == "accepted":
            accepted[(row["author"], row["kind"], row["week"])].append(row)
    return [(row, next((a for a in accepted[(row["author"], row["kind"], row["week"])] if a["id"] > row["id"]), None))
            for row in reversed(rows) if row["status"] == "rejected"]
