"""``zhurnal doctor --bundle FILE``: a zip for technical support, with no personal data and no secret.

Inside (UTF-8 JSON, one file each):

- ``versions.json`` — Python, the system, the packages, LibreOffice;
- ``settings.json`` — ``zhurnal.toml`` as read (defaults filled in), every secret and every
  personal value masked as ``***``: the store URL's password, e-mail addresses (a deputy's, the
  mailbox login), the names of ``[docs]``; the toml's comments are not copied;
- ``health.json`` — the doctor's checks (:mod:`zhurnal.docs.doctor`), the schema revision;
- ``runs.json`` — the latest submissions as the log of the last runs: id, kind, week, outcome,
  time and finding counts by code (no file name: it carries a teacher's name; no author);
- ``findings.json`` — finding counts by code over every submission;
- ``README.txt`` — what the bundle is, in Russian.

A last pass masks, in every file, the values of the secret environment variables the settings
name, the store URL's password and the signing keys, so a secret that reached a message by
accident is still not shipped.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import zipfile
from pathlib import Path

from zhurnal.core.atomic import write_bytes
from zhurnal.core.keyring import read_keyring
from zhurnal.core.secrets_mask import MASK, mask_values
from zhurnal.core.settings import Settings, load_settings
from zhurnal.docs.doctor import Health, examine, versions
from zhurnal.store.engine import mask_secrets, masked

README = """\
Пакет диагностики электронного журнала zhurnal для службы технической поддержки.
Создан {at} (UTC).

versions.json  — версии Python, системы и библиотек
settings.json  — настройки (zhurnal.toml); пароли, адреса и имена заменены на ***
health.json    — проверка состояния (zhurnal doctor), версия схемы базы данных
runs.json      — последние обработанные книги: вид, неделя, итог, время, число замечаний по кодам
findings.json  — число замечаний по кодам за всё время

Персональных данных (ФИО, адресов, телефонов, электронной почты обучающихся, родителей и
учителей) и секретов (паролей, ключей) в пакете нет.
"""
PERSONAL_KEYS = {("docs", "director"), ("docs", "deputy"), ("docs", "sysadmin"), ("docs", "contact")}


def _masked_settings(settings: Settings) -> dict:
    """The toml's sections as read, secrets and personal values masked."""
    raw = {name: getattr(settings, name).model_dump(mode="json") for name in type(settings).model_fields
           if name not in ("workspace", "secret", "keyring")}
    raw["store"]["url"] = masked(settings.store.url)
    for section, values in raw.items():
        for key, value in values.items():
            if (section, key) in PERSONAL_KEYS and value:
                values[key] = MASK
            elif isinstance(value, str) and "@" in value and section != "store":
                values[key] = MASK              # an e-mail address (a person's, or a mailbox login)
            elif isinstance(value, list):
                values[key] = [MASK if isinstance(v, str) and "@" in v else v for v in value]
    return raw


def secrets_of(settings: Settings) -> list[str | None]:
    """Every secret value this workspace knows of: the environment variables its settings name
    (SMTP login and password, the IMAP password, the backup identity, the store URL) and the
    signing keys (as the keyring file writes them); the store URL's own password is masked with
    :func:`~zhurnal.store.engine.mask_secrets`."""
    names = [settings.smtp.user_env, settings.smtp.password_env, settings.imap.password_env,
             settings.backup.identity_env, "ZHURNAL_STORE_URL", "ZHURNAL_SECRET", "PGPASSWORD"]
    found = [os.environ.get(name) for name in names]
    try:
        keyring_file = settings.workspace / ".zhurnal-secret"
        found += [line.strip() for line in keyring_file.read_text(encoding="utf-8").splitlines()
                  if line.strip() and not line.startswith("#")] if keyring_file.is_file() else []
        found += [key.hex() for key in read_keyring(settings.workspace).secrets]
    except Exception:        # an unreadable keyring: nothing of it can leak either
        pass
    return [s for s in found if s and len(s) >= 4]


def bundle_bytes(workspace: Path, *, now: dt.datetime | None = None) -> tuple[bytes, Health]:
    """The zip's bytes and the health it describes."""
    health = examine(workspace, now=now)
    at = (now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)).isoformat(sep=" ", timespec="seconds")
    files: dict[str, str] = {"README.txt": README.format(at=at)}
    dump = lambda value: json.dumps(value, ensure_ascii=False, indent=2, default=str)
    files["versions.json"] = dump(versions())
    secrets: list[str | None] = []
    url = ""
    try:
        settings = load_settings(workspace, need_key=False)
        files["settings.json"] = dump(_masked_settings(settings))
        secrets, url = secrets_of(settings), settings.store_url
    except Exception as exc:
        files["settings.json"] = dump({"error": type(exc).__name__})
    report = health.as_dict()
    files["health.json"] = dump({k: v for k, v in report.items() if k not in ("runs", "finding_counts")})
    files["runs.json"] = dump(report["runs"])
    files["findings.json"] = dump(report["finding_counts"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, mask_values(mask_secrets(body, url) if url else body, secrets))
    return buffer.getvalue(), health


def write_bundle(workspace: Path, target: Path, *, now: dt.datetime | None = None) -> Health:
    """``target`` written (owner-only, atomically); the health it holds."""
    data, health = bundle_bytes(workspace, now=now)
    write_bytes(target, data)
    return health
