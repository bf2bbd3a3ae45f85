"""The weekly journal's declaration: the marker rows above and below the grid, the spare
columns for an extra or moved lesson, the marks a cell's dropdown offers per scale, and the
remarks block (a row per pupil under the lesson rows, :data:`REMARK`).

Why remarks are rows and not cell comments (measured 2026-12-07 with LibreOffice 7 and
Gnumeric 1.12 converting an xlsxwriter workbook to .xlsx): both keep a comment's text, but
Gnumeric writes it with an empty author list that openpyxl cannot read (IndexError), and our
reader (python-calamine) reads no comments at all, in any format; a comment also hides what a
parent will read behind a hover, and a protected sheet lets a teacher add one only if objects
are unlocked. A row per pupil is an ordinary text cell: every program keeps it, sorting moves
it with its hidden id, and it merges like a mark.
"""

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
           # the day the homework is for; empty: the next lesson of the subject by the timetable
           Field("homework_due", "Задание к дате (пусто — к следующему уроку)", T.DATE),
           Field("work_type", "Вид работы", T.CHOICE, choices=Choices(named="work_types")),
           Field("ict", "ИКТ (да/нет)", T.BOOL, choices=YES_NO)),
    spare=("extra1", "extra2"),
)
MARK_CHOICES = {"5": ["5", "4", "3", "2", "1", "н", "оп"], "pass": ["зач", "незач", "н", "оп"]}

# one remark to a pupil for a lesson (praise, a missed homework, behaviour), in the rows
# «remark:<pupil id>» under the lesson rows; parents read it in the diary and the letter
REMARK = Field("remark", "Замечание", T.TEXT, max_length=300)
REMARK_PREFIX = "remark:"
REMARKS_HEADING = "remarks"


def remark_marker(student_id: int) -> str:
    """The hidden marker of a pupil's remark row (column A)."""
    return f"{REMARK_PREFIX}{student_id}"


def remark_student(marker: str) -> int | None:
    """The pupil id of a remark row's marker, or None for any other row."""
    rest = marker.removeprefix(REMARK_PREFIX)
    return int(rest) if rest != marker and rest.isdigit() else None
