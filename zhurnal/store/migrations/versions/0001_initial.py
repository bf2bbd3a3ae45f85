"""The first schema: school setup, rosters, submissions and revisions.

Revision ID: 0001
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0001", None, None, None


def upgrade() -> None:
    introduce(revision)
