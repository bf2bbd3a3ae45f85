"""What teachers hand in and what it changed: submissions and revisions, lessons, journal
entries, absences, period marks, plans, exemptions, period locks and their events."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from zhurnal.store.schema.base import _school, lock_and_events, metadata

submissions = Table(
    "submissions", metadata, _school(key=False),
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("original_name", Text, nullable=False),
    Column("kind", String(32)),
    Column("template_id", String(64)),
    Column("author", Text),
    Column("received_at", DateTime, nullable=False),
    Column("saved_at", DateTime),
    Column("status", String(16), nullable=False),
    Column("findings", Text, nullable=False, default="[]"),
    Column("week", String(16), info={"since": "0003"}),     # the week or period a template was issued for
    UniqueConstraint("school_id", "sha256", name="uq_submission_hash"),
)

revisions = Table(
    "revisions", metadata, _school(key=False),
    Column("id", Integer, primary_key=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False, index=True),
    Column("entity", String(32), nullable=False),
    Column("key", Text, nullable=False),
    Column("old_value", Text),
    Column("new_value", Text),
    # history looks revisions up by entity and key within a school (migration 0005)
    Index("ix_revisions_school_entity_key", "school_id", "entity", "key", info={"since": "0005"}),
)

# ---- the weekly journal (migration 0002) ----------------------------------------------------

_J = {"since": "0002"}

lessons = Table(
    "lessons", metadata, _school(key=False),
    Column("id", Integer, primary_key=True),
    Column("class_code", String(16), nullable=False),
    Column("subject", Text, nullable=False),
    Column("subgroup", String(32), nullable=False),
    Column("date", Date, nullable=False),
    Column("lesson_no", Integer, nullable=False),
    Column("teacher", Text),
    Column("topic", Text),
    Column("homework", Text),
    # the day the homework is for (empty: the next lesson of the subject, by the timetable)
    Column("homework_due", Date, info={"since": "0013"}),
    Column("work_type", Text),
    Column("ict", Boolean),
    Column("extra", Boolean, nullable=False, default=False),
    UniqueConstraint("school_id", "class_code", "subject", "subgroup", "date", "lesson_no",
                     name="uq_lesson"),
    # a week's lessons of a school, for ingest and publish (migration 0005)
    Index("ix_lessons_school_date", "school_id", "date", info={"since": "0005"}),
    info=_J,
)

journal_entries = Table(
    "journal_entries", metadata, _school(key=False),
    Column("lesson_id", Integer, ForeignKey("lessons.id"), primary_key=True),
    Column("student_id", Integer, ForeignKey("students.id"), primary_key=True),
    Column("marks", String(32), nullable=False, default=""),     # "5", "5/4", "4+", "зач"
    Column("presence", String(4), nullable=False, default=""),   # "", "н", "оп"
    info=_J,
)

absences = Table(
    "absences", metadata, _school(key=False),
    Column("student_id", Integer, ForeignKey("students.id"), primary_key=True),
    Column("date", Date, primary_key=True),
    Column("lessons", Integer, nullable=False),
    Column("reason", String(8)),
    Index("ix_absences_school_date", "school_id", "date", info={"since": "0005"}),
    info=_J,
)

period_marks = Table(
    "period_marks", metadata, _school(key=False),
    Column("student_id", Integer, ForeignKey("students.id"), primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("period", String(16), primary_key=True),
    Column("mark", String(8), nullable=False),
    Column("teacher", Text),
    info=_J,
)

plan_items = Table(
    "plan_items", metadata, _school(),
    Column("class_code", String(16), primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("subgroup", String(32), primary_key=True),
    Column("item_no", Integer, primary_key=True),
    Column("date", Date, nullable=False),
    Column("topic", Text, nullable=False),
    Column("hours", Float),
    Column("lesson_type", Text),
    info=_J,
)

exemptions = Table(
    "exemptions", metadata, _school(key=False),
    Column("student_id", Integer, ForeignKey("students.id"), primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("start", Date, primary_key=True),
    Column("end", Date, nullable=False),
    info=_J,
)

period_locks, period_events = lock_and_events("period", "period", _J)
