"""The extracurricular journal's declaration (внеурочная деятельность): one workbook per teacher
with four sheets — the teacher's groups with their planned hours, the groups' pupils (from any
classes), the sessions held (date, topic, hours) and the absences (one row per pupil missing a
session; every other member was there). No marks: внеурочная деятельность is not assessed by
marks. Pupils are chosen from the school's list as «Фамилия Имя Отчество (5А)»."""

from __future__ import annotations

from zhurnal.templates.spec import Choices, Field, SheetSpec, WorkbookSpec
from zhurnal.templates.spec import FieldType as T
from zhurnal.text.labels import Kind

GROUPS, MEMBERS, SESSIONS, ABSENCES = "Группы", "Состав групп", "Занятия", "Отсутствовали"
PUPILS = "pupils"          # the issue-time list of every enrolled pupil, «ФИО (класс)»
DIRECTIONS = Choices(labels=("спортивно-оздоровительное", "духовно-нравственное", "социальное",
                             "общеинтеллектуальное", "общекультурное", "другое"))
_GROUP = Choices(sheet=GROUPS, column="name")
_PUPIL = Choices(named=PUPILS)

SPEC = WorkbookSpec(kind="extracurricular", version=1, title=Kind.EXTRACURRICULAR.label, sheets=(
    SheetSpec(GROUPS, rows=20, key=("name",), fields=(
        Field("name", "Группа (курс)", required=True, width=40,
              note="Название курса по плану внеурочной деятельности школы, например «Шахматы, 5–6 классы»"),
        Field("direction", "Направление", T.CHOICE, choices=DIRECTIONS, width=28),
        Field("planned_hours", "Часов по плану за год", T.NUMBER, required=True, width=14,
              note="Сколько часов курса в плане внеурочной деятельности школы на учебный год"),
    )),
    SheetSpec(MEMBERS, rows=300, key=("group", "pupil"), fields=(
        Field("group", "Группа", T.CHOICE, required=True, choices=_GROUP, width=40),
        Field("pupil", "Ученик (класс)", T.CHOICE, required=True, choices=_PUPIL, width=46,
              note="Выберите из списка: ученики любых классов школы"),
    )),
    SheetSpec(SESSIONS, rows=400, key=("group", "date"), fields=(
        Field("group", "Группа", T.CHOICE, required=True, choices=_GROUP, width=40),
        Field("date", "Дата занятия", T.DATE, required=True, width=14),
        Field("topic", "Тема занятия", required=True, width=60),
        Field("hours", "Часов", T.NUMBER, width=8, note="Пусто — 1 час"),
    )),
    SheetSpec(ABSENCES, rows=600, key=("group", "date", "pupil"), fields=(
        Field("group", "Группа", T.CHOICE, required=True, choices=_GROUP, width=40),
        Field("date", "Дата занятия", T.DATE, required=True, width=14),
        Field("pupil", "Отсутствовал (ученик)", T.CHOICE, required=True, choices=_PUPIL, width=46,
              note="По строке на каждого отсутствовавшего; остальные ученики группы были на занятии"),
    )),
))
