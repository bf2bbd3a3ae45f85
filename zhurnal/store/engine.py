"""Opening the store: an engine with SQLite's WAL and foreign keys on, migrated to head."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event

from zhurnal.store.migrations import upgrade


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def open_store(url: str, *, migrate: bool = True) -> Engine:
    """An engine for ``url``, its schema brought to the newest migration."""
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine)
    return engine
