"""Access: teachers' logins (their inbox folders), the version of each parent's password, and
the mail taken from the school's mailbox (once each, by Message-ID and UID).

Revision ID: 0007
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0007", "0006", None, None


def upgrade() -> None:
    introduce(revision)
