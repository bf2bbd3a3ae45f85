"""The weekly journal's declaration: the marker rows above and below the grid, the spare
columns for an extra or moved lesson, and the marks a cell's dropdown offers per scale."""

from __future__ import annotations

from zhurnal.templates.spec import YES_NO, Choices, Field, GridSpec
from zhurnal.templates.spec import FieldType as T
from zhurnal.text.labels import Kind

SPEC = GridSpec(
    kind="journal", version=1, title=Kind.JOURNAL.label,
    above=(Field("date", "Дата (для доп. урока)", T.DATE, required=True),
           Field("lesson_no", "Номер урока", T.INT, required=True)),
    below=(Field("topic", "Тема урока"),
           Field("homework", "Домашнее задание"),
           Field("work_type", "Вид работы", T.CHOICE, choices=Choices(named="work_types")),
           Field("ict", "ИКТ (да/нет)", T.BOOL, choices=YES_NO)),
    spare=("extra1", "extra2"),
)
MARK_CHOICES = {"5": ["5", "4", "3", "2", "1", "н", "оп"], "pass": ["зач", "незач", "н", "оп"]}
