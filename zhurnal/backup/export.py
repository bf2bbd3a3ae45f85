"""One school's rows out of a shared store, table by table, in one snapshot transaction.

On a district's PostgreSQL store a backup holds this school's rows only (the whole database
is the district's job, with ``pg_dump``). Every table is read inside one REPEATABLE READ,
read-only transaction, so all tables show the same moment while ingest runs go on; the rows
are written into a fresh SQLite store of the same schema, which restores as any SQLite
snapshot does. On SQLite the same code runs in one plain transaction (SQLite's own backup
API is used for whole SQLite stores; this is for a store shared by several schools).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, insert, select

from zhurnal.store import open_store
from zhurnal.store.schema import metadata, schools

BATCH = 2000


def _snapshot_connection(engine: Engine):
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return conn


def export_school(engine: Engine, school_id: int | None, target: Path) -> dict[str, int]:
    """Write the school's rows of every table into the new SQLite store ``target``; rows per table."""
    copy = open_store(f"sqlite:///{target}")
    counts: dict[str, int] = {}
    try:
        with _snapshot_connection(engine) as source, copy.begin() as sink:
            with source.begin():
                for table in metadata.sorted_tables:
                    if table is schools:
                        query = select(table).where(table.c.id == school_id)
                    else:
                        query = select(table).where(table.c.school_id == school_id)
                    rows = source.execute(query.execution_options(yield_per=BATCH)).mappings()
                    counts[table.name] = 0
                    for chunk in rows.partitions(BATCH):
                        sink.execute(insert(table), [dict(r) for r in chunk])
                        counts[table.name] += len(chunk)
    finally:
        copy.dispose()
    return counts
