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

[marks]
allow_plus_minus = true
# 4+ counts as 4 + modifier_step in averages (0: the sign is ignored)
modifier_step = 0.0
# average → period mark: >= 4.5 → 5, >= 3.5 → 4, >= 2.5 → 3; some schools use [4.65, 3.65, 2.65]
thresholds = [4.5, 3.5, 2.5]
# fewer marks than this suggest «н/а»
min_marks = 3

[journal]
# a change to a lesson older than this many days is flagged: "warning" or "error"
edit_window_days = 14
edit_window_severity = "warning"
# a submission that deletes more accepted marks than this is accepted with a warning listing them
deletions_warning_above = 10

[mail]
sender_name = "Электронный журнал"
sender_address = "journal@school.example"
# the deputy director who receives the summaries (empty: none)
deputy_address = ""
# send a parent the diary again even when nothing in it changed since the last one sent
resend_unchanged = false

[smtp]
host = "localhost"
port = 587
# "none", "starttls" or "ssl"
security = "starttls"
# the login is read from these environment variables, never from this file
user_env = "ZHURNAL_SMTP_USER"
password_env = "ZHURNAL_SMTP_PASSWORD"
rate_per_minute = 60
retries = 3
timeout_seconds = 30

[risk]
# students at risk: period average below this, or more lessons missed in the period than this
average_below = 3.0
absent_lessons_over = 20
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
