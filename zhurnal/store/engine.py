"""Opening the store: an engine (SQLite's WAL and foreign keys on), its schema made or checked.

A store is shared by every command of a school, and on PostgreSQL by every school of a
district, whose scheduled jobs may start at the same moment. So the schema is changed only
under a lock — a transaction-scoped advisory lock on PostgreSQL, a lock file beside the
database on SQLite — and only in two cases: an empty store gets the whole schema when a
command first opens it, and an older schema is upgraded only by ``zhurnal db upgrade``. Any
other command that finds an older schema refuses (:class:`StoreOutdated`), so a shared store is
never migrated by surprise.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text

from zhurnal.core.atomic import private_file
from zhurnal.store.errors import StoreError
from zhurnal.store.migrations import alembic_config, upgrade_on

# any fixed 64-bit number: the key of the advisory lock every zhurnal process takes to migrate
MIGRATION_LOCK = 0x7A68_7572_6E61_6C31


class StoreOutdated(StoreError):
    def __init__(self, current: str, head: str) -> None:
        super().__init__(f"the store's schema is at revision {current}, this zhurnal needs {head}: "
                         f"run 'zhurnal db upgrade' (back the store up first)")
        self.current, self.head = current, head


class StoreTooNew(StoreError):
    def __init__(self, current: str) -> None:
        super().__init__(f"the store's schema is at revision {current}, which this zhurnal does not know: "
                         f"a newer zhurnal has upgraded it; install that version")
        self.current = current


_QUERY_SECRET = re.compile(r"((?:^|[?&])(?:password|passwd|pwd|sslpassword)=)[^&]*", re.I)


def masked(url: str) -> str:
    """``url`` with its password shown as ``***`` (for every message and log line), whether
    it sits before the host (``user:pw@``) or in the query (``?password=pw``)."""
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except Exception:                                   # not parseable: hide whatever follows ':' before '@'
        shown = re.sub(r":[^:@/]*@", ":***@", url)
    base, question, query = shown.partition("?")
    return base + question + _QUERY_SECRET.sub(r"\1***", query) if question else shown


def _secrets_of(url: str) -> list[str]:
    found = []
    try:
        parsed = make_url(url)
        found += [str(parsed.password)] if parsed.password else []
        found += [str(v) for k, v in parsed.query.items() if k.lower() in ("password", "passwd", "pwd", "sslpassword")]
    except Exception:
        pass
    return [s for s in found if s]


def mask_secrets(message: str, url: str) -> str:
    """``message`` with the password of ``url`` (if any, before the host or in the query)
    replaced by ``***``."""
    message = message.replace(url, masked(url))
    for secret in _secrets_of(url):
        message = message.replace(secret, "***")
    return message


def split_part(text_: str | None, delimiter: str, n: int) -> str | None:
    """PostgreSQL's ``split_part`` (1-based; '' past the last part), given to SQLite too so that
    queries on revision keys (``5А/Алгебра//2026-11-23/1/17``) read the same on both."""
    if text_ is None or delimiter is None or n is None:
        return None
    parts = text_.split(delimiter)
    return parts[n - 1] if 0 < n <= len(parts) else ""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.create_function("split_part", 3, split_part, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config(None)).get_current_head()


def current_revision(conn: Connection) -> str | None:
    """The revision the store's schema is at; None for an empty store."""
    return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def _migration_lock(engine: Engine):
    """A transaction holding the lock that every schema change takes."""
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        lock = FileLock(f"{database}.migrate.lock") if database and database != ":memory:" \
            and Path(database).parent.is_dir() else None
        if lock:
            lock.acquire(timeout=600)
        try:
            with engine.begin() as conn:
                yield conn
        finally:
            if lock:
                lock.release()
    else:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            yield conn


def ensure_schema(engine: Engine) -> None:
    """Create the schema in an empty store (under the lock); raise :class:`StoreOutdated` for
    an older one and :class:`StoreTooNew` for one a newer zhurnal made."""
    head = head_revision()
    with engine.connect() as conn:
        current = current_revision(conn)
    if current == head:
        return
    if current is None:
        with _migration_lock(engine) as conn:
            if current_revision(conn) is None:          # not made meanwhile by another process
                upgrade_on(conn)
        return
    _check_known(current)
    raise StoreOutdated(current, head)


def _check_known(current: str) -> None:
    try:
        known = ScriptDirectory.from_config(alembic_config(None)).get_revision(current)
    except Exception as exc:                     # alembic's own "no such revision"
        raise StoreTooNew(current) from exc
    if known is None:
        raise StoreTooNew(current)


def upgrade_store(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the newest revision under the lock; (revision before, after)."""
    with _migration_lock(engine) as conn:
        before = current_revision(conn)
        if before is not None:
            _check_known(before)
        upgrade_on(conn)
        from zhurnal.store.roles import is_secured, secure
        if is_secured(conn):                    # tables a migration added get their policies
            secure(conn)
        return before, current_revision(conn)


def open_store(url: str, *, migrate: bool = True) -> Engine:
    """An engine for ``url``; with ``migrate``, its schema made if the store is empty and
    checked otherwise (:func:`ensure_schema`)."""
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        if engine.url.database and engine.url.database != ":memory:" and Path(engine.url.database).parent.is_dir():
            private_file(Path(engine.url.database))   # every pupil and parent: owner-only (issue 26)
    if migrate:
        ensure_schema(engine)
    return engine
