"""The year archive's extracurricular journal: ``Внеурочная деятельность.pdf`` (PDF/A-2b from
``extracurricular_archive.typ``) — the deputy's count of hours held against the plan per group
(:func:`zhurnal.school.extracurricular.hours_against_plan`), then each group's pupils and its
sessions with who was absent. Nothing is written for a school without groups."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from sqlalchemy import Connection

from zhurnal.closing.archive import render_pdfa
from zhurnal.core.atomic import write_bytes
from zhurnal.publish.diary import template_path
from zhurnal.school.context import RunContext
from zhurnal.school.extracurricular import hours_against_plan
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.text.numbers import format_decimal

TEMPLATE = "extracurricular_archive.typ"
FILE = "Внеурочная деятельность.pdf"
TITLE = "Журнал внеурочной деятельности"


def _number(value: float | None) -> str:
    return "—" if value is None else format_decimal(value, 1) if value % 1 else str(int(value))


def archive_data(conn: Connection, school_id: int) -> list[dict]:
    """The groups as the template takes them (every number as printed text)."""
    pupils = {st["id"]: f"{st['full_name']} ({st['class_code']})" for st in q.table_rows(conn, s.students, school_id)}
    members: dict[str, list[str]] = defaultdict(list)
    for row in q.table_rows(conn, s.extra_members, school_id):
        members[row["group_name"]].append(pupils.get(row["student_id"], "?"))
    absent: dict[tuple[str, object], list[str]] = defaultdict(list)
    for row in q.table_rows(conn, s.extra_absences, school_id):
        absent[(row["group_name"], row["date"])].append(pupils.get(row["student_id"], "?"))
    sessions: dict[str, list[dict]] = defaultdict(list)
    for row in q.table_rows(conn, s.extra_sessions, school_id, "date"):
        sessions[row["group_name"]].append({
            "date": f"{row['date']:%d.%m.%Y}", "topic": row["topic"], "hours": _number(row["hours"]),
            "absent": ", ".join(sorted(absent[(row["group_name"], row["date"])]))})
    return [{"name": g.name, "teacher": g.teacher, "direction": g.direction or "", "planned": _number(g.planned),
             "held": _number(g.held), "percent": _number(g.percent), "sessions_count": str(g.sessions),
             "attended": _number(g.attended), "pupils": sorted(members[g.name]), "sessions": sessions[g.name]}
            for g in hours_against_plan(conn, school_id)]


def write_extracurricular_archive(conn: Connection, ctx: RunContext, folder: Path, snapshot: str) -> list[Path]:
    """``Внеурочная деятельность.pdf`` in ``folder`` (none without groups); the paths written."""
    assert ctx.school_id is not None
    groups = archive_data(conn, ctx.school_id)
    if not groups:
        return []
    school = q.school_row(conn, ctx.school_id)
    data = {"title": TITLE, "school": school["name"], "year": school["year_label"] or "", "snapshot": snapshot,
            "groups": groups}
    pdf = render_pdfa(template_path(ctx.settings.workspace, TEMPLATE), data, ctx)
    return [write_bytes(folder / FILE, pdf)]
