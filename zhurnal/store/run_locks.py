"""A school's run lock on PostgreSQL: a row lock on the school's own row of ``zhurnal_run_locks``.

One run of a school at a time, across machines sharing a district store, and no other school's
role able to take it. A run holds ``SELECT … FOR UPDATE`` on the row ``school_id = own`` in a
transaction of its own connection, open for the whole run; the row is released when the run
ends, and by the server when the holder's connection drops (kill -9 included).

Why a row and not an advisory lock (what zhurnal used before migration 0013): advisory locks
have no owner and no rights — any role may take any key — and ``pg_locks`` shows every role the
keys held at the moment, so even a secret key is learnt by watching. A row lock is taken only on
a row the role can see: row-level security (:mod:`zhurnal.store.roles`) hides other schools'
rows, so another school's ``FOR UPDATE`` finds no row and locks nothing. School roles have
``SELECT`` and ``UPDATE`` on one column only (``FOR UPDATE`` needs the update right on some
column); ``LOCK TABLE`` in a mode that would block the table needs the right on the whole
table, which they lack.

Why a table of its own and not the ``schools`` row: the setup's ingest updates the school's row
(year label and dates) inside the run; a lock on that row held by the run's lock connection
would block the run's own update.

The cost: the lock's transaction stays open for the run (it holds back vacuum's horizon for
those minutes; a district that sets ``idle_in_transaction_session_timeout`` must set it above
the longest run). SQLite stores hold one school and use the workspace's lock file only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

from zhurnal.store.errors import StoreError

TABLE = "zhurnal_run_locks"


class RunLockMissing(StoreError):
    def __init__(self, school_id: int) -> None:
        super().__init__(f"the store has no run-lock row for school {school_id} and this role may not "
                         f"make one: run 'zhurnal db grant' for the school again (as the district)")
        self.school_id = school_id


def create(conn: Connection) -> None:
    """The table (idempotent) and a row for every school (run by the schema's owner)."""
    conn.execute(text(f'CREATE TABLE IF NOT EXISTS "{TABLE}" (school_id integer PRIMARY KEY '
                      'REFERENCES schools(id) ON DELETE CASCADE, taken boolean NOT NULL DEFAULT false)'))
    add_rows(conn)


def add_rows(conn: Connection) -> None:
    conn.execute(text(f'INSERT INTO "{TABLE}" (school_id) SELECT id FROM schools ON CONFLICT DO NOTHING'))


def grant(conn: Connection, who: str) -> None:
    """A school role's rights on the table: see rows (its own, under row-level security) and
    lock them; nothing that could lock the table."""
    conn.execute(text(f'REVOKE ALL ON "{TABLE}" FROM {who}'))
    conn.execute(text(f'GRANT SELECT, UPDATE (taken) ON "{TABLE}" TO {who}'))


@contextmanager
def held(engine: Engine, school_id: int, *, wait: bool) -> Iterator[bool]:
    """Hold school ``school_id``'s run lock for the ``with`` block. Yields True when held;
    False (without waiting) when ``wait`` is False and another run holds it. Raises
    :class:`RunLockMissing` when the row is absent and the role may not add it."""
    with engine.connect() as conn:
        row = {"school": school_id}
        if conn.execute(text(f'SELECT 1 FROM "{TABLE}" WHERE school_id = :school'), row).first() is None:
            try:
                conn.execute(text(f'INSERT INTO "{TABLE}" (school_id) VALUES (:school) ON CONFLICT DO NOTHING'), row)
                conn.commit()
            except Exception as exc:                  # a school role has no INSERT: the district makes rows
                conn.rollback()
                raise RunLockMissing(school_id) from exc
        how = "" if wait else " SKIP LOCKED"
        got = conn.execute(text(f'SELECT 1 FROM "{TABLE}" WHERE school_id = :school FOR UPDATE{how}'), row).first()
        if got is None:
            conn.rollback()
            yield False
            return
        try:
            yield True
        finally:
            conn.rollback()
