"""Issuing the attendance register: one workbook per class (to its class teacher) for a week,
students × school days, prefilled with the absences stored; the issue is recorded as the base
later copies are merged against."""

from __future__ import annotations

from pathlib import Path

from zhurnal.core.filenames import safe_name
from zhurnal.kinds.attendance.notes import stored_notes
from zhurnal.kinds.attendance.plan import stored_state
from zhurnal.kinds.attendance.records import day_keys
from zhurnal.kinds.attendance.spec import CLASS_NOTE, CLASS_NOTE_LABEL, NOTE, SPEC
from zhurnal.kinds.signing import signed_meta
from zhurnal.merge.bases import record_issue
from zhurnal.school.calendar import Week
from zhurnal.school.context import RunContext
from zhurnal.school.snapshot import WEEKDAYS_RU, School, load_school
from zhurnal.store import queries as q
from zhurnal.templates.grid import (
    GridColumn,
    GridSheet,
    MarkerRow,
    issued_identities,
    list_validation,
    write_grid_workbook,
)
from zhurnal.text.numbers import counted

NOTES = [
    "Как заполнять:",
    "• В столбце «уроков» — сколько уроков ученик пропустил в этот день (пусто — был на всех).",
    "• В столбце «причина» — код причины: {reasons}.",
    "• Очищенная ячейка удаляет пропуск из журнала.",
    "• «Заметка для родителей» — короткая запись семье ученика за неделю; строка под списком — заметка "
    "для всего класса (собрание, событие). Обе попадут в начало дневника и в письмо.",
]


def attendance_sheet(school: School, class_code: str, week: Week, stored: list[dict],
                     notes: dict[tuple[str, int], dict] | None = None) -> GridSheet:
    """The register of one class for ``week``, prefilled with the absences and the class
    teacher's notes (class, pupil id or 0) already stored."""
    reasons = sorted(school.reasons)
    count_field, reason_field = SPEC.columns
    columns = []
    for day in school.school_days(class_code, week):
        count, reason = day_keys(day, SPEC)
        lessons = school.lessons_per_day(class_code, day)
        columns.append(GridColumn(count, (f"{WEEKDAYS_RU[day.isoweekday()]} {day:%d.%m}",
                                          f"{count_field.header} (из {lessons})"),
                                  width=9, kind="int",
                                  validation={"validate": "integer", "criteria": "between", "minimum": 0,
                                              "maximum": max(lessons, 1), "error_type": "warning",
                                              "error_message": f"В этот день {counted(lessons, 'урок', 'урока', 'уроков')}."}))
        columns.append(GridColumn(reason, ("", reason_field.header), width=9, validation=list_validation(reasons)))
    columns.append(GridColumn(NOTE.key, (NOTE.header, ""), width=40, kind="long"))
    values: dict[tuple[int, str], object] = {(sid, NOTE.key): row["text"] for (code, sid), row in (notes or {}).items()
                                             if code == class_code and sid}
    class_note = (notes or {}).get((class_code, 0))
    for row in stored:
        count, reason = day_keys(row["date"], SPEC)
        values[(row["student_id"], count)] = row["lessons"]
        values[(row["student_id"], reason)] = row["reason"]
    legend = ", ".join(f"{code} — {name.lower()}" for code, name in sorted(school.reasons.items()))
    return GridSheet(
        name=class_code, title=f"Посещаемость {class_code} — неделя {week.title()}", columns=columns,
        students=[(st["id"], st["full_name"]) for st in school.class_students(class_code, week.monday, week.sunday)],
        values=values, notes=[line.format(reasons=legend) for line in NOTES],
        markers_below=[MarkerRow(CLASS_NOTE, CLASS_NOTE_LABEL, {NOTE.key: class_note["text"]} if class_note else {},
                                 inputs={NOTE.key}, kind="long", height=45)])


def issue(ctx: RunContext, week: Week, *, teacher: str | None = None, out_dir: Path | None = None) -> list[Path]:
    """One register per class (to its class teacher) for ``week``, prefilled with stored absences."""
    out = (out_dir or ctx.settings.templates) / week.label
    with ctx.engine.connect() as conn:
        school = load_school(conn, ctx.school_id)
        absences = q.absences_between(conn, ctx.school_id, week.monday, week.sunday)
        notes = stored_notes(conn, ctx.school_id, week.label)
    written = []
    for code, cls in school.classes.items():
        if teacher and cls["class_teacher"] != teacher:
            continue
        if not school.school_days(code, week):
            continue
        stored = [a for a in absences if school.students[a["student_id"]]["class_code"] == code]
        own_notes = {key: row for key, row in notes.items() if key[0] == code}
        sheet = attendance_sheet(school, code, week, stored, own_notes)
        meta = signed_meta(ctx, SPEC.kind, SPEC.version, cls["class_teacher"] or "",
                           sections={"sheets": [{"sheet": code, "class_code": code}]}, week=week.label,
                           identities=issued_identities([sheet]))
        written.append(write_grid_workbook(out / f"посещаемость_{week.label}_{safe_name(code)}.xlsx", meta, [sheet]))
        with ctx.engine.begin() as conn:
            record_issue(conn, ctx.school_id, meta, stored_state(stored, own_notes), ctx.now)
    return written

