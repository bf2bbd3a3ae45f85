"""What an ingest run did, file by file: the report the command line prints or gives as JSON."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from zhurnal.core.findings import Finding, finding
from zhurnal.text.labels import Severity

# Codes a file being copied into inbox/ right now would get from its short read.
SHORT_READ_CODES = {"file-empty", "file-unreadable"}
ENTRY_RU = {"symlink": "ссылка (symlink)", "folder": "папка", "fifo": "канал (FIFO)",
            "socket": "сокет", "device": "файл устройства"}


@dataclass
class FileResult:
    """What happened to one inbox file."""

    name: str
    status: str                      # accepted | rejected | duplicate | deferred | failed | left
    sha256: str = ""
    kind: str = ""
    author: str = ""
    changes: int = 0
    findings: list[Finding] = field(default_factory=list)
    feedback: str = ""

    def as_dict(self) -> dict:
        return {"file": self.name, "status": self.status, "sha256": self.sha256, "kind": self.kind,
                "author": self.author, "changes": self.changes, "feedback": self.feedback,
                "findings": [f.model_dump(mode="json") for f in self.findings]}


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return all(f.status in ("accepted", "duplicate", "deferred") for f in self.files)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "dry_run": self.dry_run, "files": [f.as_dict() for f in self.files]}


def still_being_written(path: Path, wait: float, mtime_ns: int | None = None) -> FileResult:
    """A file left for the next run because it is still being written, saying why: modified N
    seconds ago (``mtime_ns``, or the file's own now), taken once unchanged for ``wait``
    seconds (``[ingest] settle_seconds``, or the floor a young unreadable file waits)."""
    if mtime_ns is None:
        try:
            mtime_ns = path.lstat().st_mtime_ns
        except OSError:
            mtime_ns = time.time_ns()
    age = max(0, round(time.time() - mtime_ns / 1e9))
    return FileResult(path.name, "deferred", findings=[finding(
        "file-still-being-written", severity=Severity.WARNING, file=path.name, value=age, wait=f"{wait:g}")])


def lock_results(*scans) -> list[FileResult]:
    """What the inbox scans (:class:`~zhurnal.ingest.inbox.InboxScan` and the teachers' folders')
    say of office lock files: a workbook open in an editor is deferred («книга открыта в
    редакторе»); a lock file older than a day is left and reported; a fresh lock file without its
    workbook is deferred with a note, so no lock file goes unmentioned."""
    found = []
    for scan in scans:
        found += [FileResult(path.name, "deferred", findings=[finding(
            "workbook-open-in-editor", severity=Severity.WARNING, file=path.name, value=lock.name)])
            for path, lock in scan.open]
        found += [FileResult(lock.name, "left", findings=[finding(
            "stale-lock-file", severity=Severity.WARNING, file=lock.name)]) for lock in scan.stale_locks]
        found += [FileResult(lock.name, "deferred", findings=[finding(
            "lock-file-without-workbook", severity=Severity.WARNING, file=lock.name)]) for lock in scan.lone_locks]
    return found
