"""The extracurricular journal (внеурочная деятельность): groups with their planned hours,
their pupils (from any classes), sessions with date, topic and hours, and who was absent."""

from __future__ import annotations

from sqlalchemy import Column, Date, Float, ForeignKey, Integer, Table, Text

from zhurnal.store.schema.base import _school, metadata

_E = {"since": "0012"}

# a group (курс внеурочной деятельности) and its teacher; planned hours for the school year
extra_groups = Table(
    "extra_groups", metadata, _school(),
    Column("name", Text, primary_key=True),
    Column("teacher", Text, nullable=False),
    Column("direction", Text),                          # направление (спортивно-оздоровительное, …)
    Column("planned_hours", Float, nullable=False),
    info=_E,
)

extra_members = Table(
    "extra_members", metadata, _school(),
    Column("group_name", Text, primary_key=True),
    Column("student_id", Integer, ForeignKey("students.id"), primary_key=True),
    info=_E,
)

# one session a group a day
extra_sessions = Table(
    "extra_sessions", metadata, _school(),
    Column("group_name", Text, primary_key=True),
    Column("date", Date, primary_key=True),
    Column("topic", Text, nullable=False),
    Column("hours", Float, nullable=False),
    info=_E,
)

# a member absent from a session (everyone else in the group was there)
extra_absences = Table(
    "extra_absences", metadata, _school(),
    Column("group_name", Text, primary_key=True),
    Column("date", Date, primary_key=True),
    Column("student_id", Integer, ForeignKey("students.id"), primary_key=True),
    info=_E,
)
