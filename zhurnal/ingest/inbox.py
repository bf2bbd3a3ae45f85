"""Preflight of ``inbox/``: which files to read now, which to leave for the next run, and which
entries are not files at all (those are reported to the sysadmin and never touched)."""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from zhurnal.core.errors import UsageError

ACCEPTED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
# A file this young that does not parse is taken for a copy still arriving (a short read) and
# deferred instead of rejected, whatever ``settle_seconds`` says: the floor of the settle check.
SETTLE_FLOOR_SECONDS = 5.0


class InboxUnusable(UsageError):
    """``inbox/`` is missing, is not a folder, or cannot be listed: a broken workspace."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path


# An office lock file older than this is left by an editor that crashed or a copy from elsewhere:
# its workbook is taken, and the lock file reported for the sysadmin to remove.
STALE_LOCK_SECONDS = 24 * 3600


@dataclass
class InboxScan:
    """``ready``: regular files to read now; ``growing``: files still being written;
    ``odd``: (entry, what it is) for symlinks, folders, FIFOs, sockets and devices;
    ``open``: (workbook, its lock file) for workbooks open in an office editor (left for a later
    run); ``stale_locks``: lock files older than a day (their workbook, if any, is taken);
    ``lone_locks``: fresh lock files with no workbook beside them."""

    ready: list[Path] = field(default_factory=list)
    growing: list[Path] = field(default_factory=list)
    odd: list[tuple[Path, str]] = field(default_factory=list)
    open: list[tuple[Path, Path]] = field(default_factory=list)
    stale_locks: list[Path] = field(default_factory=list)
    lone_locks: list[Path] = field(default_factory=list)


def is_lock_or_hidden(path: Path) -> bool:
    """Lock files of Excel (``~$``) and LibreOffice (``.~lock.``) and hidden files: not submissions."""
    return path.name.startswith(("~$", ".~lock.", "."))


def is_lock(path: Path) -> bool:
    """An office lock file: LibreOffice's ``.~lock.NAME#``, Excel's and Word's ``~$NAME``."""
    name = path.name
    return (name.startswith(".~lock.") and name.endswith("#")) or name.startswith("~$")


def locked_by(lock: Path, names: list[str]) -> str | None:
    """The workbook among ``names`` (of the lock's folder) that ``lock`` says is open: for
    ``.~lock.NAME#`` NAME; for ``~$NAME`` NAME, or the name whose first two letters Office
    replaced with ``~$`` (it does so for longer names)."""
    name = lock.name
    if name.startswith(".~lock."):
        target = name[len(".~lock."):-1]
        return target if target in names else None
    rest = name[2:]
    if rest in names:
        return rest
    return next((n for n in names if len(n) == len(name) and n[2:] == rest), None)


def _sort_locks(scan: InboxScan, locks: list[Path], candidates: list[Path]) -> list[Path]:
    """Put the candidates an office editor holds open into ``scan.open`` and each lock file into
    its place; the candidates left to read."""
    names = [p.name for p in candidates]
    held: dict[str, Path] = {}
    for lock in locks:
        try:
            stale = time.time() - lock.lstat().st_mtime > STALE_LOCK_SECONDS
        except FileNotFoundError:
            continue                      # the editor closed meanwhile
        target = locked_by(lock, names)
        if stale:
            scan.stale_locks.append(lock)
        elif target is None:
            scan.lone_locks.append(lock)
        else:
            held.setdefault(target, lock)
    scan.open += [(p, held[p.name]) for p in candidates if p.name in held]
    return [p for p in candidates if p.name not in held]


def entry_kind(path: Path) -> str:
    """What a directory entry is, without following a symlink: ``file``, ``symlink``, ``folder``,
    ``fifo``, ``socket``, ``device`` or ``gone`` (removed meanwhile)."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return "gone"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


def is_ignored(path: Path) -> bool:
    """Not a submission: a lock or hidden file, or anything that is not a regular file."""
    return is_lock_or_hidden(path) or entry_kind(path) != "file"


def signature(path: Path) -> tuple[int, int]:
    """(size in bytes, mtime in ns) of a file, without following a symlink."""
    info = path.lstat()
    return info.st_size, info.st_mtime_ns


def is_fresh(mtime_ns: int, seconds: float = SETTLE_FLOOR_SECONDS) -> bool:
    return time.time() - mtime_ns / 1e9 < seconds


def _entries(inbox: Path) -> list[Path]:
    if not inbox.exists() and not inbox.is_symlink():
        raise InboxUnusable(inbox, "the inbox folder does not exist (zhurnal init makes it)")
    if entry_kind(inbox) != "folder":
        raise InboxUnusable(inbox, "inbox/ must be a folder, not a file or a link")
    try:
        return sorted(Path(entry.path) for entry in os.scandir(inbox))
    except OSError as exc:
        raise InboxUnusable(inbox, f"cannot be listed ({exc.strerror})") from exc


def scan_inbox(inbox: Path, settle_seconds: float) -> InboxScan:
    """Sort the entries of ``inbox``; raises :class:`InboxUnusable` for a missing inbox.

    A workbook with a fresh office lock file beside it is open in an editor: it is left for a
    later run (taking it now would take what the teacher has not finished, and a save after the
    move would recreate it); a lock file is never taken as a workbook.

    A file modified within ``settle_seconds`` is looked at again after that long; if its size
    or time changed meanwhile, someone is still copying or saving it.
    """
    scan = InboxScan()
    candidates, locks = [], []
    for path in _entries(inbox):
        if is_lock(path) and entry_kind(path) == "file":
            locks.append(path)
            continue
        if is_lock_or_hidden(path):
            continue
        kind = entry_kind(path)
        if kind == "file":
            candidates.append(path)
        elif kind != "gone":
            scan.odd.append((path, kind))
    candidates = _sort_locks(scan, locks, candidates)
    before = {}
    for path in candidates:
        try:
            before[path] = signature(path)
        except FileNotFoundError:
            pass
    fresh = [p for p, sig in before.items() if is_fresh(sig[1], settle_seconds)]
    if fresh:
        time.sleep(settle_seconds)
    for path in before:
        try:
            now = signature(path)
        except FileNotFoundError:
            continue
        (scan.growing if path in fresh and now != before[path] else scan.ready).append(path)
    return scan
