"""The attendance register's declaration: per school day, the number of lessons missed and the
reason code (from the setup's reasons); and the class teacher's notes for the week's diaries:
a column «note» (a note to each pupil's family) and, in its row «class_note» under the pupils,
the note to the whole class."""

from __future__ import annotations

from zhurnal.templates.spec import Choices, Field, GridSpec
from zhurnal.templates.spec import FieldType as T
from zhurnal.text.labels import Kind

SPEC = GridSpec(kind="attendance", version=1, title=Kind.ATTENDANCE.label, columns=(
    Field("count", "уроков", T.INT, required=True),
    Field("reason", "причина", T.CHOICE, choices=Choices(named="reasons")),
))

NOTE = Field("note", "Заметка для родителей (попадёт в дневник)", T.TEXT, max_length=500)
CLASS_NOTE = "class_note"               # the marker of the row holding the note to the whole class
CLASS_NOTE_LABEL = "Заметка для всего класса (собрание, событие):"
