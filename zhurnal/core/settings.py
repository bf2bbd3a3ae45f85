"""Workspace settings: ``zhurnal.toml`` validated by pydantic, plus the signing keyring.

The keys never live in the toml: they come from the keyring file ``.zhurnal-secret``
(mode 0600) that ``zhurnal init`` creates, and ``ZHURNAL_SECRET`` (see :mod:`zhurnal.core.keyring`). Everything else a stage needs
flows down from one frozen :class:`Settings` object; no stage reads globals.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import ClassVar

from pydantic import ValidationError

from zhurnal.core.keyring import KEYRING_FILE, SECRET_ENV, KeyringError, read_keyring  # noqa: F401 (SECRET_ENV: re-exported)
from zhurnal.core.sections import (  # noqa: F401 (re-exported: every section is read from here)
    AccessSettings,
    AttestatSettings,
    BackupSettings,
    DiarySettings,
    DocsSettings,
    ImapSettings,
    IngestSettings,
    JournalSettings,
    MailSettings,
    MarkSettings,
    MetricsSettings,
    NormaliseSettings,
    PublishSettings,
    RiskSettings,
    RosterSettings,
    ScheduleSettings,
    SchoolSettings,
    SmtpSettings,
    StoreSettings,
    _Section,
)
from zhurnal.text.i18n import _

SETTINGS_FILE = "zhurnal.toml"
SECRET_FILE = KEYRING_FILE  # the keyring file (see zhurnal.core.keyring)


class ConfigError(Exception):
    """The workspace cannot be used as configured (exit code 2)."""


class _Folder:
    """A folder of the workspace, read as ``settings.<name>`` (a Path)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, settings: "Settings", owner: type | None = None) -> Path:
        return settings.workspace / self.name


class SettingsFile(_Section):
    school: SchoolSettings
    store: StoreSettings = StoreSettings()
    ingest: IngestSettings = IngestSettings()
    normalise: NormaliseSettings = NormaliseSettings()
    marks: MarkSettings = MarkSettings()
    attestat: AttestatSettings = AttestatSettings()
    journal: JournalSettings = JournalSettings()
    mail: MailSettings = MailSettings()
    smtp: SmtpSettings = SmtpSettings()
    diary: DiarySettings = DiarySettings()
    imap: ImapSettings = ImapSettings()
    access: AccessSettings = AccessSettings()
    roster: RosterSettings = RosterSettings()
    metrics: MetricsSettings = MetricsSettings()
    risk: RiskSettings = RiskSettings()
    backup: BackupSettings = BackupSettings()
    docs: DocsSettings = DocsSettings()
    publish: PublishSettings = PublishSettings()
    schedule: ScheduleSettings = ScheduleSettings()


class Settings(SettingsFile):
    """Everything a stage may need about its workspace: the toml's sections, the folder and the
    signing keys; built once, passed down."""

    workspace: Path
    secret: bytes
    # every key of the keyring, oldest first (empty: only ``secret``)
    keyring: tuple[bytes, ...] = ()

    @property
    def verify_keys(self) -> tuple[bytes, ...]:
        """The keys a workbook's signature may have been made with."""
        return self.keyring or (self.secret,)

    # the workspace's folders (DESIGN.md «Folders»)
    inbox: ClassVar[_Folder] = _Folder("inbox")
    outbox: ClassVar[_Folder] = _Folder("outbox")
    archive: ClassVar[_Folder] = _Folder("archive")
    templates: ClassVar[_Folder] = _Folder("templates_xlsx")

    @property
    def store_url(self) -> str:
        """The store URL: ``ZHURNAL_STORE_URL`` if set (so that a PostgreSQL password need not sit
        in the toml; PostgreSQL's own ``PGPASSWORD`` and service files work too), else
        ``[store] url``; a relative SQLite path is taken from the workspace folder."""
        url = os.environ.get("ZHURNAL_STORE_URL") or self.store.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.workspace / url[len(prefix):])
        return url


def _describe(error: ValidationError, path: Path) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        lines.append(_("{path}: key «{key}»: {problem}").format(path=path, key=key, problem=item["msg"]))
    return "\n".join(lines)


def load_settings(workspace: Path, *, need_key: bool = True) -> Settings:
    """Read and validate ``zhurnal.toml`` of ``workspace``; raise ConfigError naming the key.

    With ``need_key=False`` a missing keyring is not an error (``status`` and ``backup`` work
    without it); ``secret`` is then empty and nothing can be signed or verified.
    """
    workspace = workspace.resolve()
    path = workspace / SETTINGS_FILE
    if not path.is_file():
        raise ConfigError(_("{folder}: not a zhurnal workspace (no {file}); run «zhurnal init {folder}» "
                            "or give --workspace").format(folder=workspace, file=SETTINGS_FILE))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(_("{path}: not valid TOML: {error}").format(path=path, error=exc)) from exc
    try:
        parsed = SettingsFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from exc
    try:
        keys = read_keyring(workspace).secrets
    except KeyringError as exc:
        if need_key:
            raise ConfigError(str(exc)) from exc
        keys = ()
    sections = {name: getattr(parsed, name) for name in SettingsFile.model_fields}
    return Settings(workspace=workspace, secret=keys[-1] if keys else b"", keyring=keys, **sections)


def resolve_workspace(option: str | None) -> Path:
    """``--workspace``, else ``ZHURNAL_WORKSPACE``, else the current folder."""
    chosen = option or os.environ.get("ZHURNAL_WORKSPACE") or os.getcwd()
    return Path(chosen).expanduser().resolve()
