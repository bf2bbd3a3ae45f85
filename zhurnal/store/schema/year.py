"""The school year: exam marks, earlier years' marks, the year's lock and its events."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text

from zhurnal.store.schema.base import _school, lock_and_events, metadata

_Y = {"since": "0008"}

exam_marks = Table(
    "exam_marks", metadata, _school(key=False),
    Column("student_id", Integer, ForeignKey("students.id"), primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("form", String(8), nullable=False),          # ОГЭ | ГВЭ | ЕГЭ
    Column("result", String(8), nullable=False),        # a mark 2–5 (ОГЭ, ГВЭ) or points 0–100 (ЕГЭ)
    Column("teacher", Text),                            # who entered it
    info=_Y,
)

prior_marks = Table(
    "prior_marks", metadata, _school(key=False),
    Column("student_id", Integer, ForeignKey("students.id"), primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("grade", Integer, primary_key=True),         # the grade the mark was set in (10 for grade-11 finals)
    Column("period", String(16), primary_key=True),     # that year's period code (H1, H2, Y, …)
    Column("mark", String(8), nullable=False),
    Column("source", String(32), nullable=False),       # "import" (workbook) | "year 2026/2027" (carried forward)
    info=_Y,
)

# ---- the school year's close (migration 0010) --------------------------------------------------

_YC = {"since": "0010"}

# the setup's «2026/2027»; an event keeps the sha256 of the store snapshot its archive was printed from
year_locks, year_events = lock_and_events("year", "year_label", _YC, Column("snapshot", String(64)))
