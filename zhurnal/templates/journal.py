"""The weekly journal of one teacher: a sheet per class × subject × subgroup taught that week.

Columns are the week's timetabled lessons (holidays removed, odd/even weeks honoured) plus two
spare columns for an extra or moved lesson; rows are the group's students; under the grid,
the lesson's topic, homework, work type and ICT use. What the store already holds for the
week is prefilled, because the workbook is authoritative: a cleared cell deletes a mark.
"""

from __future__ import annotations

import re
from collections import defaultdict

from zhurnal.calendar import Week
from zhurnal.marks import Cell
from zhurnal.store.snapshot import WEEKDAYS_RU, School, Section
from zhurnal.templates.grid import GridColumn, GridSheet, MarkerRow

SPARE_COLUMNS = ("extra1", "extra2")
LESSON_FIELDS = ("topic", "homework", "work_type", "ict")
MARK_CHOICES = {"5": ["5", "4", "3", "2", "1", "н", "оп"], "pass": ["зач", "незач", "н", "оп"]}
NOTES = [
    "Как заполнять:",
    "• Отметки: 5, 4, 3, 2, 1{plus}; две отметки за один урок — через дробь: 5/4.",
    "• н — отсутствовал на уроке, оп — опоздал (опоздавшему можно поставить отметку: «оп 5»).",
    "• Под таблицей для каждого урока: тема, домашнее задание, вид работы (из списка), ИКТ (да/нет).",
    "• Дополнительный или перенесённый урок — в столбцах «Доп. урок»: укажите дату и номер урока.",
    "• Очищенная ячейка удаляет отметку из журнала. Строки можно сортировать: отметки не перепутаются.",
]
_UNSAFE_SHEET = re.compile(r"[\[\]:*?/\\']")


def lesson_key(day, number: int) -> str:
    return f"{day.isoformat()}|{number}"


def sheet_name(section: Section, short: str, taken: set[str]) -> str:
    base = f"{section.class_code} {short or section.subject}"
    if section.subgroup:
        base += f" гр{section.subgroup}"
    base = _UNSAFE_SHEET.sub("", base)[:28].strip()
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:26]}~{n}", n + 1
    taken.add(name)
    return name


def _mark_validation(scale: str) -> dict:
    return {"validate": "list", "source": MARK_CHOICES.get(scale, MARK_CHOICES["5"]),
            "error_type": "information", "error_title": "Необычное значение",
            "error_message": "Обычно здесь отметка 5–1 (4+, 5/4), н или оп. Проверьте значение."}


def journal_sheet(school: School, section: Section, week: Week, name: str, *, stored_lessons: dict,
                  stored_entries: dict, plan: list[dict], allow_plus_minus: bool) -> GridSheet:
    """One sheet: prefilled from ``stored_lessons`` (by key) and ``stored_entries`` (by lesson id)."""
    subject = school.subjects[section.subject]
    has_marks = bool(school.classes[section.class_code]["has_marks"]) and subject["scale"] != "none"
    lessons = school.lessons(section, week)
    extras = sorted((l for l in stored_lessons.values() if l["extra"]),
                    key=lambda l: (l["date"], l["lesson_no"]))[:len(SPARE_COLUMNS)]
    columns = [GridColumn(lesson_key(d, n), (f"{WEEKDAYS_RU[d.isoweekday()]} {d:%d.%m}", f"{n} урок"), width=12,
                          validation=_mark_validation(subject["scale"]) if has_marks else None)
               for d, n in lessons]
    columns += [GridColumn(key, ("Доп. урок", ""), width=12, validation=_mark_validation(subject["scale"]))
                for key in SPARE_COLUMNS]
    by_column: dict[str, dict] = {lesson_key(l["date"], l["lesson_no"]): l for l in stored_lessons.values()
                                  if not l["extra"]}
    by_column.update(dict(zip(SPARE_COLUMNS, extras)))
    students = school.section_students(section) if has_marks else []
    values = {}
    for key, lesson in by_column.items():
        for entry in stored_entries.get(lesson["id"], []):
            values[(entry["student_id"], key)] = Cell(entry["marks"], entry["presence"]).shown()
    planned = iter(plan)
    topics = {}
    for day, number in lessons:
        stored = by_column.get(lesson_key(day, number))
        topic = stored["topic"] if stored and stored["topic"] else next(planned, {}).get("topic")
        topics[lesson_key(day, number)] = topic
    spare = set(SPARE_COLUMNS)
    every = {c.key for c in columns}
    field_values = defaultdict(dict)
    for key, lesson in by_column.items():
        for item in LESSON_FIELDS:
            value = lesson.get(item)
            field_values[item][key] = ("да" if value else "нет") if item == "ict" and value is not None else value
    field_values["topic"].update({k: v for k, v in topics.items() if v})
    title = f"{section.class_code} — {section.subject}" + (f", подгруппа {section.subgroup}" if section.subgroup else "") \
        + f" — неделя {week.title()}"
    return GridSheet(
        name=name, title=title, columns=columns,
        students=[(st["id"], st["full_name"]) for st in students], values=values,
        markers_above=[
            MarkerRow("date", "Дата (для доп. урока)", {c.key: d for c, (d, _) in zip(columns, lessons)}
                      | {k: l["date"] for k, l in zip(SPARE_COLUMNS, extras)}, inputs=spare, kind="date"),
            MarkerRow("lesson_no", "Номер урока", {c.key: n for c, (_, n) in zip(columns, lessons)}
                      | {k: l["lesson_no"] for k, l in zip(SPARE_COLUMNS, extras)}, inputs=spare),
        ],
        markers_below=[
            MarkerRow("topic", "Тема урока", field_values["topic"], inputs=every, kind="long", height=45),
            MarkerRow("homework", "Домашнее задание", field_values["homework"], inputs=every, kind="long", height=45),
            MarkerRow("work_type", "Вид работы", field_values["work_type"], inputs=every, kind="long", height=30,
                      validation={"validate": "list", "source": sorted(school.work_types)}),
            MarkerRow("ict", "ИКТ (да/нет)", field_values["ict"], inputs=every,
                      validation={"validate": "list", "source": ["да", "нет"]}),
        ],
        notes=[line.format(plus=" (можно 4+, 5-)" if allow_plus_minus else "") for line in NOTES]
        if has_marks else ["Отметки в этом классе не ставятся: заполните тему, домашнее задание и вид работы."],
    )
