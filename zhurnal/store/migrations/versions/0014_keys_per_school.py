"""Schools fully isolated in a district store: every key per school, and the run lock a row lock.

On PostgreSQL every primary and foreign key of a table with ``school_id`` gets ``school_id`` in
front (:mod:`zhurnal.store.keys`), and ``zhurnal_run_locks`` holds one row per school for the run
lock (:mod:`zhurnal.store.run_locks`). SQLite stores hold one school: nothing changes there.

Revision ID: 0014
"""

from alembic import op

from zhurnal.store import run_locks
from zhurnal.store.keys import make_keys_per_school
from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0014", "0013", None, None


def upgrade() -> None:
    introduce(revision)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        make_keys_per_school(bind)
        run_locks.create(bind)
