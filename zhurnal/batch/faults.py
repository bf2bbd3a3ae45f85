"""Every problem a command can stop on, as one named exception with its exit code.

The libraries under the command line raise their own exceptions (the store's, the backup's,
the keyring's, the settings', a mail server's, the operating system's); :func:`named` turns each
into a :class:`~zhurnal.core.errors.ZhurnalError` — a usage or configuration problem (exit 2) or
an infrastructure one (exit 3) — so that the command line catches them in one place. Anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, InterfaceError, OperationalError, SQLAlchemyError
from xlsxwriter.exceptions import FileCreateError

from zhurnal.backup import BackupError
from zhurnal.backup.health import has_backup
from zhurnal.core.errors import (
    DiskFailure,
    DiskFull,
    Misconfigured,
    NotWritable,
    ServerUnavailable,
    StoreDamaged,
    StoreUnavailable,
    UsageError,
    ZhurnalError,
)
from zhurnal.core.keyring import KeyringError
from zhurnal.core.settings import ConfigError
from zhurnal.fetch.imap import ImapUnavailable
from zhurnal.ingest.lock import WorkspaceBusy
from zhurnal.publish.send import SmtpUnavailable
from zhurnal.store.copy import CopyMismatch, SchoolExists
from zhurnal.store.engine import StoreOutdated, StoreTooNew, mask_secrets, masked
from zhurnal.store.errors import StoreError
from zhurnal.store.health import SQLITE_NOTADB, is_damage
from zhurnal.store.roles import NotPostgres, UnknownSchool
from zhurnal.text.i18n import N_, _

_FULL = {errno.ENOSPC, errno.EDQUOT}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
# SQLite's result codes (sqlite.org/rescode.html): SQLITE_READONLY 8, SQLITE_FULL 13
_SQLITE_DISK = {8: NotWritable, 13: DiskFull}
SQLITE_IOERR, SQLITE_CANTOPEN = 10, 14


class StoreProblem(UsageError):
    """The store answers, but cannot be used as it is (an old schema, a school it lacks, …)."""

    def __init__(self, url: str, template: str, **params: object) -> None:
        super().__init__(N_("store {url}: {error}"), url=url, error=template.format(**params))
        self.inner, self.inner_params = template, params

    def said(self) -> str:
        return _(self.template).format(url=self.params["url"], error=_(self.inner).format(**self.inner_params))


class Busy(ZhurnalError):
    """Another run holds the workspace and the command was told not to wait (exit 1: try later)."""

    exit_code = 1

    def __init__(self, text: str) -> None:
        super().__init__("{text}", text=text)


def _store_problem(exc: StoreError, url: str) -> UsageError:
    if isinstance(exc, SchoolExists):
        return StoreProblem(url, N_("it already holds school '{code}'; nothing was copied"), code=exc.code)
    if isinstance(exc, CopyMismatch):
        return StoreProblem(url, N_("the copy differs from this store in {tables}; nothing was copied"),
                            tables=", ".join(exc.tables))
    if isinstance(exc, UnknownSchool):
        return StoreProblem(url, N_("school '{code}' is not in it (db copy or zhurnal init it first)"), code=exc.code)
    if isinstance(exc, NotPostgres):
        return StoreProblem(url, N_("roles and row-level security need a PostgreSQL store"))
    if isinstance(exc, StoreOutdated):
        return StoreProblem(url, N_("the store's schema is at revision {current}, this zhurnal needs {head}: "
                                    "run 'zhurnal db upgrade' (back the store up first)"),
                            current=exc.current, head=exc.head)
    if isinstance(exc, StoreTooNew):
        return StoreProblem(url, N_("the store's schema is at revision {current}, which this zhurnal does not "
                                    "know: a newer zhurnal has upgraded it; install that version"),
                            current=exc.current)
    return StoreProblem(url, "{text}", text=str(exc))


def _os_problem(exc: OSError) -> ZhurnalError:
    if exc.errno in _FULL:
        return DiskFull(exc.filename)
    if exc.errno in _READ_ONLY:
        return NotWritable(exc.filename)
    return DiskFailure(exc.filename, exc.strerror or str(exc))


def _folder_of(store_url: str | None) -> Path | None:
    """The folder of a SQLite store's file (None: not SQLite, or in memory)."""
    try:
        database = make_url(store_url).database if store_url else None
    except (ArgumentError, ValueError):
        return None
    return Path(database).resolve().parent if database and database != ":memory:" else None


def _free_bytes(folder: Path | None) -> int | None:
    try:
        stat = os.statvfs(folder) if folder else None
    except OSError:
        return None
    return stat.f_bavail * stat.f_frsize if stat else None


def _database_problem(exc: BaseException, url: str, store_url: str | None) -> ZhurnalError | None:
    """The store's driver error (SQLAlchemy's, or SQLite's own raised while a connection is
    set up) as a named problem; None for an integrity or programming error (a bug)."""
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", 0) & 0xFF
    # a damaged file or no database at all: SQLite's English words are not the message, a restore is
    if is_damage(exc):
        return StoreDamaged(url, [str(orig)], not_a_database=code == SQLITE_NOTADB,
                            backup=has_backup(_folder_of(store_url)))
    # SQLite on a full or read-only disk: the disk's problem, said as the disk's
    if code in _SQLITE_DISK:
        return _SQLITE_DISK[code](url)
    folder = _folder_of(store_url)
    if code == SQLITE_IOERR:     # a full disk is often only «disk I/O error» (the -shm file cannot grow)
        return DiskFull(url) if _free_bytes(folder) == 0 else DiskFailure(url, str(orig))
    if code == SQLITE_CANTOPEN and folder and not os.access(folder, os.W_OK):
        return NotWritable(folder)      # WAL mode makes its -wal and -shm files beside the store
    # the store unreachable; an integrity or programming error is a bug
    if isinstance(exc, (OperationalError, InterfaceError, sqlite3.OperationalError)) or type(exc) is DatabaseError:
        error = str(orig).strip().splitlines()[0]
        return StoreUnavailable(url, mask_secrets(error, store_url) if store_url else error)
    return None


def named(exc: BaseException, store_url: str | None = None) -> ZhurnalError | None:
    """``exc`` as a named problem with its exit code, or None when it is not an expected one
    (a bug). ``store_url``: the workspace's store, named (masked) in store problems."""
    url = masked(store_url) if store_url else "—"
    if isinstance(exc, ZhurnalError):
        return exc
    if isinstance(exc, (ConfigError, KeyringError, BackupError)):
        return Misconfigured(str(exc))
    if isinstance(exc, WorkspaceBusy):
        return Busy(str(exc))
    if isinstance(exc, StoreError):
        return _store_problem(exc, url)
    if isinstance(exc, ImportError) and "psycopg" in str(exc):
        return StoreProblem(url, N_("{error}: install the PostgreSQL driver with pip install 'zhurnal[postgresql]'"),
                            error=str(exc))
    if isinstance(exc, ArgumentError):                 # a store URL that names no database
        return StoreProblem(url, "{text}", text=str(exc))
    if isinstance(exc, (SQLAlchemyError, sqlite3.Error)) and (problem := _database_problem(exc, url, store_url)):
        return problem
    if isinstance(exc, SmtpUnavailable):
        return ServerUnavailable("SMTP", str(exc))
    if isinstance(exc, ImapUnavailable):
        return ServerUnavailable("IMAP", str(exc))
    if isinstance(exc, OSError):
        return _os_problem(exc)
    # xlsxwriter reports a file it cannot create as its own error, not an OSError: the OSError it
    # caught is its context
    if isinstance(exc, FileCreateError) and isinstance(exc.__context__, OSError):
        return _os_problem(exc.__context__)
    return None


@contextmanager
def store_named(url: str) -> Iterator[None]:
    """Within the block, the store's problems come out named, with ``url`` (masked) in them."""
    try:
        yield
    except (StoreError, SQLAlchemyError, sqlite3.Error, ImportError) as exc:
        problem = named(exc, url)
        if problem is None:
            raise
        raise problem from exc
