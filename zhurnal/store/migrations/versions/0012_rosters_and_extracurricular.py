"""Roster freshness: every confirmation of a class's roster, with its moment; the extracurricular
journal: groups, members, sessions, absences.

Revision ID: 0012
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0012", "0011", None, None


def upgrade() -> None:
    introduce(revision)
