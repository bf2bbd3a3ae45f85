"""The plan's declaration: one sheet of plan items (number, date, topic, hours, lesson type)
bound to the ``plan_items`` table, scoped by the group its metadata names."""

from __future__ import annotations

from zhurnal.templates.spec import Choices, Field, SheetSpec, WorkbookSpec
from zhurnal.templates.spec import FieldType as T
from zhurnal.text.labels import Kind

LESSON_TYPES = Choices(labels=("открытие новых знаний", "комбинированный", "закрепление",
                               "обобщение и систематизация", "контроль знаний", "практикум",
                               "проектная работа"))
SHEET = "КТП"
SPEC = WorkbookSpec(kind="plan", version=1, title=Kind.PLAN.label, sheets=(
    SheetSpec(SHEET, rows=250, table="plan_items", key=("item_no",), fields=(
        Field("item_no", "№ урока", T.INT, required=True, width=8),
        Field("date", "Дата (или день недели)", T.DATE, required=True, width=14),
        Field("topic", "Тема урока", required=True, width=70),
        Field("hours", "Часов", T.NUMBER, width=7),
        Field("lesson_type", "Тип урока", T.CHOICE, choices=LESSON_TYPES, width=26),
    )),
))
SCOPE = ("class_code", "subject", "subgroup")
COLUMNS = tuple(f.key for f in SPEC.sheets[0].fields)
