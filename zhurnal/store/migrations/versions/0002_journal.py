"""The weekly journal: lessons, marks and attendance, absences, period marks, plans,
exemptions, period locks.

Revision ID: 0002
"""

from alembic import op

from zhurnal.store.migrations import create_introduced

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_introduced(op.get_bind(), revision)
