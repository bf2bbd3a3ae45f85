"""Publishing: the mail ledger (what was queued, sent or refused, and the diary digests), and
the week or period each submission was issued for.

Revision ID: 0003
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0003", "0002", None, None


def upgrade() -> None:
    introduce(revision)
