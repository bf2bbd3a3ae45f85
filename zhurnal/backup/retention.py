"""Retention per destination: the newest copy of each of the last N days and M weeks.

Only verified copies count towards what is kept, and the newest verified copy is never
deleted, so a destination never loses its only good backup. A copy that failed
verification is removed once a newer verified one exists. Archive objects no remaining
snapshot lists are removed last.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from zhurnal.backup.destinations import OBJECTS, snapshot_dirs
from zhurnal.backup.manifest import read_manifest, read_verified


def _created(folder: Path) -> dt.datetime:
    return dt.datetime.strptime(folder.name, "%Y%m%dT%H%M%SZ")


def to_keep(folders: list[Path], keep_daily: int, keep_weekly: int) -> set[Path]:
    """The snapshot folders retention keeps (``folders`` oldest first)."""
    verified = [f for f in folders if read_verified(f) is not None]
    keep: set[Path] = set(verified[-1:])
    days: list[dt.date] = []
    weeks: list[tuple[int, int]] = []
    for folder in reversed(verified):
        when = _created(folder)
        if when.date() not in days and len(days) < keep_daily:
            days.append(when.date())
            keep.add(folder)
        week = when.isocalendar()[:2]
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.append(week)
            keep.add(folder)
    newest_verified = _created(verified[-1]) if verified else None
    for folder in folders:  # unverified: kept until a newer verified copy exists
        if folder not in verified and (newest_verified is None or _created(folder) > newest_verified):
            keep.add(folder)
    return keep


def prune(root: Path, keep_daily: int, keep_weekly: int) -> list[str]:
    """Remove the snapshots retention does not keep, then unreferenced objects; return removed ids."""
    folders = snapshot_dirs(root)
    try:
        keep = to_keep(folders, keep_daily, keep_weekly)
    except ValueError:  # a folder not named by a time is not ours to judge
        return []
    removed = []
    for folder in folders:
        if folder not in keep:
            shutil.rmtree(folder)
            removed.append(folder.name)
    if removed:
        _collect_objects(root)
    return removed


def _collect_objects(root: Path) -> None:
    needed: set[str] = set()
    for folder in snapshot_dirs(root):
        try:
            needed |= {e.path for e in read_manifest(folder).files}
        except (OSError, ValueError, TypeError):
            return  # a manifest we cannot read might need any object: delete none
    for path in (root / OBJECTS).rglob("*.age"):
        if path.relative_to(root).as_posix() not in needed:
            path.unlink()
