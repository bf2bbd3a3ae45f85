"""One run at a time per workspace: a lock file, and on PostgreSQL an advisory lock per school.

Two ``zhurnal ingest`` started together would both insert the same submission (one dies on the
store's unique hash); with the lock the second one waits, or with ``wait=False`` gives up at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout
from sqlalchemy import text

from zhurnal.school.context import RunContext

log = logging.getLogger("zhurnal.ingest")
LOCK_NAME = ".zhurnal.lock"
_ADVISORY_SPACE = 0x7A68   # "zh": the first key of pg_advisory_lock(int, int); the school id is the second
# the workspaces this process holds: a scheduled run holds its workspace around all its steps, and
# the ingest among them takes the lock again (a second FileLock on the same file would wait forever)
_HELD: dict[tuple[str, int], int] = {}     # (lock file, thread) → depth


class WorkspaceBusy(Exception):
    """Another run holds the workspace and the caller chose not to wait (exit 1 in the CLI)."""

    def __init__(self, where: str) -> None:
        super().__init__(f"другой запуск zhurnal сейчас работает с {where}; повторите позже")


@contextmanager
def _advisory(ctx: RunContext, wait: bool) -> Iterator[None]:
    """PostgreSQL: a session advisory lock on (zhurnal, school id), held by one connection
    for the whole run, so that two machines sharing one district store also take turns."""
    if ctx.engine.dialect.name != "postgresql" or ctx.school_id is None:
        yield
        return
    with ctx.engine.connect() as conn:
        keys = {"space": _ADVISORY_SPACE, "school": ctx.school_id}
        got = conn.execute(text("select pg_try_advisory_lock(:space, :school)"), keys).scalar()
        if not got:
            if not wait:
                raise WorkspaceBusy(f"школой {ctx.settings.school.code} в общей базе")
            log.warning("Другой запуск zhurnal работает со школой %s в общей базе; жду его окончания.",
                        ctx.settings.school.code)
            conn.execute(text("select pg_advisory_lock(:space, :school)"), keys)
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("select pg_advisory_unlock(:space, :school)"), keys)
            conn.commit()


@contextmanager
def run_lock(ctx: RunContext, *, wait: bool = True) -> Iterator[None]:
    """Hold the workspace for one run; raises :class:`WorkspaceBusy` when ``wait`` is False and
    another process holds it. The lock file stays (an empty file); the OS releases the lock
    when its holder exits, even after kill -9. Taken again inside a block that holds it, it
    is held already."""
    path = str(ctx.settings.workspace / LOCK_NAME)
    held = (path, threading.get_ident())
    if _HELD.get(held):
        _HELD[held] += 1
        try:
            yield
        finally:
            _HELD[held] -= 1
        return
    lock = FileLock(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not wait:
            raise WorkspaceBusy(f"папкой {ctx.settings.workspace}") from None
        log.warning("Другой запуск zhurnal работает с папкой %s; жду его окончания.", ctx.settings.workspace)
        lock.acquire()
    _HELD[held] = 1
    try:
        with _advisory(ctx, wait):
            yield
    finally:
        _HELD.pop(held, None)
        lock.release()
