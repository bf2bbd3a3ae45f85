"""A diary families can answer (issue 28): teachers' remarks to pupils, the class teacher's
weekly notes, homework's due date on lessons, and the digest of each parent's last slip.

Revision ID: 0013
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0013", "0012", None, None


def upgrade() -> None:
    introduce(revision)
