"""Merging against the copy as issued: what every issued template held (its base), and what
every accepted submission held, so a later copy is merged three ways.

Revision ID: 0004
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0004", "0003", None, None


def upgrade() -> None:
    introduce(revision)
