"""The manifest of one backup: every file with its size and sha256, store row counts, versions.

The manifest sits in plain JSON beside the encrypted files so that a copy can be checked
without the private key; it holds no personal data (archive originals are named by their
hash). ``size``/``sha256`` describe a file as it is in the workspace, ``stored_size``/
``stored_sha256`` its encrypted copy at this destination.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
VERIFIED = "verified.json"


@dataclass
class Entry:
    path: str            # inside the destination's school folder
    role: str            # store | settings | keyring | access-key | archive
    name: str            # where it belongs in a workspace
    size: int
    sha256: str
    stored_size: int = 0
    stored_sha256: str = ""
    compressed: str = ""  # "gzip": compressed before it was encrypted


@dataclass
class Manifest:
    id: str
    created: str
    school: str
    zhurnal_version: str
    schema_revision: str
    store_dialect: str
    recipients: list[str]
    counts: dict[str, int]
    files: list[Entry] = field(default_factory=list)
    format: int = FORMAT

    def entry(self, role: str) -> Entry | None:
        return next((e for e in self.files if e.role == role), None)

    def as_dict(self) -> dict:
        return asdict(self)

    def write(self, folder: Path) -> None:
        partial = folder / (MANIFEST + ".partial")
        partial.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        partial.replace(folder / MANIFEST)


def read_manifest(folder: Path) -> Manifest:
    """The manifest in a snapshot folder; ValueError/OSError when missing or unreadable."""
    raw = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if raw.get("format") != FORMAT:
        raise ValueError(f"unknown manifest format {raw.get('format')!r}")
    files = [Entry(**item) for item in raw.pop("files")]
    return Manifest(**raw, files=files)


def read_verified(folder: Path) -> dict | None:
    """The record of a snapshot's last successful verification, if any."""
    try:
        return json.loads((folder / VERIFIED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_verified(folder: Path, record: dict) -> None:
    (folder / VERIFIED).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def clear_verified(folder: Path) -> None:
    (folder / VERIFIED).unlink(missing_ok=True)
