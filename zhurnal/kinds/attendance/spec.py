"""The attendance register's declaration: per school day, the number of lessons missed and the
reason code (from the setup's reasons)."""

from __future__ import annotations

from zhurnal.templates.spec import Choices, Field, GridSpec
from zhurnal.templates.spec import FieldType as T
from zhurnal.text.labels import Kind

SPEC = GridSpec(kind="attendance", version=1, title=Kind.ATTENDANCE.label, columns=(
    Field("count", "уроков", T.INT, required=True),
    Field("reason", "причина", T.CHOICE, choices=Choices(named="reasons")),
))
