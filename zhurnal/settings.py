"""Workspace settings: ``zhurnal.toml`` validated by pydantic, plus the signing secret.

The secret never lives in the toml: it comes from ``ZHURNAL_SECRET`` or from the file
``.zhurnal-secret`` (mode 0600) that ``zhurnal init`` creates. Everything else a stage needs
flows down from one frozen :class:`Settings` object; no stage reads globals.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SETTINGS_FILE = "zhurnal.toml"
SECRET_FILE = ".zhurnal-secret"
SECRET_ENV = "ZHURNAL_SECRET"


class ConfigError(Exception):
    """The workspace cannot be used as configured (exit code 2)."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SchoolSettings(_Section):
    code: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1)
    locale: str = Field(default="ru", pattern=r"^ru$")


class StoreSettings(_Section):
    url: str = "sqlite:///master.sqlite"


class IngestSettings(_Section):
    settle_seconds: float = Field(default=2.0, ge=0)
    max_file_mb: float = Field(default=20, gt=0)
    max_unzipped_mb: float = Field(default=300, gt=0)


class NormaliseSettings(_Section):
    # Some schools write «Ёлкин» and «Елкин» interchangeably; most do not, so off by default.
    yo_as_ye: bool = False


class MarkSettings(_Section):
    allow_plus_minus: bool = True
    # 4+ counts as 4 + step and 5- as 5 - step in averages; 0 means the sign is ignored
    modifier_step: float = Field(default=0.0, ge=0, lt=0.5)
    # average → period mark: ≥ thresholds[0] gives 5, ≥ [1] gives 4, ≥ [2] gives 3, else 2
    thresholds: tuple[float, float, float] = (4.5, 3.5, 2.5)
    min_marks: int = Field(default=3, ge=0)
    default_weight: float = Field(default=1.0, gt=0)


class JournalSettings(_Section):
    # changes to lessons older than this many days are flagged with edit_window_severity
    edit_window_days: int = Field(default=14, ge=0)
    edit_window_severity: Literal["warning", "error"] = "warning"
    # a submission that deletes more accepted marks than this gets a warning listing them
    deletions_warning_above: int = Field(default=10, ge=0)


class MailSettings(_Section):
    sender_name: str = "Электронный журнал"
    sender_address: str = "journal@school.example"
    # the deputy director who receives the summaries (optional)
    deputy_address: str = ""
    # send a parent the week's diary again even when nothing in it changed
    resend_unchanged: bool = False


class SmtpSettings(_Section):
    host: str = "localhost"
    port: int = Field(default=587, gt=0, lt=65536)
    security: Literal["none", "starttls", "ssl"] = "starttls"
    # names of the environment variables holding the login (never the values themselves)
    user_env: str = "ZHURNAL_SMTP_USER"
    password_env: str = "ZHURNAL_SMTP_PASSWORD"
    rate_per_minute: float = Field(default=60, gt=0)
    retries: int = Field(default=3, ge=0)
    timeout_seconds: float = Field(default=30, gt=0)


class RiskSettings(_Section):
    # a student is at risk with an average below this, or more unexcused+other absences than this
    average_below: float = 3.0
    absent_lessons_over: int = 20


class SettingsFile(_Section):
    school: SchoolSettings
    store: StoreSettings = StoreSettings()
    ingest: IngestSettings = IngestSettings()
    normalise: NormaliseSettings = NormaliseSettings()
    marks: MarkSettings = MarkSettings()
    journal: JournalSettings = JournalSettings()
    mail: MailSettings = MailSettings()
    smtp: SmtpSettings = SmtpSettings()
    risk: RiskSettings = RiskSettings()


class Settings(BaseModel):
    """Everything a stage may need about its workspace; built once, passed down."""

    model_config = ConfigDict(frozen=True)

    workspace: Path
    school: SchoolSettings
    store: StoreSettings
    ingest: IngestSettings
    normalise: NormaliseSettings
    marks: MarkSettings = MarkSettings()
    journal: JournalSettings = JournalSettings()
    mail: MailSettings = MailSettings()
    smtp: SmtpSettings = SmtpSettings()
    risk: RiskSettings = RiskSettings()
    secret: bytes

    @property
    def inbox(self) -> Path:
        return self.workspace / "inbox"

    @property
    def outbox(self) -> Path:
        return self.workspace / "outbox"

    @property
    def archive(self) -> Path:
        return self.workspace / "archive"

    @property
    def templates(self) -> Path:
        return self.workspace / "templates_xlsx"

    @property
    def store_url(self) -> str:
        """The store URL, a relative SQLite path taken from the workspace folder."""
        url = self.store.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.workspace / url[len(prefix):])
        return url


def _describe(error: ValidationError, path: Path) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        lines.append(f"{path}: key '{key}': {item['msg']}")
    return "\n".join(lines)


def read_secret(workspace: Path) -> bytes:
    """The signing secret from the environment, else from the workspace's 0600 file."""
    from_env = os.environ.get(SECRET_ENV)
    if from_env:
        return from_env.encode()
    path = workspace / SECRET_FILE
    if not path.exists():
        raise ConfigError(f"{path}: no signing secret; set {SECRET_ENV} or run 'zhurnal init'")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"{path}: the secret file must be readable by its owner only "
                          f"(mode 0600, found {mode:04o})")
    secret = path.read_bytes().strip()
    if len(secret) < 16:
        raise ConfigError(f"{path}: the secret is too short (16 characters at least)")
    return secret


def load_settings(workspace: Path) -> Settings:
    """Read and validate ``zhurnal.toml`` of ``workspace``; raise ConfigError naming the key."""
    workspace = workspace.resolve()
    path = workspace / SETTINGS_FILE
    if not path.is_file():
        raise ConfigError(f"{workspace}: not a zhurnal workspace (no {SETTINGS_FILE}); "
                          f"run 'zhurnal init {workspace}'")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        parsed = SettingsFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from exc
    return Settings(workspace=workspace, school=parsed.school, store=parsed.store,
                    ingest=parsed.ingest, normalise=parsed.normalise, marks=parsed.marks,
                    journal=parsed.journal, mail=parsed.mail, smtp=parsed.smtp, risk=parsed.risk,
                    secret=read_secret(workspace))


def resolve_workspace(option: str | None) -> Path:
    """``--workspace``, else ``ZHURNAL_WORKSPACE``, else the current folder."""
    chosen = option or os.environ.get("ZHURNAL_WORKSPACE") or os.getcwd()
    return Path(chosen).expanduser().resolve()
