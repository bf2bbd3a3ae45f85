"""Keeping every submitted original under its hash, and only then leaving the inbox."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def archive_path(archive: Path, sha256: str, suffix: str) -> Path:
    return archive / sha256[:2] / f"{sha256}{suffix.lower()}"


def archive_copy(source: Path, archive: Path, sha256: str) -> Path:
    """Copy ``source`` into the archive atomically (a partial copy is never left under its name)."""
    target = archive_path(archive, sha256, source.suffix)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    return target


def remove_from_inbox(path: Path) -> None:
    """The last step for a file: it is committed and archived, so the inbox copy may go."""
    path.unlink(missing_ok=True)
