"""Creating a workspace: its folders, its settings file and its signing secret."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from zhurnal.settings import SECRET_FILE, SETTINGS_FILE

FOLDERS = ("templates_xlsx", "inbox", "outbox", "archive")

DEFAULT_TOML = """\
# zhurnal workspace settings. Secrets never go here: the signing secret is in
# .zhurnal-secret (mode 0600) or ZHURNAL_SECRET.

[school]
code = "{code}"
name = "{name}"
locale = "ru"

[store]
# sqlite:///master.sqlite (relative to this folder) or postgresql+psycopg://user@host/db
url = "sqlite:///master.sqlite"

[ingest]
# a file modified less than this many seconds ago is checked again before it is read
settle_seconds = 2.0
max_file_mb = 20
max_unzipped_mb = 300

[normalise]
# treat «ё» and «е» as the same letter when matching names
yo_as_ye = false
"""


def write_secret(path: Path) -> None:
    """Create a fresh random secret readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(32) + "\n")
    os.chmod(path, 0o600)


def init_workspace(directory: Path, *, code: str = "school", name: str = "Моя школа") -> list[Path]:
    """Make the folders, ``zhurnal.toml`` and the secret that are missing; return what was made."""
    made: list[Path] = []
    directory.mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS:
        path = directory / folder
        if not path.exists():
            path.mkdir()
            made.append(path)
    toml = directory / SETTINGS_FILE
    if not toml.exists():
        toml.write_text(DEFAULT_TOML.format(code=code, name=name.replace('"', "'")), encoding="utf-8")
        made.append(toml)
    secret = directory / SECRET_FILE
    if not secret.exists() and not os.environ.get("ZHURNAL_SECRET"):
        write_secret(secret)
        made.append(secret)
    return made
