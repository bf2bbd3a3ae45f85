"""The master dataset's tables (SQLAlchemy Core), as they stand at the newest migration.

Every row carries ``school_id`` so one store can hold a district. Setup entities are keyed by
the natural keys staff type (class «7А», subject name, teacher's full name) because those are
what workbooks carry; students and parents get surrogate ids that travel in hidden cells.

Each table and each column added after the first migration names its migration in
``info={"since": "<revision>"}``; :mod:`zhurnal.store.migrations` builds from that, so this
file stays the one declaration of the schema.
"""

from __future__ import annotations

from zhurnal.store.schema.base import metadata
from zhurnal.store.schema.delivery import fetched_mail, issued_templates, mail_ledger, parent_access, submission_states
from zhurnal.store.schema.extracurricular import extra_absences, extra_groups, extra_members, extra_sessions
from zhurnal.store.schema.journal import (
    absences,
    exemptions,
    journal_entries,
    lessons,
    period_events,
    period_locks,
    period_marks,
    plan_items,
    revisions,
    submissions,
)
from zhurnal.store.schema.school import (
    absence_reasons,
    bells,
    classes,
    guardianships,
    holidays,
    parents,
    periods,
    roster_confirmations,
    schools,
    students,
    subgroup_members,
    subgroups,
    subjects,
    teachers,
    teaching_load,
    timetable,
    work_types,
)
from zhurnal.store.schema.year import exam_marks, prior_marks, year_events, year_locks

__all__ = [
    "metadata", "schools", "periods", "holidays", "teachers", "classes", "subjects",
    "teaching_load", "subgroups", "timetable", "bells", "work_types", "absence_reasons", "students",
    "subgroup_members", "parents", "guardianships", "submissions", "revisions", "lessons",
    "journal_entries", "absences", "period_marks", "plan_items", "exemptions", "period_locks",
    "period_events", "mail_ledger", "issued_templates", "submission_states", "parent_access",
    "fetched_mail", "exam_marks", "prior_marks", "year_locks", "year_events", "roster_confirmations",
    "extra_groups", "extra_members", "extra_sessions", "extra_absences",
]
