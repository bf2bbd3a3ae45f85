"""The signing keyring: every secret this workspace ever signed templates with.

The keyring is the file ``.zhurnal-secret`` (mode 0600): one secret a line, the last one
signs new templates, all of them verify workbooks already handed out. Comment lines (``#``)
say when each key was added. A workspace made before keyrings has a one-line file, which
is simply a keyring of one key. ``ZHURNAL_SECRET``, when set, is one more key and the one
that signs.

A key is known by its id, a public fingerprint (:func:`key_id`) that every signature
carries, so a workbook names the key that signed it without revealing anything.

Losing the keyring is never repaired silently: no command writes a fresh key into a
workspace that already exists unless told to (``keys rotate --replace-lost``), because
every workbook already handed out would then be rejected. The way back is a backup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from zhurnal.text.i18n import _

KEYRING_FILE = ".zhurnal-secret"
SECRET_ENV = "ZHURNAL_SECRET"
MIN_LENGTH = 16


class KeyringError(Exception):
    """The keyring cannot be used or changed as asked (a configuration problem, exit 2)."""


class KeyringLost(KeyringError):
    """The workspace exists but its keyring does not."""


def key_id(secret: bytes) -> str:
    """A public fingerprint of one secret (reveals nothing about the secret)."""
    return hmac.new(secret, b"zhurnal-key-id", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Keyring:
    """The workspace's secrets, oldest first; the last one signs."""

    secrets: tuple[bytes, ...]

    @property
    def current(self) -> bytes:
        return self.secrets[-1]

    @property
    def ids(self) -> list[str]:
        return [key_id(s) for s in self.secrets]

    def __iter__(self):
        return iter(self.secrets)

    def __len__(self) -> int:
        return len(self.secrets)


def parse_keyring(text: str, source: str = KEYRING_FILE) -> list[bytes]:
    """The secrets of a keyring file's text (comments and blank lines skipped)."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) < MIN_LENGTH:
            raise KeyringError(f"{source}: ключ подписи слишком короткий (нужно не меньше {MIN_LENGTH} символов)")
        found.append(line.encode())
    return found


def keyring_path(workspace: Path) -> Path:
    return workspace / KEYRING_FILE


def _check_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyringError(_("{path}: the secret file must be readable by its owner only "
                             "(chmod 600; found {mode})").format(path=path, mode=f"{mode:04o}"))


def keyring_state(workspace: Path) -> str:
    """``file``, ``env`` or ``missing``: where the keys are, without reading any of them."""
    if keyring_path(workspace).is_file():
        return "file"
    return "env" if os.environ.get(SECRET_ENV) else "missing"


def read_keyring(workspace: Path) -> Keyring:
    """The keyring of ``workspace`` (file keys, then ``ZHURNAL_SECRET``); KeyringLost when none."""
    path = keyring_path(workspace)
    found: list[bytes] = []
    from_env = os.environ.get(SECRET_ENV)
    if path.is_file():
        try:
            _check_private(path)
        except KeyringError:
            if not from_env:
                raise
        else:  # a file others can read is not trusted; with ZHURNAL_SECRET set it is skipped
            found = parse_keyring(path.read_text(encoding="utf-8"), str(path))
    if from_env:
        found = [s for s in found if s != from_env.encode()] + [from_env.encode()]
    if not found:
        raise KeyringLost(f"{path}: ключ подписи не найден. Если он потерян, восстановите его из "
                          f"резервной копии: zhurnal keys restore КОПИЯ --identity ФАЙЛ_КЛЮЧА. "
                          f"Новый ключ (zhurnal keys rotate --replace-lost) отвергнет все уже "
                          f"выданные шаблоны")
    return Keyring(tuple(found))


def _line(secret: bytes, now: dt.datetime, note: str) -> str:
    return f"# {key_id(secret)} {note} {now:%Y-%m-%d %H:%M} UTC\n{secret.decode()}\n"


def _write(path: Path, text: str) -> None:
    """Replace ``path`` atomically with a private file holding ``text``."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(partial, 0o600)
    os.replace(partial, path)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def create_keyring(workspace: Path, now: dt.datetime | None = None) -> Path:
    """A first key for a new workspace; refuses to overwrite an existing keyring."""
    path = keyring_path(workspace)
    if path.exists():
        raise KeyringError(f"{path}: уже существует")
    _write(path, _line(secrets.token_urlsafe(32).encode(), _now(now), "created"))
    return path


def rotate(workspace: Path, *, now: dt.datetime | None = None, replace_lost: bool = False) -> str:
    """Add a new signing key, keeping the old ones for verifying; return the new key id."""
    if os.environ.get(SECRET_ENV):
        raise KeyringError(f"the signing key comes from {SECRET_ENV}; rotate it there "
                           f"(keep the old value in {KEYRING_FILE} so that issued workbooks still verify)")
    path = keyring_path(workspace)
    text = ""
    if path.is_file():
        _check_private(path)
        text = path.read_text(encoding="utf-8")
        parse_keyring(text, str(path))
    elif not replace_lost:
        read_keyring(workspace)  # raises KeyringLost with the way back
    if text and not text.endswith("\n"):
        text += "\n"
    secret = secrets.token_urlsafe(32).encode()
    _write(path, text + _line(secret, _now(now), "added"))
    return key_id(secret)


def merge_keyring(workspace: Path, restored: bytes, now: dt.datetime | None = None) -> list[str]:
    """Put the keys of a keyring restored from a backup back; return the ids that were missing.

    Keys already present stay; restored keys are placed before them, so the newest key of
    this workspace (if any) still signs.
    """
    incoming = parse_keyring(restored.decode("utf-8"), "backup keyring")
    path = keyring_path(workspace)
    present = parse_keyring(path.read_text(encoding="utf-8"), str(path)) if path.is_file() else []
    missing = [s for s in incoming if s not in present]
    if not missing:
        return []
    stamp = _now(now)
    text = "".join(_line(s, stamp, "restored") for s in missing)
    if path.is_file():
        text += path.read_text(encoding="utf-8")
    _write(path, text)
    return [key_id(s) for s in missing]
