"""The class teacher's weekly attendance register: students × school days, lessons missed
and the reason code. Authoritative for its class's school days of the week."""

from __future__ import annotations

from pathlib import Path

from zhurnal.school.calendar import Week
from zhurnal.school.context import RunContext
from zhurnal.core.filenames import safe_name
from zhurnal.kinds.base import Records, StepContext, WorkbookKind, against_base
from zhurnal.kinds.signing import signed_meta
from zhurnal.merge.attendance import AttendancePlan, plan_attendance, read_state, stored_state
from zhurnal.merge.bases import record_issue
from zhurnal.merge.guards import ChangeGuard
from zhurnal.store import queries as q
from zhurnal.school.snapshot import WEEKDAYS_RU, School, load_school
from zhurnal.templates.grid import GridColumn, GridSheet, issued_identities, list_validation, write_grid_workbook
from zhurnal.templates.spec import Choices, Field, FieldType as T, GridSpec
from zhurnal.validate.attendance_rules import day_keys, read_attendance
from zhurnal.text.labels import Kind
from zhurnal.text.numbers import counted

SPEC = GridSpec(kind="attendance", version=1, title=Kind.ATTENDANCE.label, columns=(
    Field("count", "уроков", T.INT, required=True),
    Field("reason", "причина", T.CHOICE, choices=Choices(named="reasons")),
))
NOTES = [
    "Как заполнять:",
    "• В столбце «уроков» — сколько уроков ученик пропустил в этот день (пусто — был на всех).",
    "• В столбце «причина» — код причины: {reasons}.",
    "• Очищенная ячейка удаляет пропуск из журнала.",
]


def attendance_sheet(school: School, class_code: str, week: Week, stored: list[dict]) -> GridSheet:
    """The register of one class for ``week``, prefilled with the absences already stored."""
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
    values = {}
    for row in stored:
        count, reason = day_keys(row["date"], SPEC)
        values[(row["student_id"], count)] = row["lessons"]
        values[(row["student_id"], reason)] = row["reason"]
    legend = ", ".join(f"{code} — {name.lower()}" for code, name in sorted(school.reasons.items()))
    return GridSheet(
        name=class_code, title=f"Посещаемость {class_code} — неделя {week.title()}", columns=columns,
        students=[(st["id"], st["full_name"]) for st in school.class_students(class_code, week.monday, week.sunday)],
        values=values, notes=[line.format(reasons=legend) for line in NOTES])


def issue(ctx: RunContext, week: Week, *, teacher: str | None = None, out_dir: Path | None = None) -> list[Path]:
    """One register per class (to its class teacher) for ``week``, prefilled with stored absences."""
    out = (out_dir or ctx.settings.templates) / week.label
    with ctx.engine.connect() as conn:
        school = load_school(conn, ctx.school_id)
        absences = q.absences_between(conn, ctx.school_id, week.monday, week.sunday)
    written = []
    for code, cls in school.classes.items():
        if teacher and cls["class_teacher"] != teacher:
            continue
        if not school.school_days(code, week):
            continue
        stored = [a for a in absences if school.students[a["student_id"]]["class_code"] == code]
        sheet = attendance_sheet(school, code, week, stored)
        meta = signed_meta(ctx, SPEC.kind, SPEC.version, cls["class_teacher"] or "",
                           sections={"sheets": [{"sheet": code, "class_code": code}]}, week=week.label,
                           identities=issued_identities([sheet]))
        written.append(write_grid_workbook(out / f"посещаемость_{week.label}_{safe_name(code)}.xlsx", meta, [sheet]))
        with ctx.engine.begin() as conn:
            record_issue(conn, ctx.school_id, meta, stored_state(stored), ctx.now)
    return written


class AttendanceKind(WorkbookKind):
    name = SPEC.kind
    title = SPEC.title
    reads_alone = True

    def records(self, sub, ctx: StepContext) -> Records:
        read = read_attendance(SPEC, sub, ctx.school)
        return Records(read, read.findings)

    def plan(self, records: Records, ctx: StepContext) -> AttendancePlan:
        read = records.value
        guard = ChangeGuard(ctx.school, ctx.settings.journal, ctx.run.today)
        return against_base(ctx, read_state(read, ctx.school),
                            lambda base: plan_attendance(ctx.conn, ctx.school, read, guard, base))


KIND = AttendanceKind()
