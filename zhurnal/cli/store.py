"""The store, its backups and the signing keys: ``db …``, ``backup``, ``restore``, ``keys …``."""

from __future__ import annotations

from pathlib import Path

import click

from zhurnal.backup import new_identity, restore_keyring
from zhurnal.batch import store as store_lib
from zhurnal.cli.base import JSON, Command, Group, finish, folder, say
from zhurnal.core.keyring import read_keyring, rotate
from zhurnal.core.settings import load_settings
from zhurnal.report import backup as text
from zhurnal.report import commands as answers
from zhurnal.text.i18n import N_


@click.command(cls=Command)
@click.option("--check", "check_only", is_flag=True, help=N_("Re-verify every copy at every destination instead."))
@click.option("--identity", type=click.Path(dir_okay=False), default=None,
              help=N_("The private key file: also decrypt and restore-test (else the [backup] identity_env variable)."))
@JSON
@click.pass_context
def backup(ctx: click.Context, check_only: bool, identity: str | None, as_json: bool) -> None:
    """Encrypted, verified backup of the store, archive/, settings and keyring to [backup] destinations."""
    result = store_lib.backup(folder(ctx), check_only=check_only, identity=identity)
    finish(result, as_json, text.check_text if check_only else text.backup_text)


@click.command(cls=Command)
@click.argument("backup_paths", metavar="[BACKUP]...", nargs=-1, type=click.Path(file_okay=False))
@click.option("--to", "target", required=True, type=click.Path(file_okay=False), help=N_("A new, empty folder."))
@click.option("--identity", type=click.Path(dir_okay=False), default=None,
              help=N_("The private key file (else $ZHURNAL_BACKUP_IDENTITY: the key or its file's path)."))
@click.option("--store-only", is_flag=True,
              help=N_("Restore even when some archived workbooks are damaged at every destination (they are listed)."))
@JSON
@click.pass_context
def restore(ctx: click.Context, backup_paths: tuple[str, ...], target: str, identity: str | None,
            store_only: bool, as_json: bool) -> None:
    """Make a working workspace in --to from the backups at BACKUP… (destinations or snapshot folders;
    none: every [backup] destination), each file from any copy that verifies."""
    result = store_lib.restore(folder(ctx), [Path(p) for p in backup_paths], Path(target), identity=identity,
                               store_only=store_only)
    finish(result, as_json, text.restore_text)


@click.group(cls=Group)
def db() -> None:
    """The store itself: its schema, copying a school into another store, schools' roles."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Bring the store's schema to this zhurnal's version (under a lock; back it up first)."""
    say(text.upgrade_text(store_lib.upgrade(folder(ctx))))


@db.command("copy")
@click.option("--to", "target", required=True, metavar="URL",
              help=N_("The store to copy this school into (e.g. postgresql+psycopg://district@host/zhurnal)."))
@click.pass_context
def db_copy(ctx: click.Context, target: str) -> None:
    """Copy this school (every row, history included) into another store, verified table by table."""
    say(text.copy_text(store_lib.copy(folder(ctx), target)))


@db.command("grant")
@click.option("--school", "code", required=True, help=N_("The school's code in the store."))
@click.option("--role", required=True, help=N_("The PostgreSQL role the school's workspace connects as."))
@click.option("--password-env", metavar="VAR", default=None,
              help=N_("Set the role's password from this environment variable."))
@click.pass_context
def db_grant(ctx: click.Context, code: str, role: str, password_env: str | None) -> None:
    """Make a school's own PostgreSQL role: rights on its rows only (row-level security)."""
    say(text.grant_text(store_lib.grant(folder(ctx), code, role, password_env)))


@click.group(cls=Group)
def keys() -> None:
    """The signing keyring: rotate keys, restore a lost keyring, make a backup key pair."""


@keys.command("list")
@click.pass_context
def keys_list(ctx: click.Context) -> None:
    """The ids of the signing keys (never the keys); the last one signs."""
    say(answers.keys_text(list(read_keyring(folder(ctx)).ids)))


@keys.command("rotate")
@click.option("--replace-lost", is_flag=True,
              help=N_("The keyring is lost and no backup has it: start a new one (issued workbooks will be rejected)."))
@click.pass_context
def keys_rotate(ctx: click.Context, replace_lost: bool) -> None:
    """Add a new signing key; the old ones keep verifying workbooks already handed out."""
    say(answers.rotated_text(rotate(folder(ctx), replace_lost=replace_lost)))


@keys.command("restore")
@click.argument("backup", type=click.Path(exists=True))
@click.option("--identity", type=click.Path(dir_okay=False), default=None,
              help=N_("The backup's private key file (else the [backup] identity_env variable)."))
@click.pass_context
def keys_restore(ctx: click.Context, backup: str, identity: str | None) -> None:
    """Put the keys of a backup's keyring back into this workspace."""
    settings = load_settings(folder(ctx), need_key=False)
    say(answers.keys_restored_text(restore_keyring(settings, Path(backup), identity=identity)))


@keys.command("backup-key")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def keys_backup_key(ctx: click.Context, file: str) -> None:
    """Make an age key pair for backups: the private key into FILE, the public one printed."""
    say(answers.backup_key_text(file, new_identity(Path(file), folder(ctx))))


COMMANDS = (backup, restore, db, keys)
