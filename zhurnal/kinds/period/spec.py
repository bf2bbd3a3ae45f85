"""The period marks' declaration: the shown columns (average, number of marks, suggested mark),
the one input column, and the marks a period allows per scale (the year and earlier-years kinds
offer the same)."""

from __future__ import annotations

from zhurnal.templates.spec import Choices, Field, GridSpec
from zhurnal.templates.spec import FieldType as T
from zhurnal.text.labels import Kind

PERIOD_CHOICES = {"5": ("5", "4", "3", "2", "н/а", "осв"), "pass": ("зач", "незач", "н/а", "осв")}
SPEC = GridSpec(kind="period", version=1, title=Kind.PERIOD.label, columns=(
    Field("average", "Средний балл", T.NUMBER, width=10),
    Field("count", "Отметок", T.INT, width=9),
    Field("suggested", "Рекомендуется", width=16),   # the bold word fits whole (13 broke it: «Рекомендуетс/я»)
    Field("mark", "Отметка за", T.CHOICE, width=16, choices=Choices(named="period_marks")),
))
INPUTS = {"mark"}


def choices_for(scale: str) -> tuple[str, ...]:
    """The period marks a subject of ``scale`` allows."""
    return PERIOD_CHOICES.get(scale, PERIOD_CHOICES["5"])
