"""One consistent copy of the store, taken while the pipeline may be writing to it.

SQLite: the online backup API copies the database in one step inside one read transaction;
in WAL mode that neither waits for a writer (an ingest in the middle of a workbook) nor
blocks it, and the copy holds exactly what was committed when it began. The snapshot is
taken before ``archive/`` is copied, and ingest archives an original before it commits its
rows, so every submission in the snapshot has its original in the same backup.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine


def sqlite_snapshot(engine: Engine, target: Path) -> None:
    """Copy the SQLite store behind ``engine`` into the new single file ``target``."""
    raw = engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(copy)  # pages=-1: the whole database in one step, one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal beside it
        finally:
            copy.close()
    finally:
        raw.close()


def snapshot_store(engine: Engine, school_id: int, target: Path) -> None:
    """This school's store as one SQLite file at ``target``, whatever the store is."""
    if engine.dialect.name == "sqlite":
        sqlite_snapshot(engine, target)
        return
    from zhurnal.backup.export import export_school
    export_school(engine, school_id, target)


def check_sqlite(path: Path) -> tuple[str, dict[str, int], str]:
    """``PRAGMA integrity_check``'s answer, rows per table, and the schema revision of a store file."""
    conn = sqlite3.connect(path)
    try:
        answer = conn.execute("PRAGMA integrity_check").fetchone()[0]
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        counts = {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
        revision = ""
        if "alembic_version" in names:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else ""
        return answer, counts, revision
    except sqlite3.DatabaseError as exc:
        return f"{type(exc).__name__}: {exc}", {}, ""
    finally:
        conn.close()
