"""Access: teachers' logins (their inbox folders), the version of each parent's password, and
the mail taken from the school's mailbox (once each, by Message-ID and UID).

Revision ID: 0006  (another branch adds its own 0005; renumber at merge)
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0006", "0005", None, None


def upgrade() -> None:
    introduce(revision)
