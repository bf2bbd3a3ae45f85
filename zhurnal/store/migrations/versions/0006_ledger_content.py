"""Publishing once: the mail ledger keeps the data each diary message was rendered from, so a
diary republished after delivery goes out as a correction naming what changed.

Revision ID: 0006
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0006", "0005", None, None


def upgrade() -> None:
    introduce(revision)
