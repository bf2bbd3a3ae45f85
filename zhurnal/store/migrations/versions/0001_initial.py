"""The first schema: school setup, rosters, submissions and revisions.

Revision ID: 0001
"""

from alembic import op

from zhurnal.store.migrations import create_introduced

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_introduced(op.get_bind(), revision)
