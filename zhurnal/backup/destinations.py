"""Where backups go: one folder per school inside each destination, shared encrypted objects.

    DEST/zhurnal-<school>/objects/<ab>/<sha256>.age      archive originals, stored once
    DEST/zhurnal-<school>/snapshots/<id>/store.sqlite.age, zhurnal.toml.age, keyring.age,
                                         manifest.json, verified.json

An archive original is the same bytes forever, so it is encrypted and copied only when its
hash is not yet at the destination (incremental by hash); a snapshot lists the objects it
needs. A destination that does not exist is reported, never created: an unmounted USB
stick must not turn into a folder on the local disk.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from zhurnal.backup.manifest import read_manifest, read_verified

SNAPSHOTS = "snapshots"
OBJECTS = "objects"


def school_root(destination: Path, school: str) -> Path:
    return destination / f"zhurnal-{school}"


def object_path(sha256: str) -> str:
    return f"{OBJECTS}/{sha256[:2]}/{sha256}.age"


def snapshot_dirs(root: Path) -> list[Path]:
    """The snapshot folders under a school root, oldest first (ids sort by time)."""
    folder = root / SNAPSHOTS
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def known_objects(root: Path) -> dict[str, str]:
    """Object path → stored sha256, as the manifests at this destination recorded them."""
    found: dict[str, str] = {}
    for folder in snapshot_dirs(root):
        if read_verified(folder) is None:
            continue
        try:
            manifest = read_manifest(folder)
        except (OSError, ValueError, TypeError):
            continue
        for entry in manifest.files:
            if entry.role == "archive":
                found[entry.path] = entry.stored_sha256
    return found


def copy_file(source: Path, target: Path) -> None:
    """Copy, flush to the medium, then give the file its name (never a partial file under it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    os.chmod(partial, 0o600)        # a USB stick or share may be read by others: owner-only
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)


def resolve_destination(workspace: Path, text: str) -> Path:
    """A configured destination as an absolute path (relative ones from the workspace)."""
    path = Path(text).expanduser()
    return path if path.is_absolute() else (workspace / path)


def repoint(root: Path, rewritten: dict[str, tuple[int, str]], but: Path | None = None) -> None:
    """Record in every manifest at this destination (``but`` the one just written) the new
    encrypted copy of each object rewritten because the old one had rotted: ``rewritten`` maps
    object path → (stored size, stored sha256). The plaintext, and so the name, is the same."""
    for folder in snapshot_dirs(root):
        if folder == but:
            continue
        try:
            manifest = read_manifest(folder)
        except (OSError, ValueError, TypeError):
            continue
        changed = False
        for entry in manifest.files:
            if entry.path in rewritten:
                entry.stored_size, entry.stored_sha256 = rewritten[entry.path]
                changed = True
        if changed:
            manifest.write(folder)
