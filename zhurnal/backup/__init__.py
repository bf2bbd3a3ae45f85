"""Backups the school can trust: encrypted, at several destinations, verified, restorable.

The public surface: :func:`make_backup`, :func:`check_backups`, :func:`restore_backup`,
:func:`restore_keyring`, :func:`backup_health` (the 14-day rule) and :func:`new_identity`.
Every function takes plain arguments (settings, engine, now) and returns a result object
with ``as_dict()``; :class:`BackupError` means the configuration or the backup itself cannot
be used (exit 2), a failed copy is a value in the result (exit 1).
"""

from zhurnal.backup.check import CheckReport, check_backups
from zhurnal.backup.crypto import new_identity
from zhurnal.backup.errors import BackupError
from zhurnal.backup.health import BackupHealth, backup_health
from zhurnal.backup.make import BackupResult, backup_when_due, make_backup
from zhurnal.backup.restore import RestoreResult, restore_backup, restore_keyring

__all__ = ["BackupError", "BackupHealth", "BackupResult", "CheckReport", "RestoreResult", "backup_health", "backup_when_due",
           "check_backups", "make_backup", "new_identity", "restore_backup", "restore_keyring"]
