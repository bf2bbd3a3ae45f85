"""Keeping every submitted original under its hash, and only then leaving the inbox."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from zhurnal.core.workbook import Submission


def archive_path(archive: Path, sha256: str, suffix: str) -> Path:
    return archive / sha256[:2] / f"{sha256}{suffix.lower()}"


def archive_copy(sub: Submission, archive: Path) -> Path:
    """Keep ``sub``'s bytes in the archive atomically and durably (a partial copy is never left
    under its name; the copy and its name are on disk when this returns)."""
    target = archive_path(archive, sub.sha256, sub.suffix)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # the process in the name: two readers may keep the same bytes (two copies of one file) at once
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    try:
        if sub.data or sub.size == 0:
            partial.write_bytes(sub.data)
        else:  # a file too large to hold in memory is copied as it is
            shutil.copyfile(sub.path, partial)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except FileNotFoundError:
        # another process kept the same bytes first and tidied this partial copy away (below)
        if not target.exists():
            raise
    _sync_folder(target.parent)
    # partial copies of the same bytes left by a process killed while writing them (the copy is
    # complete now; another process still writing one only finds its rename already done above)
    for stale in target.parent.glob(f"{target.name}.*.partial"):
        stale.unlink(missing_ok=True)
    return target


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def remove_from_inbox(path: Path) -> None:
    """The last step for a file: it is committed and archived, so the inbox copy may go.

    Raises ``OSError`` (a read-only inbox); the caller turns that into a warning, because the
    data is safe and a rerun only tidies a duplicate away."""
    path.unlink(missing_ok=True)
