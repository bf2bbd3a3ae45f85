"""The 14-day rule: is there a recent verified backup, kept at enough destinations?"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

from zhurnal.backup.ledger import read_ledger
from zhurnal.core.keyring import keyring_state
from zhurnal.core.settings import Settings

MESSAGES = {
    "backup-missing": "Резервных копий ещё нет: выполните zhurnal backup",
    "backup-too-old": "Последней проверенной резервной копии {age_days} дн. (допустимо {max_age_days}): "
                      "выполните zhurnal backup",
    "backup-too-few-destinations": "Мест с последней проверенной резервной копией: {destinations}, а нужно "
                                   "не меньше {min_destinations}: проверьте [backup] destinations",
    "keyring-missing": "Ключ подписи не найден: восстановите его из резервной копии "
                       "(zhurnal keys restore КОПИЯ --identity ФАЙЛ_КЛЮЧА)",
}


@dataclass
class BackupHealth:
    newest: str | None              # id of the newest verified backup
    newest_at: str | None           # when it was made (UTC)
    age_days: float | None
    destinations: int               # how many destinations hold it verified
    max_age_days: int
    min_destinations: int
    due: bool                       # `zhurnal run` would make one now
    keyring: str                    # file | env | missing
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def messages(self) -> list[str]:
        return warning_lines(self.as_dict())


def warning_lines(figures: dict) -> list[str]:
    """The Russian lines for the warnings in ``BackupHealth.as_dict()``."""
    return [MESSAGES[code].format(**figures) for code in figures.get("warnings", [])]


def has_backup(workspace: Path | None) -> bool:
    """Whether a restore has something to start from: False only for a workspace (its
    ``zhurnal.toml`` there) whose ledger holds no verified backup; True when unknown (no
    folder, or a folder that is not a workspace: the store lives elsewhere)."""
    if workspace is None or not (workspace / "zhurnal.toml").is_file():
        return True
    return any(r.get("verified_at") and not r.get("problem") for r in read_ledger(workspace))


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def backup_health(settings: Settings, now: dt.datetime | None = None) -> BackupHealth:
    """Figures and warnings from the workspace's ledger (no destination is touched)."""
    now = now or _utcnow()
    config = settings.backup
    verified = [r for r in read_ledger(settings.workspace) if r.get("verified_at") and not r.get("problem")]
    newest = max(verified, key=lambda r: r["created"], default=None)
    warnings = []
    age = where = None
    count = 0
    if newest is None:
        warnings.append("backup-missing")
    else:
        where = {r["destination"] for r in verified if r["id"] == newest["id"]}
        count = len(where)
        age = round((now - dt.datetime.fromisoformat(newest["created"])).total_seconds() / 86400, 2)
        if age > config.max_age_days:
            warnings.append("backup-too-old")
        if count < config.min_destinations:
            warnings.append("backup-too-few-destinations")
    state = keyring_state(settings.workspace)
    if state == "missing":
        warnings.append("keyring-missing")
    configured = {str(d) for d in config.destinations}
    due = newest is None or age >= config.every_days or bool(configured - {r.get("configured") for r in verified
                                                                            if r["id"] == newest["id"]})
    return BackupHealth(newest=newest["id"] if newest else None, newest_at=newest["created"] if newest else None,
                        age_days=age, destinations=count, max_age_days=config.max_age_days,
                        min_destinations=config.min_destinations, due=due, keyring=state, warnings=warnings)
