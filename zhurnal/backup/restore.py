"""``zhurnal restore [DEST…] --to DIR``: a working workspace from whatever copies survive, checked
as it is made: the newest snapshot whose store some destination still holds whole, and each of its
files from any destination whose copy decrypts to the manifest's hash."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from zhurnal.backup.crypto import decrypt_file, load_identity, sha256_file
from zhurnal.backup.destinations import snapshot_dirs
from zhurnal.backup.errors import BackupError
from zhurnal.backup.manifest import MANIFEST, Entry, Manifest, read_manifest, read_verified
from zhurnal.backup.snapshot import check_sqlite
from zhurnal.backup.sources import Found, first_manifest, gather
from zhurnal.core.keyring import merge_keyring
from zhurnal.core.settings import Settings

DEFAULT_IDENTITY_ENV = "ZHURNAL_BACKUP_IDENTITY"
FOLDERS = ("templates_xlsx", "inbox", "outbox", "archive")


@dataclass
class RestoreResult:
    """``sources``: each destination given and how many files were taken from it (``absent``:
    not there); ``missing``: files damaged or absent at every destination (``--store-only``);
    ``passed_over``: newer snapshots whose store or settings no destination had whole."""

    snapshot: str
    created: str
    workspace: str
    files: int
    counts: dict[str, int] = field(default_factory=dict)
    sources: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    passed_over: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


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


def _fetch(entry: Entry, roots: list[tuple[str, Path]], target: Path, identities) -> str | None:
    """Decrypt ``entry`` into ``target`` from the first destination whose copy gives the
    plaintext of the manifest's hash; that destination, or None when none does."""
    for destination, root in roots:
        try:
            _decrypt(root, entry, target, identities)
        except BackupError:
            continue
        return destination
    return None


def _sqlite_store(toml: Path) -> None:
    """Point the restored settings at the restored SQLite store (it may have come from PostgreSQL)."""
    text = toml.read_text(encoding="utf-8")
    fixed = re.sub(r'(?m)^(\s*url\s*=\s*)"[^"]*"', r'\1"sqlite:///master.sqlite"', text, count=1)
    if fixed != text:
        toml.write_text(fixed, encoding="utf-8")


ESSENTIAL = ("store", "settings")      # without these a snapshot is passed over for an older one


def _assemble(sid: str, found: Found, work: Path, identities, taken: dict[str, int]) -> tuple[Manifest, list[str]] | None:
    """Decrypt every file of snapshot ``sid`` into ``work``, each from any destination whose copy
    verifies (its own copies first); the manifest and the files no destination had whole, or
    None when its store or settings could not be had (or the store fails its check)."""
    copies = found.copies[sid]
    manifest = first_manifest(copies)
    if manifest is None:
        return None
    own = [(c.destination, c.root) for c in copies]
    roots = own + [r for r in found.roots if r not in own]
    for folder in FOLDERS:
        (work / folder).mkdir(exist_ok=True)
    missing = []
    for entry in manifest.files:
        place = work / entry.name
        place.parent.mkdir(parents=True, exist_ok=True)
        source = _fetch(entry, roots, place, identities)
        if source is None:
            if entry.role in ESSENTIAL:
                return None
            missing.append(entry.name)
            continue
        taken[source] = taken.get(source, 0) + 1
        if entry.role in ("keyring", "access-key"):
            os.chmod(place, 0o600)
    answer, counts, _ = check_sqlite(work / "master.sqlite")
    if answer != "ok" or counts != manifest.counts:
        return None
    _sqlite_store(work / "zhurnal.toml")
    return manifest, missing


def _empty(folder: Path) -> None:
    for child in folder.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()


def restore_backup(sources: Path | Sequence[Path], target: Path, *, identity: str | None = None,
                   identity_env: str = DEFAULT_IDENTITY_ENV, store_only: bool = False,
                   school: str | None = None) -> RestoreResult:
    """Make the workspace ``target`` (new or empty) from the newest snapshot that can be had
    whole from ``sources`` (destinations, or snapshot folders): each file from any destination
    whose copy decrypts to the manifest's hash. Archive originals damaged everywhere are a
    BackupError naming them, unless ``store_only``: then the workspace is made without them and
    the result lists them (exit 1)."""
    target = target.resolve()
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target}: папка не пуста; восстанавливайте в новую папку")
    identities = _identities(identity, identity_env)
    sources = [sources] if isinstance(sources, (str, Path)) else list(sources)
    found = gather([Path(s) for s in sources], school)
    if not found.copies:
        raise BackupError(f"{', '.join(str(s) for s in sources)}: здесь нет резервных копий zhurnal")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-restoring-"))
    taken: dict[str, int] = {}
    passed_over: list[str] = []
    try:
        for sid in found.newest_first():
            assembled = _assemble(sid, found, work, identities, taken)
            if assembled is not None:
                break
            passed_over.append(sid)
            taken.clear()
            _empty(work)
        else:
            raise BackupError(f"ни в одной копии ({', '.join(passed_over)}) хранилище не уцелело целиком "
                              f"ни в одном месте")
        manifest, missing = assembled
        if missing and not store_only:
            shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            raise BackupError(f"копия {manifest.id}: файлы, повреждённые во всех местах ({len(missing)}): {shown}; "
                              f"восстановите без них: zhurnal restore --store-only")
        if target.exists():
            target.rmdir()
        work.rename(target)  # a half-restored workspace never sits under the name asked for
    finally:
        if work.exists():
            shutil.rmtree(work)
    return RestoreResult(snapshot=manifest.id, created=manifest.created, workspace=str(target),
                         files=len(manifest.files) - len(missing), counts=manifest.counts,
                         sources=[{"destination": str(s), "files": taken.get(str(s), 0),
                                   "absent": str(s) in found.absent} for s in sources],
                         missing=missing, passed_over=passed_over)


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
