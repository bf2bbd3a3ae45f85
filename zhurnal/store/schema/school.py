"""The school as the setup and the rosters give it: periods, holidays, teachers, classes,
subjects, load, timetable, bells, work types, absence reasons, students, parents."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, String, Table, Text

from zhurnal.store.schema.base import _dates_and_grades, _school, metadata

schools = Table(
    "schools", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("year_label", String(16)),
    Column("year_start", Date),
    Column("year_end", Date),
)



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
    # the pupil's card (migration 0012): private contacts the class teacher keeps in the roster;
    # never in a diary, a letter or a summary, printed only on the year archive's pupils' list
    # when [roster] contacts_in_archive says so
    Column("address", Text, info={"since": "0012"}),
    Column("phone", Text, info={"since": "0012"}),
    Column("note", Text, info={"since": "0012"}),
    # the pupil's own address (migration 0015): their own copy of the diary, from the grade
    # [diary] pupils_from_grade names (issue 28, point 6)
    Column("email", Text, info={"since": "0015"}),
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

# ---- roster freshness (migration 0012) -------------------------------------------------------

# every confirmation of a class's roster: a roster accepted (changed or not), or the class's newest
# accepted roster handed in again a day or more after the last confirmation; the newest row
# up to a moment says how fresh the roster was then (zhurnal.school.roster_freshness)
roster_confirmations = Table(
    "roster_confirmations", metadata, _school(),
    Column("class_code", String(16), primary_key=True),
    Column("received_at", DateTime, primary_key=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    info={"since": "0012"},
)
