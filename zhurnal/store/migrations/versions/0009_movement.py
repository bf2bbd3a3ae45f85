"""Pupil movement: each pupil's arrival and leaving dates with the orders («приказ №»).

Revision ID: 0009
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0009", "0008", None, None


def upgrade() -> None:
    introduce(revision)
