"""Where a restore looks: every destination it is given, any of which may be gone or damaged in
part. A snapshot is the same files at every destination that received it, and an archive object
is the same plaintext under the same name everywhere (``objects/<ab>/<sha256>.age``), so a
restore can take each file from whichever copy still verifies (issue 24.5)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zhurnal.backup.destinations import snapshot_dirs
from zhurnal.backup.errors import BackupError
from zhurnal.backup.manifest import MANIFEST, Manifest, read_manifest, read_verified


@dataclass(frozen=True)
class SnapshotCopy:
    """One snapshot folder at one destination: ``root`` is that destination's school folder."""

    destination: str
    root: Path
    folder: Path
    verified: bool


@dataclass
class Found:
    """Every snapshot copy under the sources, by snapshot id; the school folders seen (where an
    archive object may be, whichever snapshot put it there); the sources that were not there."""

    copies: dict[str, list[SnapshotCopy]]
    roots: list[tuple[str, Path]]
    absent: list[str]

    def newest_first(self) -> list[str]:
        """Snapshot ids, those verified at some destination first, each group newest first."""
        return sorted(self.copies, key=lambda sid: (any(c.verified for c in self.copies[sid]), sid), reverse=True)


def _roots(source: Path, school: str | None) -> list[Path]:
    if (source / "snapshots").is_dir():
        return [source]
    roots = sorted(p for p in source.glob("zhurnal-*") if p.is_dir())
    if school and len(roots) > 1:
        roots = [r for r in roots if r.name == f"zhurnal-{school}"]
    if len(roots) > 1:
        raise BackupError(f"{source}: копии нескольких школ ({', '.join(r.name for r in roots)}); "
                          f"укажите папку одной из них")
    return roots


def gather(sources: list[Path], school: str | None = None) -> Found:
    """The snapshot copies under ``sources`` (destinations, school folders or snapshot folders;
    a snapshot folder named limits the restore to that snapshot)."""
    found = Found({}, [], [])
    named: set[str] = set()
    for given in sources:
        source = given.expanduser().resolve()
        if not source.is_dir():
            found.absent.append(str(given))
            continue
        if (source / MANIFEST).is_file():         # one snapshot folder: its destination's root
            named.add(source.name)
            roots = [source.parent.parent]
        else:
            roots = _roots(source, school)
        for root in roots:
            if (str(given), root) not in found.roots:
                found.roots.append((str(given), root))
            for folder in snapshot_dirs(root):
                found.copies.setdefault(folder.name, []).append(
                    SnapshotCopy(str(given), root, folder, read_verified(folder) is not None))
    if named:
        found.copies = {sid: copies for sid, copies in found.copies.items() if sid in named}
    return found


def first_manifest(copies: list[SnapshotCopy]) -> Manifest | None:
    """The manifest of a snapshot from the first of its copies where it reads."""
    for copy in copies:
        try:
            return read_manifest(copy.folder)
        except (OSError, ValueError, TypeError):
            continue
    return None
