"""One run at a time per workspace: a lock file, and on PostgreSQL the school's row lock
(:mod:`zhurnal.store.run_locks`: a lock no other school's role can take).

Two ``zhurnal ingest`` started together would both insert the same submission (one dies on the
store's unique hash); with the lock the second one waits, or with ``wait=False`` gives up at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from zhurnal.school.context import RunContext
from zhurnal.store import run_locks

log = logging.getLogger("zhurnal.ingest")
LOCK_NAME = ".zhurnal.lock"
# the workspaces this process holds: a scheduled run holds its workspace around all its steps, and
# the ingest among them takes the lock again (a second FileLock on the same file would wait forever)
_HELD: dict[tuple[str, int], int] = {}     # (lock file, thread) → depth


class WorkspaceBusy(Exception):
    """Another run holds the workspace and the caller chose not to wait (exit 1 in the CLI)."""

    def __init__(self, where: str) -> None:
        super().__init__(f"другой запуск zhurnal сейчас работает с {where}; повторите позже")


@contextmanager
def _school_row(ctx: RunContext, wait: bool) -> Iterator[None]:
    """PostgreSQL: the school's row lock, held by one connection for the whole run, so that two
    machines sharing one district store also take turns."""
    if ctx.engine.dialect.name != "postgresql" or ctx.school_id is None:
        yield
        return
    where = f"школой {ctx.settings.school.code} в общей базе"
    with run_locks.held(ctx.engine, ctx.school_id, wait=False) as got:
        if got:
            yield
            return
    if not wait:
        raise WorkspaceBusy(where)
    log.warning("Другой запуск zhurnal работает со школой %s в общей базе; жду его окончания.",
                ctx.settings.school.code)
    with run_locks.held(ctx.engine, ctx.school_id, wait=True):
        yield


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
        with _school_row(ctx, wait):
            yield
    finally:
        _HELD.pop(held, None)
        lock.release()
