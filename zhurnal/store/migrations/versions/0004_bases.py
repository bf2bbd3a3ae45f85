"""Merging against the copy as issued: what every issued template held (its base), and what
every accepted submission held, so a later copy is merged three ways.

Revision ID: 0004
"""

from alembic import op

from zhurnal.store.migrations import add_introduced_columns, create_introduced

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_introduced(op.get_bind(), revision)
    add_introduced_columns(op, revision)
