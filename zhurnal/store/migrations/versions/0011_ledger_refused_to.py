"""Mail once: the ledger keeps the address a server refused for good, so a refused message is
tried again only after the roster changes that address.

Revision ID: 0011
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0011", "0010", None, None


def upgrade() -> None:
    introduce(revision)
