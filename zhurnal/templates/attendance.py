"""The class teacher's weekly attendance register: students × school days, lessons missed
and the reason code."""

from __future__ import annotations

from zhurnal.calendar import Week
from zhurnal.store.snapshot import WEEKDAYS_RU, School
from zhurnal.templates.grid import GridColumn, GridSheet

NOTES = [
    "Как заполнять:",
    "• В столбце «уроков» — сколько уроков ученик пропустил в этот день (пусто — был на всех).",
    "• В столбце «причина» — код причины: {reasons}.",
    "• Очищенная ячейка удаляет пропуск из журнала.",
]


def day_keys(day) -> tuple[str, str]:
    return f"{day.isoformat()}|count", f"{day.isoformat()}|reason"


def attendance_sheet(school: School, class_code: str, week: Week, stored: list[dict]) -> GridSheet:
    """The register of one class for ``week``, prefilled with the absences already stored."""
    reasons = sorted(school.reasons)
    columns = []
    for day in school.school_days(class_code, week):
        count, reason = day_keys(day)
        lessons = school.lessons_per_day(class_code, day)
        columns.append(GridColumn(count, (f"{WEEKDAYS_RU[day.isoweekday()]} {day:%d.%m}", f"уроков (из {lessons})"),
                                  width=9, kind="int",
                                  validation={"validate": "integer", "criteria": "between", "minimum": 0,
                                              "maximum": max(lessons, 1), "error_type": "warning",
                                              "error_message": f"В этот день {lessons} уроков."}))
        columns.append(GridColumn(reason, ("", "причина"), width=9,
                                  validation={"validate": "list", "source": reasons}))
    values = {}
    for row in stored:
        count, reason = day_keys(row["date"])
        values[(row["student_id"], count)] = row["lessons"]
        values[(row["student_id"], reason)] = row["reason"]
    legend = ", ".join(f"{code} — {name.lower()}" for code, name in sorted(school.reasons.items()))
    return GridSheet(
        name=class_code, title=f"Посещаемость {class_code} — неделя {week.title()}", columns=columns,
        students=[(st["id"], st["full_name"]) for st in school.class_students(class_code)],
        values=values, notes=[line.format(reasons=legend) for line in NOTES])
