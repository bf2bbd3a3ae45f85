"""Encryption of backup files with age (X25519 recipients), through the pyrage binding.

age rather than a scheme of our own on top of ``cryptography``: its file format is a
published standard with authenticated encryption in 64 KiB chunks, a recipient is one short
``age1…`` line that fits the toml, and a school can decrypt a backup with the stock ``age``
tool even when zhurnal itself is gone. Only public keys live in the workspace; the private
key is read from a file or an environment variable when a backup is checked or restored.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from pathlib import Path

import pyrage
from pyrage import x25519

from zhurnal.backup.errors import BackupError

CHUNK = 1 << 20


def recipients(keys: tuple[str, ...] | list[str]) -> list[x25519.Recipient]:
    """The configured public keys; BackupError naming a bad one."""
    if not keys:
        raise BackupError("в zhurnal.toml не задан [backup] recipients: открытый ключ age (age1…), "
                          "которым шифруются копии (его делает zhurnal keys backup-key ФАЙЛ)")
    found = []
    for key in keys:
        try:
            found.append(x25519.Recipient.from_str(key.strip()))
        except (pyrage.RecipientError, ValueError) as exc:
            raise BackupError(f"[backup] recipients: {key!r} — не открытый ключ age (age1…)") from exc
    return found


def parse_identity(text: str) -> list[x25519.Identity]:
    """The ``AGE-SECRET-KEY-…`` lines of an age identity file's text."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("AGE-SECRET-KEY-"):
            try:
                found.append(x25519.Identity.from_str(line))
            except (pyrage.IdentityError, ValueError) as exc:
                raise BackupError("закрытый ключ не похож на ключ age (AGE-SECRET-KEY…)") from exc
    if not found:
        raise BackupError("в файле закрытого ключа нет строки AGE-SECRET-KEY")
    return found


def load_identity(path: str | Path | None, env_name: str) -> list[x25519.Identity] | None:
    """The private key from ``path``, else from the variable ``env_name`` (a key or a file path).

    None when neither is given. The key is never printed, not even in an error.
    """
    if path is None:
        value = os.environ.get(env_name, "").strip()
        if not value:
            return None
        if value.startswith("AGE-SECRET-KEY-"):
            return parse_identity(value)
        path = value
    try:
        return parse_identity(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{path}: закрытый ключ не найден (нет такого файла)") from exc
    except PermissionError as exc:
        raise BackupError(f"{path}: закрытый ключ не читается (нет права чтения)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path}: закрытый ключ не читается (файл повреждён или это не ключ)") from exc


def new_identity(target: Path, workspace: Path) -> str:
    """Write a fresh private key to ``target`` (mode 0600, never inside the workspace); return its public key."""
    target = target.resolve()
    inside = target == workspace.resolve() or workspace.resolve() in target.parents
    if inside and (workspace / "zhurnal.toml").is_file():
        raise BackupError(f"{target}: закрытый ключ нельзя хранить в рабочей папке zhurnal")
    if target.exists():
        raise BackupError(f"{target}: такой файл уже есть")
    identity = x25519.Identity.generate()
    public = str(identity.to_public())
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"# zhurnal backup key\n# public key: {public}\n{identity}\n")
    return public


def sha256_file(path: Path) -> tuple[int, str]:
    """Size and sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def encrypt_file(source: Path, target: Path, to: list[x25519.Recipient]) -> tuple[int, str]:
    """Encrypt ``source`` into ``target`` (written whole, then renamed); size and sha256 of the result."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    pyrage.encrypt_file(str(source), str(partial), to)
    os.chmod(partial, 0o600)
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    return sha256_file(target)


def gzip_file(source: Path, target: Path) -> None:
    """``source`` gzip-compressed into ``target`` (the store shrinks about fivefold)."""
    with source.open("rb") as plain, gzip.open(target, "wb", compresslevel=6) as packed:
        shutil.copyfileobj(plain, packed, CHUNK)


def decrypt_file(source: Path, target: Path, identities: list[x25519.Identity], compressed: str = "") -> None:
    """Decrypt ``source`` into ``target`` (gunzipped when ``compressed`` is ``gzip``);
    BackupError when it cannot be read with these keys."""
    middle = target.with_name(target.name + ".gz") if compressed else target
    try:
        pyrage.decrypt_file(str(source), str(middle), identities)
        if compressed:
            with gzip.open(middle, "rb") as packed, target.open("wb") as plain:
                shutil.copyfileobj(packed, plain, CHUNK)
    except (pyrage.DecryptError, OSError, ValueError, EOFError) as exc:
        target.unlink(missing_ok=True)
        raise BackupError(f"{source}: не расшифровывается этим ключом или повреждён; проверьте копии "
                          f"(zhurnal backup --check) и возьмите копию из другого места") from exc
    finally:
        if compressed:
            middle.unlink(missing_ok=True)
