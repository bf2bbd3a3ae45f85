"""Preflight of ``inbox/``: which files to read now, which to skip, and their hashes."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

ACCEPTED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


@dataclass(frozen=True)
class InboxFile:
    path: Path
    sha256: str
    size: int


def is_ignored(path: Path) -> bool:
    """Lock files of Excel (``~$``) and LibreOffice (``.~lock.``), and hidden files."""
    name = path.name
    return name.startswith(("~$", ".~lock.", ".")) or not path.is_file()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _signature(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def scan_inbox(inbox: Path, settle_seconds: float) -> tuple[list[InboxFile], list[Path]]:
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
        ready.append(InboxFile(path=path, sha256=sha256_of(path), size=path.stat().st_size))
    return ready, growing
