"""``zhurnal restore BACKUP --to DIR``: a working workspace from a backup, checked as it is made."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from zhurnal.backup.crypto import decrypt_file, load_identity, sha256_file
from zhurnal.backup.destinations import snapshot_dirs
from zhurnal.backup.errors import BackupError
from zhurnal.backup.manifest import MANIFEST, Manifest, read_manifest, read_verified
from zhurnal.backup.snapshot import check_sqlite
from zhurnal.core.keyring import merge_keyring
from zhurnal.core.settings import Settings

DEFAULT_IDENTITY_ENV = "ZHURNAL_BACKUP_IDENTITY"
FOLDERS = ("templates_xlsx", "inbox", "outbox", "archive")


@dataclass
class RestoreResult:
    snapshot: str
    created: str
    workspace: str
    files: int
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def find_snapshot(source: Path, school: str | None = None) -> Path:
    """The snapshot folder ``source`` names: itself, or the newest verified one below it
    (of ``school`` when a destination holds several schools)."""
    source = source.resolve()
    if (source / MANIFEST).is_file():
        return source
    roots = [source] if (source / "snapshots").is_dir() else sorted(source.glob("zhurnal-*"))
    if school and len(roots) > 1:
        roots = [r for r in roots if r.name == f"zhurnal-{school}"]
    if len(roots) > 1:
        raise BackupError(f"{source}: копии нескольких школ ({', '.join(r.name for r in roots)}); "
                          f"укажите папку одной из них")
    folders = [f for root in roots for f in snapshot_dirs(root)]
    folders.sort(key=lambda f: f.name)
    verified = [f for f in folders if read_verified(f) is not None]
    if not (verified or folders):
        raise BackupError(f"{source}: здесь нет резервных копий zhurnal")
    return (verified or folders)[-1]


def _root_of(snapshot: Path) -> Path:
    return snapshot.parent.parent


def _identities(identity: str | None, env_name: str):
    found = load_identity(identity, env_name)
    if found is None:
        raise BackupError(f"нужен закрытый ключ копии: --identity ФАЙЛ или переменная {env_name}")
    return found


def _decrypt(root: Path, entry, target: Path, identities) -> None:
    source = root / entry.path
    if not source.is_file():
        raise BackupError(f"{source}: файла нет; возьмите копию из другого места")
    decrypt_file(source, target, identities, entry.compressed)
    if sha256_file(target) != (entry.size, entry.sha256):
        target.unlink()
        raise BackupError(f"{source}: не совпадает с описью копии (повреждён); возьмите копию из другого места")


def _sqlite_store(toml: Path) -> None:
    """Point the restored settings at the restored SQLite store (it may have come from PostgreSQL)."""
    text = toml.read_text(encoding="utf-8")
    fixed = re.sub(r'(?m)^(\s*url\s*=\s*)"[^"]*"', r'\1"sqlite:///master.sqlite"', text, count=1)
    if fixed != text:
        toml.write_text(fixed, encoding="utf-8")


def _unpack(root: Path, manifest: Manifest, work: Path, identities) -> dict[str, int]:
    """Decrypt and check every file of the snapshot into the folder ``work``; the store's row counts."""
    for folder in FOLDERS:
        (work / folder).mkdir(exist_ok=True)
    for entry in manifest.files:
        place = work / entry.name
        place.parent.mkdir(parents=True, exist_ok=True)
        _decrypt(root, entry, place, identities)
        if entry.role in ("keyring", "access-key"):
            os.chmod(place, 0o600)
    store = work / "master.sqlite"
    answer, counts, _ = check_sqlite(store)
    if answer != "ok" or counts != manifest.counts:
        raise BackupError(f"{manifest.id}: восстановленное хранилище не прошло проверку ({answer})")
    _sqlite_store(work / "zhurnal.toml")
    return counts


def restore_backup(source: Path, target: Path, *, identity: str | None = None,
                   identity_env: str = DEFAULT_IDENTITY_ENV) -> RestoreResult:
    """Make the workspace ``target`` (new or empty) from the backup at ``source``."""
    target = target.resolve()
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target}: папка не пуста; восстанавливайте в новую папку")
    identities = _identities(identity, identity_env)
    snapshot = find_snapshot(source)
    try:
        manifest: Manifest = read_manifest(snapshot)
    except (OSError, ValueError, TypeError) as exc:
        raise BackupError(f"{snapshot / MANIFEST}: опись копии не читается") from exc
    root = _root_of(snapshot)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-restoring-"))
    try:
        counts = _unpack(root, manifest, work, identities)
        if target.exists():
            target.rmdir()
        work.rename(target)  # a half-restored workspace never sits under the name asked for
    finally:
        if work.exists():
            shutil.rmtree(work)
    return RestoreResult(snapshot=manifest.id, created=manifest.created, workspace=str(target),
                         files=len(manifest.files), counts=counts)


def restore_keyring(settings: Settings, source: Path, *, identity: str | None = None) -> list[str]:
    """Merge the keyring kept in a backup into this workspace's; return the key ids put back."""
    identities = _identities(identity, settings.backup.identity_env)
    snapshot = find_snapshot(source, settings.school.code)
    try:
        manifest = read_manifest(snapshot)
    except (OSError, ValueError, TypeError) as exc:
        raise BackupError(f"{snapshot / MANIFEST}: опись копии не читается") from exc
    entry = manifest.entry("keyring")
    if entry is None:
        raise BackupError(f"{snapshot}: this backup holds no keyring")
    with tempfile.TemporaryDirectory(dir=settings.workspace, prefix=".restore-") as tmp:
        plain = Path(tmp) / "keyring"
        _decrypt(_root_of(snapshot), entry, plain, identities)
        access = manifest.entry("access-key")      # parents' passwords: back only where it is missing
        if access is not None and not (settings.workspace / access.name).exists():
            key = Path(tmp) / "access-key"
            _decrypt(_root_of(snapshot), access, key, identities)
            os.chmod(key, 0o600)
            os.replace(key, settings.workspace / access.name)
        return merge_keyring(settings.workspace, plain.read_bytes())
