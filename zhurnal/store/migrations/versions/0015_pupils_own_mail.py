"""Pupils' own access (issue 28, point 6): the pupil's own address in the roster, and the pupil
a ledger row's own copy of a diary went to.

Revision ID: 0015
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0015", "0014", None, None


def upgrade() -> None:
    introduce(revision)
