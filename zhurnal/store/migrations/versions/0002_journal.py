"""The weekly journal: lessons, marks and attendance, absences, period marks, plans,
exemptions, period locks.

Revision ID: 0002
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0002", "0001", None, None


def upgrade() -> None:
    introduce(revision)
