"""The year marks' declaration: the computed year mark (shown), the year mark the teacher
confirms, and for grades 9 and 11 the exam's form and result. The term marks' columns come
from the setup's terms of the sheet's grade."""

from __future__ import annotations

from zhurnal.kinds.year.records import EXAM, EXAM_FORM, MARK
from zhurnal.templates.spec import Choices, Field, GridSpec
from zhurnal.templates.spec import FieldType as T
from zhurnal.text.labels import Kind

SPEC = GridSpec(kind="year", version=1, title=Kind.YEAR.label, columns=(
    Field("computed", "Рассчитана", width=11),
    Field(MARK, "Годовая отметка", T.CHOICE, width=12, choices=Choices(named="period_marks")),
    Field(EXAM_FORM, "Экзамен", T.CHOICE, width=10),
    Field(EXAM, "Результат экзамена", width=12),
))
