"""What an ingest run did, file by file: the report the command line prints or gives as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

from zhurnal.core.findings import Finding

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
