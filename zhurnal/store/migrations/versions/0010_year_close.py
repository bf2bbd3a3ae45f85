"""The school year's close: whether a year is locked, and every close and reopen as an event
(with the snapshot digest its archive was printed from).

Revision ID: 0010
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0010", "0009", None, None


def upgrade() -> None:
    introduce(revision)
