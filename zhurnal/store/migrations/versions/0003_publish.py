"""Publishing: the mail ledger (what was queued, sent or refused, and the diary digests), and
the week or period each submission was issued for.

Revision ID: 0003
"""

from alembic import op

from zhurnal.store.migrations import add_introduced_columns, create_introduced

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_introduced(op.get_bind(), revision)
    add_introduced_columns(op, revision)
