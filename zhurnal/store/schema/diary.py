"""What teachers say to families beside marks (migration 0012, «diary»): a subject teacher's
remark to a pupil for a lesson, the class teacher's weekly notes, and which password each
parent's last access slip showed."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from zhurnal.store.schema.base import _school, metadata

_D = {"since": "0013"}

# one short remark per pupil and lesson (praise, missed homework, behaviour), written in the
# journal's remarks block by the lesson's teacher (``author``); merged three ways like a mark
remarks = Table(
    "remarks", metadata, _school(key=False),
    Column("lesson_id", Integer, ForeignKey("lessons.id"), primary_key=True),
    Column("student_id", Integer, ForeignKey("students.id"), primary_key=True),
    Column("text", Text, nullable=False),
    Column("author", Text),
    info=_D,
)

# the class teacher's notes of a week in the attendance register: ``student_id`` NULL is the note
# to the whole class (a meeting, an event), any other the note to that pupil's family (one of
# each per class and week: the register's cells; kept so by zhurnal.kinds.attendance.notes)
class_notes = Table(
    "class_notes", metadata, _school(key=False),
    Column("id", Integer, primary_key=True),
    Column("class_code", String(16), nullable=False),
    Column("week", String(16), nullable=False),          # «2026-W48»
    Column("student_id", Integer, ForeignKey("students.id")),
    Column("text", Text, nullable=False),
    Column("author", Text),
    Index("ix_class_notes_week", "school_id", "week"),
    info=_D,
)

# the password each parent's last printed slip was made for (a digest, never the password):
# the next slips list names the parents whose password has changed since
access_slips = Table(
    "access_slips", metadata, _school(key=False),
    Column("parent_id", Integer, ForeignKey("parents.id"), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("printed_at", DateTime, nullable=False),
    info=_D,
)
