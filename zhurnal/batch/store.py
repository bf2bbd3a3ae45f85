"""``db upgrade``, ``db copy``, ``db grant`` and ``backup``: the store itself and its copies."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from zhurnal.backup import RestoreResult, check_backups, make_backup, restore_backup
from zhurnal.backup.destinations import resolve_destination
from zhurnal.backup.restore import DEFAULT_IDENTITY_ENV
from zhurnal.batch.faults import store_named
from zhurnal.batch.workspace import open_engine, open_workspace, require_whole
from zhurnal.core.errors import UsageError
from zhurnal.core.settings import load_settings
from zhurnal.store import open_store
from zhurnal.store.copy import CopyResult, copy_school
from zhurnal.store.engine import masked, upgrade_store
from zhurnal.store.roles import grant_school
from zhurnal.text.i18n import N_


@dataclass
class Upgraded:
    store: str                    # the store's URL, password masked
    before: str | None            # the schema's revision before (None: an empty store)
    after: str
    ok: bool = True
    exit_code: int = 0

    def as_dict(self) -> dict:
        return {"ok": True, "store": self.store, "before": self.before, "after": self.after}


def upgrade(folder: Path) -> Upgraded:
    """Bring the workspace store's schema to this zhurnal's (under the schema lock)."""
    url = load_settings(folder, need_key=False).store_url
    with store_named(url):
        engine = open_store(url, migrate=False)
        require_whole(engine, url)
        before, after = upgrade_store(engine)
    return Upgraded(masked(url), before, after)


@dataclass
class Copied:
    target: str                    # masked
    result: CopyResult
    ok: bool = True
    exit_code: int = 0

    def as_dict(self) -> dict:
        return {"ok": True, "target": self.target, "code": self.result.code, "school_id": self.result.school_id,
                "counts": self.result.counts, "remapped": self.result.remapped, "reissue": self.result.reissue}


def copy(folder: Path, target: str) -> Copied:
    """Copy the workspace's school into the store at ``target``, verified table by table."""
    ctx = open_workspace(folder, read_only=True, need_key=False)
    with store_named(target):
        return Copied(masked(target), copy_school(ctx.engine, ctx.school_id, target))


class UnsetVariable(UsageError):
    def __init__(self, name: str) -> None:
        super().__init__(N_("the environment variable {var} is not set"), var=name)


@dataclass
class Granted:
    role: str
    code: str
    school_id: int
    ok: bool = True
    exit_code: int = 0

    def as_dict(self) -> dict:
        return {"ok": True, "role": self.role, "code": self.code, "school_id": self.school_id}


def grant(folder: Path, code: str, role: str, password_env: str | None = None) -> Granted:
    """Make ``role`` the PostgreSQL login role of school ``code`` (its rows only); its password
    from the environment variable ``password_env``."""
    password = os.environ.get(password_env) if password_env else None
    if password_env and not password:
        raise UnsetVariable(password_env)
    settings = load_settings(folder, need_key=False)
    engine = open_engine(settings)
    with store_named(settings.store_url):
        return Granted(role, code, grant_school(engine, code, role, password))


def backup(folder: Path, *, check_only: bool = False, identity: str | None = None):
    """A new verified backup to every destination, or (``check_only``) every copy re-verified;
    the backup library's result (``ok``, ``as_dict()``)."""
    settings = load_settings(folder, need_key=False)
    if check_only:
        return check_backups(settings, identity=identity)
    return make_backup(settings, open_engine(settings), identity=identity)


class NoDestinations(UsageError):
    def __init__(self) -> None:
        super().__init__(N_("name the backup folders to restore from, or set [backup] destinations in zhurnal.toml"))


def restore(folder: Path, sources: list[Path], target: Path, *, identity: str | None = None,
            store_only: bool = False) -> RestoreResult:
    """A workspace in ``target`` from the backups at ``sources``, or (none given) at every
    destination the workspace ``folder`` configures (its store may be the damaged one: only its
    zhurnal.toml is read)."""
    identity_env, school = DEFAULT_IDENTITY_ENV, None
    if not sources:
        settings = load_settings(folder, need_key=False)
        if not settings.backup.destinations:
            raise NoDestinations()
        sources = [resolve_destination(settings.workspace, d) for d in settings.backup.destinations]
        identity_env, school = settings.backup.identity_env, settings.school.code
    return restore_backup(sources, target, identity=identity, identity_env=identity_env,
                          store_only=store_only, school=school)
