"""Preflight of ``inbox/``: which files to read now and which to skip."""

from __future__ import annotations

import time
from pathlib import Path

ACCEPTED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


def is_ignored(path: Path) -> bool:
    """Lock files of Excel (``~$``) and LibreOffice (``.~lock.``), hidden files, and anything that
    is not a regular file: a symlink is never followed (it could point outside the workspace)."""
    name = path.name
    return name.startswith(("~$", ".~lock.", ".")) or path.is_symlink() or not path.is_file()


def _signature(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def scan_inbox(inbox: Path, settle_seconds: float) -> tuple[list[Path], list[Path]]:
    """Files ready to process, and files still being written (left for the next run).

    A file modified within ``settle_seconds`` is looked at again after that long; if its size
    or time changed meanwhile, someone is still copying or saving it.
    """
    candidates = sorted(p for p in inbox.iterdir() if not is_ignored(p)) if inbox.is_dir() else []
    before = {p: _signature(p) for p in candidates}
    now = time.time()
    fresh = [p for p in candidates if now - before[p][1] / 1e9 < settle_seconds]
    if fresh:
        time.sleep(settle_seconds)
    ready, growing = [], []
    for path in candidates:
        if not path.exists():
            continue
        if path in fresh and _signature(path) != before[path]:
            growing.append(path)
            continue
        ready.append(path)
    return ready, growing
