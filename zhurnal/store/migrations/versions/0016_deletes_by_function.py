"""No table-wide UPDATE or DELETE for a district's school roles: deletes through a function.

On PostgreSQL a role with table-level ``UPDATE``, ``DELETE`` or ``TRUNCATE`` may ``LOCK TABLE`` in
any mode, so one school's role could stall every school's writes. This revision makes
``zhurnal_delete(regclass, jsonb)`` (:mod:`zhurnal.store.delete`) and moves the school roles
already granted to update by column and delete through it (:func:`zhurnal.store.roles.grant_rows`);
rows are untouched. SQLite stores hold one school: nothing changes there.

Revision ID: 0016
"""

from alembic import op
from sqlalchemy import inspect, text

from zhurnal.store import delete
from zhurnal.store.migrations import introduce
from zhurnal.store.roles import ROLES_TABLE, grant_rows

revision, down_revision, branch_labels, depends_on = "0016", "0015", None, None


def upgrade() -> None:
    introduce(revision)
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    delete.create_function(bind)
    if not inspect(bind).has_table(ROLES_TABLE):
        return
    roles = bind.execute(text(f'SELECT r.role FROM "{ROLES_TABLE}" r JOIN pg_roles p ON p.rolname = r.role '
                              "ORDER BY r.role")).scalars().all()
    for role in roles:
        grant_rows(bind, bind.dialect.identifier_preparer.quote_identifier(role))
