"""The run context of a command, and ``init``: a workspace made and its school entered.

Commands that only read never create a file: without a store they stop with
:class:`~zhurnal.core.errors.NotInitialised` (exit 2) instead of making an empty one, and never
add a school row (a mistyped code must not leave an empty school in a district's shared store).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, make_url

from zhurnal.backup.health import has_backup
from zhurnal.batch.faults import store_named
from zhurnal.batch.issue import issue_setup
from zhurnal.core.errors import NotInitialised, StoreDamaged, UsageError
from zhurnal.core.settings import Settings, load_settings
from zhurnal.kinds.setup.issue import BOOK as SETUP_BOOK
from zhurnal.school.context import RunContext, open_context
from zhurnal.school.workspace import fix_modes as fix_workspace_modes
from zhurnal.school.workspace import init_workspace
from zhurnal.store import open_store
from zhurnal.store.engine import current_revision, ensure_schema, masked
from zhurnal.store.health import StoreHealth, check_store
from zhurnal.text.i18n import N_

log = logging.getLogger(__name__)


class SchoolNotInStore(UsageError):
    def __init__(self, code: str, url: str) -> None:
        super().__init__(N_("school '{code}' is not in the store {url}: check [school] code in zhurnal.toml, "
                            "or run 'zhurnal init' to add it"), code=code, url=url)


def _sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL (None: another kind of store, or in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def open_engine(settings: Settings, *, read_only: bool = False, check_whole: bool = True) -> Engine:
    """The store of ``settings``; its schema made if it is empty, unless ``read_only``:
    then a missing or empty store is :class:`NotInitialised` and nothing is written.
    A store that fails its check is :class:`StoreDamaged` (exit 3) whether the command writes
    or only reads: a reader would otherwise show what the undamaged pages hold as if it were
    all (``history`` did); ``check_whole`` False for the views that show the damage themselves
    (``status``, ``doctor``). Store problems come out named (:func:`zhurnal.batch.faults.named`)."""
    url = settings.store_url
    with store_named(url):
        if not read_only:
            engine = open_store(url, migrate=False)
            require_whole(engine, url, settings)        # before the schema lock, the inbox, anything
            ensure_schema(engine)
            return engine
        database = _sqlite_file(url)
        if database is not None and not database.is_file():
            raise NotInitialised(settings.workspace)   # connecting would create the file
        engine = open_store(url, migrate=False)
        if check_whole:
            require_whole(engine, url, settings)
        with engine.connect() as conn:
            empty = current_revision(conn) is None
        if empty:
            raise NotInitialised(settings.workspace)
        ensure_schema(engine)                            # checks only: the schema is there
        return engine


def require_whole(engine: Engine, url: str, settings: Settings | None = None) -> StoreHealth:
    """The store's health (:func:`zhurnal.store.health.check_store`); :class:`StoreDamaged`
    (exit 3) when it fails, naming a restore, or saying there is no backup when ``settings``'
    workspace has no verified one in its ledger (:func:`zhurnal.backup.health.has_backup`)."""
    health = check_store(engine)
    if not health.ok:
        log.info("store %s failed its check: %s", masked(url), "; ".join(health.problems[:5]))
        backup = settings is None or has_backup(settings.workspace)
        raise StoreDamaged(masked(url), health.problems, health.not_a_database, backup=backup)
    return health


def open_workspace(folder: Path, *, read_only: bool = False, need_key: bool = True,
                   now: dt.datetime | None = None, check_whole: bool = True) -> RunContext:
    """Settings, store and school of the workspace ``folder``; ``need_key``: False for commands
    that never sign or verify a workbook; ``check_whole``: see :func:`open_engine`. A read-only
    context of a school the store lacks is :class:`SchoolNotInStore`."""
    settings = load_settings(folder, need_key=need_key)
    ctx = open_context(settings, open_engine(settings, read_only=read_only, check_whole=check_whole),
                       read_only=read_only, now=now)
    if read_only and ctx.school_id is None:
        raise SchoolNotInStore(settings.school.code, masked(settings.store_url))
    return ctx


@dataclass
class InitReport:
    folder: Path
    made: list[Path] = field(default_factory=list)
    fixed: list[Path] = field(default_factory=list)     # made owner-only (``--fix-modes``)
    ok: bool = True
    exit_code: int = 0

    def as_dict(self) -> dict:
        return {"ok": True, "folder": str(self.folder), "made": [str(p) for p in self.made],
                "fixed": [str(p) for p in self.fixed]}


def init(folder: Path, *, code: str | None = None, name: str | None = None, fix_modes: bool = False) -> InitReport:
    """Make the folders, ``zhurnal.toml`` and keyring ``folder`` lacks, the store, the school's
    row in it (so that commands that only read find it) and the setup workbook to fill, prefilled
    with the federal defaults of the current school year (when ``templates_xlsx/`` has none); with ``fix_modes`` also take from group
    and others every file and folder they may reach (:func:`zhurnal.school.workspace.fix_modes`).
    An existing workspace of another ``code`` or ``name`` is refused, unchanged
    (:class:`~zhurnal.school.workspace.OtherSchool`, exit 2)."""
    made = init_workspace(folder, code=code, name=name)
    ctx = open_workspace(folder)
    if not (ctx.settings.templates / SETUP_BOOK).exists():     # a new school: the federal defaults
        made.append(issue_setup(ctx, defaults=True))
    fixed = fix_workspace_modes(folder, ctx.settings.ingest.teacher_group) if fix_modes else []
    return InitReport(folder, made, fixed)
