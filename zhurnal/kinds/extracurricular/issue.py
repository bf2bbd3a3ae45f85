"""Issuing a teacher's extracurricular journal, prefilled with their groups, pupils, sessions and
absences as stored, and the school's pupils to choose from."""

from __future__ import annotations

from pathlib import Path

from zhurnal.core.filenames import safe_name
from zhurnal.kinds.extracurricular.records import pupil_labels
from zhurnal.kinds.extracurricular.spec import ABSENCES, GROUPS, MEMBERS, PUPILS, SESSIONS, SPEC
from zhurnal.kinds.signing import signed_meta
from zhurnal.school.context import RunContext
from zhurnal.school.lookup import find_teacher
from zhurnal.school.snapshot import load_school
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.templates.generate import write_workbook

GUIDE = [
    "Журнал внеурочной деятельности ведёт учитель, который ведёт курс (приказ Минпросвещения России "
    "от 21.07.2022 № 582: журнал внеурочной деятельности — один из документов учителя).",
    "Лист «Группы»: ваши курсы по плану внеурочной деятельности школы и часы по плану на год.",
    "Лист «Состав групп»: по строке на ученика группы; ученики могут быть из разных классов.",
    "Лист «Занятия»: по строке на занятие: дата, тема, часы (пусто — 1 час).",
    "Лист «Отсутствовали»: по строке на каждого ученика, пропустившего занятие. Отметок нет.",
    "Сдавайте книгу каждую неделю; в следующей книге всё сданное уже будет заполнено.",
]


def issue(ctx: RunContext, teacher: str, *, out_dir: Path | None = None) -> Path:
    """The extracurricular journal of ``teacher`` (as the setup spells the name, found leniently;
    :class:`~zhurnal.core.errors.UnknownTeacher` otherwise)."""
    school_id = ctx.school_id
    assert school_id is not None
    with ctx.engine.connect() as conn:
        school = load_school(conn, school_id)
        teacher = find_teacher(teacher, [t["full_name"] for t in q.table_rows(conn, s.teachers, school_id)])
        groups = q.table_rows(conn, s.extra_groups, school_id, "name", teacher=teacher)
        names = {g["name"] for g in groups}
        rows = {table.name: [r for r in q.table_rows(conn, table, school_id, *order) if r["group_name"] in names]
                for table, order in ((s.extra_members, ("group_name",)), (s.extra_sessions, ("group_name", "date")),
                                     (s.extra_absences, ("group_name", "date")))}
    label = {sid: text for text, sid in pupil_labels(school).items()}
    prefill = {
        GROUPS: groups,
        MEMBERS: [{"group": r["group_name"], "pupil": label.get(r["student_id"], "")}
                  for r in sorted(rows["extra_members"], key=lambda r: (r["group_name"], label.get(r["student_id"], "")))],
        SESSIONS: [{"group": r["group_name"], **r} for r in rows["extra_sessions"]],
        ABSENCES: [{"group": r["group_name"], "date": r["date"], "pupil": label.get(r["student_id"], "")}
                   for r in rows["extra_absences"]],
    }
    meta = signed_meta(ctx, SPEC.kind, SPEC.version, teacher, sections={})
    path = (out_dir or ctx.settings.templates) / "Внеурочная" / f"внеурочная_{safe_name(teacher)}.xlsx"
    return write_workbook(path, SPEC, meta, prefill=prefill, lists={PUPILS: sorted(label.values())},
                          guide=[f"Учитель: {teacher}."] + GUIDE)
