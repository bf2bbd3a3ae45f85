"""A diary families can answer (issue 28): teachers' remarks to pupils, the class teacher's
weekly notes, homework's due date on lessons, and the digest of each parent's last slip.

Revision ID: 0012 (branch «diary»; the lead renumbers it if another migration took 0012)
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0012", "0011", None, None


def upgrade() -> None:
    introduce(revision)
