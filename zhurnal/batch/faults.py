"""Every problem a command can stop on, as one named exception with its exit code.

The libraries under the command line raise their own exceptions (the store's, the backup's,
the keyring's, the settings', a mail server's, the operating system's); :func:`named` turns each
into a :class:`~zhurnal.core.errors.ZhurnalError` — a usage or configuration problem (exit 2) or
an infrastructure one (exit 3) — so that the command line catches them in one place. Anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.exc import ArgumentError, DatabaseError, InterfaceError, OperationalError, SQLAlchemyError
from xlsxwriter.exceptions import FileCreateError

from zhurnal.backup import BackupError
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
    # a damaged file or no database at all: SQLite's English words are not the message, a restore is
    if isinstance(exc, DatabaseError) and is_damage(exc):
        return StoreDamaged(url, [str(exc.orig)],
                            not_a_database=(getattr(exc.orig, "sqlite_errorcode", 0) & 0xFF) == SQLITE_NOTADB)
    # the store unreachable; an integrity or programming error is a bug
    if isinstance(exc, (OperationalError, InterfaceError)) or type(exc) is DatabaseError:
        error = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return StoreUnavailable(url, mask_secrets(error, store_url) if store_url else error)
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
    except (StoreError, SQLAlchemyError, ImportError) as exc:
        problem = named(exc, url)
        if problem is None:
            raise
        raise problem from exc
