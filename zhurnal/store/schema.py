"""The master dataset's tables (SQLAlchemy Core), as they stand at the newest migration.

Every row carries ``school_id`` so one store can hold a district. Setup entities are keyed by
the natural keys staff type (class «7А», subject name, teacher's full name) because those are
what workbooks carry; students and parents get surrogate ids that travel in hidden cells.

Each table and each column added after the first migration names its migration in
``info={"since": "<revision>"}``; :mod:`zhurnal.store.migrations` builds from that, so this
file stays the one declaration of the schema.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()


def _school(key: bool = True) -> Column:
    """The owning school; part of the primary key where the rest of the key is natural."""
    return Column("school_id", Integer, ForeignKey("schools.id"), nullable=False, index=True,
                  primary_key=key)


schools = Table(
    "schools", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("year_label", String(16)),
    Column("year_start", Date),
    Column("year_end", Date),
)


def _dates_and_grades() -> list[Column]:
    """From ``start`` to ``end`` (both included), for grades ``grade_from``…``grade_to``."""
    return [Column("start", Date, nullable=False), Column("end", Date, nullable=False),
            Column("grade_from", Integer, nullable=False), Column("grade_to", Integer, nullable=False)]

periods = Table(
    "periods", metadata, _school(),
    Column("code", String(16), primary_key=True),
    Column("name", Text, nullable=False),
    *_dates_and_grades(),
)

holidays = Table(
    "holidays", metadata, _school(),
    Column("name", Text, primary_key=True),
    *_dates_and_grades(),
)

teachers = Table(
    "teachers", metadata, _school(),
    Column("full_name", Text, primary_key=True),
    Column("email", Text),
    Column("login", String(64), info={"since": "0007"}),   # the name of their inbox/<login>/ folder
)

classes = Table(
    "classes", metadata, _school(),
    Column("code", String(16), primary_key=True),
    Column("grade", Integer, nullable=False),
    Column("days_per_week", Integer, nullable=False),
    Column("class_teacher", Text),
    Column("has_marks", Boolean, nullable=False),
)

subjects = Table(
    "subjects", metadata, _school(),
    Column("name", Text, primary_key=True),
    Column("short", Text),
    Column("scale", String(16), nullable=False),
)

teaching_load = Table(
    "teaching_load", metadata, _school(),
    Column("class_code", String(16), primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("subgroup", String(32), primary_key=True),
    Column("teacher", Text, nullable=False),
    Column("hours", Float),
)

subgroups = Table(
    "subgroups", metadata, _school(),
    Column("class_code", String(16), primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("name", String(32), primary_key=True),
)

timetable = Table(
    "timetable", metadata, _school(),
    Column("period", String(16), primary_key=True),
    Column("weekday", Integer, primary_key=True),
    Column("lesson_no", Integer, primary_key=True),
    Column("class_code", String(16), primary_key=True),
    Column("subgroup", String(32), primary_key=True),
    Column("parity", String(8), primary_key=True),
    Column("subject", Text, nullable=False),
    Column("room", String(32)),
)

bells = Table(
    "bells", metadata, _school(),
    Column("lesson_no", Integer, primary_key=True),
    Column("start", String(5), nullable=False),
    Column("end", String(5), nullable=False),
)

work_types = Table(
    "work_types", metadata, _school(),
    Column("name", Text, primary_key=True),
    Column("weight", Float, nullable=False),
)

absence_reasons = Table(
    "absence_reasons", metadata, _school(),
    Column("code", String(8), primary_key=True),
    Column("name", Text, nullable=False),
)

students = Table(
    "students", metadata, _school(key=False),
    Column("id", Integer, primary_key=True),
    Column("class_code", String(16), nullable=False, index=True),
    Column("full_name", Text, nullable=False),
    Column("birth_date", Date),
    Column("sex", String(1)),
    Column("active", Boolean, nullable=False, default=True),
    # pupil movement (migration 0009): enrolled on day d when arrived_on ≤ d < left_on (either
    # may be empty: here before the year / not left); the order («приказ №») of each
    Column("arrived_on", Date, info={"since": "0009"}),
    Column("arrival_order", Text, info={"since": "0009"}),
    Column("left_on", Date, info={"since": "0009"}),
    Column("leaving_order", Text, info={"since": "0009"}),
)

subgroup_members = Table(
    "subgroup_members", metadata, _school(key=False),
    Column("student_id", Integer, ForeignKey("students.id"), primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("subgroup", String(32), nullable=False),
)

parents = Table(
    "parents", metadata, _school(key=False),
    Column("id", Integer, primary_key=True),
    Column("full_name", Text, nullable=False),
    Column("email", Text),
    Column("phone", Text),
)

guardianships = Table(
    "guardianships", metadata, _school(key=False),
    Column("parent_id", Integer, ForeignKey("parents.id"), primary_key=True),
    Column("student_id", Integer, ForeignKey("students.id"), primary_key=True),
    Column("relation", Text),
    Column("receives_diary", Boolean, nullable=False, default=True),
)

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

period_locks = Table(
    "period_locks", metadata, _school(),
    Column("period", String(16), primary_key=True),
    Column("closed", Boolean, nullable=False),
    info=_J,
)

period_events = Table(
    "period_events", metadata, _school(key=False),
    Column("id", Integer, primary_key=True),
    Column("period", String(16), nullable=False),
    Column("action", String(8), nullable=False),
    Column("reason", Text),
    Column("at", DateTime, nullable=False),
    info=_J,
)

# ---- publishing (migration 0003) ------------------------------------------------------------

_P = {"since": "0003"}

mail_ledger = Table(
    "mail_ledger", metadata, _school(key=False),
    Column("message_id", String(255), primary_key=True),
    Column("kind", String(16), nullable=False),         # diary | feedback | summary
    Column("recipient", Text, nullable=False),
    Column("week", String(16)),
    Column("parent_id", Integer),
    Column("digest", String(64)),
    Column("status", String(16), nullable=False),   # queued | sent | refused | failed | uncertain | superseded
    Column("attempts", Integer, nullable=False, default=0),
    Column("response", Text),
    Column("updated_at", DateTime, nullable=False),
    # the JSON the message's diaries (or report cards) were rendered from, so a later correction
    # can say what changed against what the parent actually received (migration 0006)
    Column("content", Text, info={"since": "0006"}),
    # the addresses a refused message went to: it is tried again only at another (migration 0011)
    Column("refused_to", Text, info={"since": "0011"}),
    info=_P,
)

# ---- merging against the copy as issued (migration 0004) ------------------------------------

_M = {"since": "0004"}

issued_templates = Table(
    "issued_templates", metadata, _school(key=False),
    Column("template_id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("author", Text),
    Column("label", String(16)),                        # the week or period it was issued for
    Column("issued_at", DateTime, nullable=False),
    Column("state", Text, nullable=False),              # JSON: cell key → value as issued (the base)
    info=_M,
)

submission_states = Table(
    "submission_states", metadata, _school(key=False),
    Column("submission_id", Integer, ForeignKey("submissions.id"), primary_key=True),
    Column("template_id", String(64), nullable=False, index=True),
    Column("state", Text, nullable=False),              # JSON: cell key → value as submitted
    info=_M,
)

# ---- access: parents' passwords, mail taken over IMAP (migration 0007) ------------------------

_A = {"since": "0007"}

parent_access = Table(
    "parent_access", metadata, _school(key=False),
    Column("parent_id", Integer, ForeignKey("parents.id"), primary_key=True),
    Column("version", Integer, nullable=False, default=0),   # bumped to reset the password
    Column("updated_at", DateTime, nullable=False),
    info=_A,
)

fetched_mail = Table(
    "fetched_mail", metadata, _school(key=False),
    Column("id", Integer, primary_key=True),
    Column("message_id", String(255), nullable=False),
    Column("uid", String(64), nullable=False),          # IMAP UID in the folder it was read from
    Column("sender", Text, nullable=False),
    Column("status", String(16), nullable=False),       # taken | held
    Column("reason", String(32)),                       # why held: unknown-sender | not-authenticated | …
    Column("files", Text, nullable=False, default="[]"),  # JSON: paths written under inbox/
    Column("author", Text),
    Column("answered", Boolean, nullable=False, default=False),
    Column("received_at", DateTime, nullable=False),
    UniqueConstraint("school_id", "message_id", name="uq_fetched_message"),
    info=_A,
)

# ---- the school year: exam marks and marks of earlier years (migration 0008) ------------------
# Year marks are period marks of the setup's year period (``period_marks.period`` = its code,
# e.g. «Y»); final (attestat) marks are computed, never stored (zhurnal.year.final).

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

year_locks = Table(
    "year_locks", metadata, _school(),
    Column("year_label", String(16), primary_key=True),  # the setup's «2026/2027»
    Column("closed", Boolean, nullable=False),
    info=_YC,
)

year_events = Table(
    "year_events", metadata, _school(key=False),
    Column("id", Integer, primary_key=True),
    Column("year_label", String(16), nullable=False),
    Column("action", String(8), nullable=False),         # close | reopen
    Column("reason", Text),
    Column("snapshot", String(64)),                      # the store snapshot's sha256 the archive was printed from
    Column("at", DateTime, nullable=False),
    info=_YC,
)
