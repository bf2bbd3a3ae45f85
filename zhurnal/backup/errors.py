"""The one exception of the backup package."""


class BackupError(Exception):
    """A backup cannot be made, read or restored as configured (exit 2 at the command line)."""
