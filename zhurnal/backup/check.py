"""``zhurnal backup --check``: re-verify every copy at every destination and name what is wrong."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zhurnal.backup import ledger
from zhurnal.backup.crypto import load_identity
from zhurnal.backup.destinations import resolve_destination, school_root, snapshot_dirs
from zhurnal.backup.errors import BackupError
from zhurnal.backup.manifest import clear_verified, write_verified
from zhurnal.backup.verify import Problem, verify_snapshot
from zhurnal.core.settings import Settings


@dataclass
class CheckReport:
    verification: str                           # full | checksums
    checked: list[dict] = field(default_factory=list)    # {destination, snapshot, ok}
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.checked)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "verification": self.verification, "checked": self.checked,
                "problems": [p.as_dict() for p in self.problems]}


def check_backups(settings: Settings, *, identity: str | None = None,
                  now: dt.datetime | None = None) -> CheckReport:
    """Verify every snapshot at every configured destination; update the workspace's ledger."""
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    if not settings.backup.destinations:
        raise BackupError("в zhurnal.toml не задан [backup] destinations: проверять нечего")
    identities = load_identity(identity, settings.backup.identity_env)
    report = CheckReport(verification="full" if identities else "checksums")
    rows = []
    for configured in settings.backup.destinations:
        destination = resolve_destination(settings.workspace, configured)
        root = school_root(destination, settings.school.code)
        folders = snapshot_dirs(root) if destination.is_dir() else []
        if not folders:
            report.problems.append(Problem(str(destination), "", "" if not destination.is_dir()
                                           else root.name, "missing"))
            continue
        cache: dict = {}
        for folder in folders:
            manifest, problems = verify_snapshot(str(destination), root, folder, identities, cache)
            report.problems += problems
            report.checked.append({"destination": str(destination), "snapshot": folder.name, "ok": not problems})
            if problems:
                clear_verified(folder)
            else:
                write_verified(folder, {"verified_at": now.isoformat(), "mode": report.verification})
            if manifest is not None:
                rows.append({"id": manifest.id, "created": manifest.created, "destination": str(destination),
                             "configured": configured, "verified_at": None if problems else now.isoformat(),
                             "mode": report.verification, "problem": problems[0].problem if problems else None})
    ledger.record(settings.workspace, rows)
    return report
