"""Checking a copy against its manifest: read every file back, compare sizes and checksums.

Without the private key a copy is checked byte for byte against the checksums of what was
encrypted (the store snapshot itself passed the integrity check before it was encrypted).
With the private key every file is also decrypted, compared with the workspace's own
checksum, and the store is restored into a temporary SQLite file that must pass
``PRAGMA integrity_check`` with the manifest's row counts.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from zhurnal.backup.crypto import decrypt_file, sha256_file
from zhurnal.backup.errors import BackupError
from zhurnal.backup.manifest import MANIFEST, Entry, Manifest, read_manifest
from zhurnal.backup.snapshot import check_sqlite


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one copy: ``problem`` is missing, corrupt or unreadable."""

    destination: str
    snapshot: str
    file: str
    problem: str

    def as_dict(self) -> dict:
        return asdict(self)


def _check_entry(root: Path, entry: Entry, identities, tmp: Path,
                 counts: dict[str, int]) -> str | None:
    path = root / entry.path
    if not path.is_file():
        return "missing"
    try:
        size, digest = sha256_file(path)
    except OSError:
        return "unreadable"
    if (size, digest) != (entry.stored_size, entry.stored_sha256):
        return "corrupt"
    if identities is None:
        return None
    plain = tmp / "plain"
    try:
        decrypt_file(path, plain, identities, entry.compressed)
    except BackupError:
        return "unreadable"
    try:
        if sha256_file(plain) != (entry.size, entry.sha256):
            return "corrupt"
        if entry.role == "store":
            answer, found, _ = check_sqlite(plain)
            if answer != "ok" or found != counts:
                return "corrupt"
    finally:
        plain.unlink(missing_ok=True)
    return None


def verify_snapshot(destination: str, root: Path, folder: Path, identities=None,
                    cache: dict[str, str | None] | None = None) -> tuple[Manifest | None, list[Problem]]:
    """The manifest of ``folder`` (None if unreadable) and every problem of its copy.

    ``cache`` (object path → problem) spares re-reading an archive object shared by snapshots.
    """
    cache = {} if cache is None else cache
    try:
        manifest = read_manifest(folder)
    except FileNotFoundError:
        return None, [Problem(destination, folder.name, f"{folder.name}/{MANIFEST}", "missing")]
    except (OSError, ValueError, TypeError):
        return None, [Problem(destination, folder.name, f"{folder.name}/{MANIFEST}", "unreadable")]
    problems = []
    with tempfile.TemporaryDirectory(prefix="zhurnal-verify-") as tmp:
        for entry in manifest.files:
            if entry.role == "archive" and entry.path in cache:
                found = cache[entry.path]
            else:
                found = _check_entry(root, entry, identities, Path(tmp), manifest.counts)
                if entry.role == "archive":
                    cache[entry.path] = found
            if found:
                problems.append(Problem(destination, manifest.id, entry.path, found))
    return manifest, problems
