"""Indexes for the queries that run: a school's lessons and absences by date, its revisions by
entity and key (history).

Revision ID: 0005
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0005", "0004", None, None


def upgrade() -> None:
    introduce(revision)
