"""Issuing the weekly journal: one workbook per teacher for a week, a sheet per group taught,
prefilled with what the store holds (lessons, marks, absences) and the plan's topics; the issue
is recorded as the base later copies are merged against.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from zhurnal.core.filenames import safe_name
from zhurnal.kinds.journal.plan import stored_state
from zhurnal.kinds.journal.spec import MARK_CHOICES, REMARKS_HEADING, SPEC, remark_marker
from zhurnal.kinds.signing import signed_meta
from zhurnal.merge.bases import record_issue
from zhurnal.school.calendar import Week
from zhurnal.school.context import RunContext
from zhurnal.school.marks import Cell
from zhurnal.school.snapshot import WEEKDAYS_RU, School, Section, load_school
from zhurnal.store import queries as q
from zhurnal.templates.grid import (
    GridColumn,
    GridSheet,
    MarkerRow,
    issued_identities,
    list_validation,
    marker_row,
    section_info,
    sheet_name,
    write_grid_workbook,
)
from zhurnal.templates.spec import Field

NOTES = [
    "Как заполнять:",
    "• Отметки: 5, 4, 3, 2, 1{plus}; две отметки за один урок — через дробь: 5/4.",
    "• н — отсутствовал на уроке, оп — опоздал (опоздавшему можно поставить отметку: «оп 5»).",
    "• Под таблицей для каждого урока: тема, домашнее задание, вид работы (из списка), ИКТ (да/нет).",
    "• «Задание к дате»: день, к которому задано; пусто — к следующему уроку по расписанию.",
    "• «Замечания»: короткая запись ученику к уроку (похвала, не сделано задание, поведение) — "
    "её прочтут родители в дневнике.",
    "• Дополнительный или перенесённый урок — в столбцах «Доп. урок»: укажите дату и номер урока.",
    "• Очищенная ячейка удаляет отметку из журнала. Строки можно сортировать: отметки не перепутаются.",
]
ROW_LOOK = {"topic": ("long", 45), "homework": ("long", 45), "homework_due": ("date", None),
            "work_type": ("long", 30), "ict": ("text", None)}
REMARKS_LABEL = "Замечания ученикам (прочтут родители):"


def lesson_key(day, number: int) -> str:
    return f"{day.isoformat()}|{number}"


def _mark_validation(scale: str) -> dict:
    return list_validation(MARK_CHOICES.get(scale, MARK_CHOICES["5"]), error_type="information",
                           error_title="Необычное значение",
                           error_message="Обычно здесь отметка 5–1 (4+, 5/4), н или оп. Проверьте значение.")


def _shown(item: Field, value: object) -> object:
    """A stored lesson field as the sheet shows it (choice labels for yes/no)."""
    if item.choices is not None and item.choices.labels and value is not None:
        return {stored: label for label, stored in item.choices.mapping().items()}.get(value, value)
    return value


def _remark_rows(students: list[dict], by_column: dict[str, dict], stored_remarks: dict,
                 every: set[str]) -> list[MarkerRow]:
    """The remarks block: a heading row, then a row per pupil («remark:<id>»), prefilled."""
    if not students:
        return []
    rows = [MarkerRow(REMARKS_HEADING, REMARKS_LABEL)]
    for student in students:
        values = {key: remark["text"] for key, lesson in by_column.items()
                  for remark in stored_remarks.get(lesson["id"], []) if remark["student_id"] == student["id"]}
        rows.append(MarkerRow(remark_marker(student["id"]), student["full_name"], values, inputs=every,
                              kind="long"))
    return rows


def journal_sheet(school: School, section: Section, week: Week, name: str, *, stored_lessons: dict,
                  stored_entries: dict, plan: list[dict], allow_plus_minus: bool,
                  stored_remarks: dict | None = None) -> GridSheet:
    """One sheet: prefilled from ``stored_lessons`` (by id), ``stored_entries`` and
    ``stored_remarks`` (by lesson id)."""
    subject = school.subjects[section.subject]
    has_marks = bool(school.classes[section.class_code]["has_marks"]) and subject["scale"] != "none"
    lessons = school.lessons(section, week)
    extras = sorted((l for l in stored_lessons.values() if l["extra"]),
                    key=lambda l: (l["date"], l["lesson_no"]))[:len(SPEC.spare)]
    # wide enough for the longest word of a work type («Самостоятельная»): wraps only at spaces
    width = max([12.0] + [len(word) * 1.15 + 2 for name in school.work_types for word in name.split()])
    columns = [GridColumn(lesson_key(d, n), (f"{WEEKDAYS_RU[d.isoweekday()]} {d:%d.%m}", f"{n} урок"), width=width,
                          validation=_mark_validation(subject["scale"]) if has_marks else None)
               for d, n in lessons]
    columns += [GridColumn(key, ("Доп. урок", ""), width=width, validation=_mark_validation(subject["scale"]))
                for key in SPEC.spare]
    by_column: dict[str, dict] = {lesson_key(l["date"], l["lesson_no"]): l for l in stored_lessons.values()
                                  if not l["extra"]}
    by_column.update(dict(zip(SPEC.spare, extras)))
    students = school.section_students(section, week.monday, week.sunday) if has_marks else []
    values = {}
    for key, lesson in by_column.items():
        for entry in stored_entries.get(lesson["id"], []):
            values[(entry["student_id"], key)] = Cell(entry["marks"], entry["presence"]).shown()
    planned = iter(plan)
    field_values = {item.key: {key: _shown(item, lesson.get(item.key)) for key, lesson in by_column.items()}
                    for item in SPEC.below}
    for day, number in lessons:
        stored = by_column.get(lesson_key(day, number))
        topic = stored["topic"] if stored and stored["topic"] else next(planned, {}).get("topic")
        if topic:
            field_values["topic"][lesson_key(day, number)] = topic
    spare, every = set(SPEC.spare), {c.key for c in columns}
    date_field, number_field = SPEC.above
    title = f"{section.class_code} — {section.subject}" + (f", подгруппа {section.subgroup}" if section.subgroup else "") \
        + f" — неделя {week.title()}"
    return GridSheet(
        name=name, title=title, columns=columns,
        students=[(st["id"], st["full_name"]) for st in students], values=values,
        markers_above=[
            marker_row(date_field, {c.key: d for c, (d, _) in zip(columns, lessons)}
                       | {k: l["date"] for k, l in zip(SPEC.spare, extras)}, spare, kind="date"),
            marker_row(number_field, {c.key: n for c, (_, n) in zip(columns, lessons)}
                       | {k: l["lesson_no"] for k, l in zip(SPEC.spare, extras)}, spare),
        ],
        markers_below=[marker_row(item, field_values[item.key], every, kind=ROW_LOOK[item.key][0],
                                  height=ROW_LOOK[item.key][1],
                                  source=sorted(school.work_types) if item.key == "work_type" else None)
                       for item in SPEC.below] + _remark_rows(students, by_column, stored_remarks or {}, every),
        notes=[line.format(plus=" (можно 4+, 5-)" if allow_plus_minus else "") for line in NOTES]
        if has_marks else ["Отметки в этом классе не ставятся: заполните тему, домашнее задание и вид работы."],
    )


def issue(ctx: RunContext, week: Week, *, teacher: str | None = None, out_dir: Path | None = None) -> list[Path]:
    """One journal per teacher for ``week``, prefilled with what the store holds."""
    out = (out_dir or ctx.settings.templates) / week.label
    with ctx.engine.connect() as conn:
        school = load_school(conn, ctx.school_id)
        stored = q.lessons_between(conn, ctx.school_id, week.monday, week.sunday)
        entries = defaultdict(list)
        for entry in q.entries_of(conn, [l["id"] for l in stored]):
            entries[entry["lesson_id"]].append(entry)
        plan = q.plan_between(conn, ctx.school_id, week.monday, week.sunday)
        remarks = defaultdict(list)
        for remark in q.remarks_of(conn, [l["id"] for l in stored]):
            remarks[remark["lesson_id"]].append(remark)
    by_section = defaultdict(dict)
    for lesson in stored:
        by_section[Section(lesson["class_code"], lesson["subject"], lesson["subgroup"])][lesson["id"]] = lesson
    plans = defaultdict(list)
    for item in plan:
        plans[Section(item["class_code"], item["subject"], item["subgroup"])].append(item)
    written = []
    fields = tuple(item.key for item in SPEC.below)
    for name, sections in school.teacher_sections(teacher).items():
        taken: set[str] = set()
        sheets, info, issued = [], [], []
        for section in sections:
            if not school.lessons(section, week) and not by_section.get(section):
                continue
            title = sheet_name(section, school.subjects[section.subject]["short"], taken)
            sheets.append(journal_sheet(school, section, week, title, stored_lessons=by_section.get(section, {}),
                                        stored_entries=entries, plan=plans.get(section, []),
                                        allow_plus_minus=ctx.settings.marks.allow_plus_minus,
                                        stored_remarks=remarks))
            info.append(section_info(title, section))
            issued += by_section.get(section, {}).values()
        if sheets:
            meta = signed_meta(ctx, SPEC.kind, SPEC.version, name, sections={"sheets": info}, week=week.label,
                               identities=issued_identities(sheets))
            written.append(write_grid_workbook(out / f"журнал_{week.label}_{safe_name(name)}.xlsx", meta, sheets))
            base = stored_state(issued, [e for l in issued for e in entries.get(l["id"], [])], fields,
                                [r for l in issued for r in remarks.get(l["id"], [])])
            with ctx.engine.begin() as conn:
                record_issue(conn, ctx.school_id, meta, base, ctx.now)
    return written

