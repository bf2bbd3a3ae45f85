"""Parents' passwords: derived under the workspace's access key, never stored.

A PDF reader accepts exactly the bytes typed, often on a phone, so the password is easy to type:
``HMAC-SHA256(access key, "parent:<school>:<parent id>:<version>:<person>")`` read as one
big-endian number and written, least significant digit first, as 15 characters of one case
from :data:`ALPHABET`, lower-case letters and digits without look-alikes (no 0/o, 1/l/i):
15 × log2(31) ≈ 74 bits, and nothing between them to type (a slip may show them in groups,
:func:`shown`). ``<person>`` is the parent's name (spaces folded, case ignored) and address
(lower case), so a password belongs to a person, not to a roster row: a row the class teacher
overwrites with another person, or a parent whose name or address changes, has a new password.
The access key is the file ``.zhurnal-access-key`` (mode 0600) beside the signing keyring,
made by ``zhurnal init`` and untouched by ``keys rotate``, so a new signing key never changes a
password; backups carry it, so a restore does not either. The version lives in the store
(``parent_access``; no row = 0); resetting a password bumps it.

Pupils' own passwords (``[diary] pupils_from_grade``, issue 28 point 6) are made the same way
from ``"pupil:<school>:<student id>:0:<person>"`` (the pupil's name and own address): the
derivation input names its kind, so a pupil's password never equals a parent's, even where a
pupil's id equals a parent's. A pupil's password has no version of its own: it changes with the
pupil's name or address in the roster.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from sqlalchemy import Connection, insert, select, update

from zhurnal.core.errors import UsageError
from zhurnal.store import schema as s
from zhurnal.text.i18n import N_

ACCESS_KEY_FILE = ".zhurnal-access-key"
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"   # 31: no 0/o, 1/l/i; one case, nothing to shift
LENGTH = 15                                     # 15 × log2(31) ≈ 74.3 bits
GROUP = 5                                       # shown as 3 groups of 5, typed without spaces


class AccessKeyError(UsageError):
    """The access key is missing or unsafe (a configuration problem, exit 2)."""


def access_key_path(workspace: Path) -> Path:
    return workspace / ACCESS_KEY_FILE


def create_access_key(workspace: Path) -> Path | None:
    """Make the access key if it is missing (mode 0600); the path made, or None if it existed."""
    path = access_key_path(workspace)
    if path.exists():
        return None
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("# zhurnal: the key parents' diary passwords are derived from; keep it with the backups\n")
        handle.write(secrets.token_urlsafe(32) + "\n")
    return path


def read_access_key(workspace: Path) -> bytes:
    """The key (bytes); :class:`AccessKeyError` when missing or readable by others."""
    path = access_key_path(workspace)
    if not path.is_file():
        raise AccessKeyError(N_("{path}: the access key is missing: restore it from a backup "
                                "(a new one, made by 'zhurnal init', changes every parent's password)"), path=path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise AccessKeyError(N_("{path}: the secret file must be readable by its owner only "
                                "(chmod 600; found {mode})"), path=path, mode=f"{mode:04o}")
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]   # an indented comment too
    if not lines or len(lines[0]) < 16:
        raise AccessKeyError(N_("{path}: the access key is damaged"), path=path)
    return lines[0].encode()


def person_of(full_name: str, email: str | None) -> str:
    """Who a password belongs to: the name with spaces folded and case ignored, and the address
    in lower case (``"иванова анна петровна\nanna@mail.ru"``)."""
    return " ".join(full_name.split()).casefold() + "\n" + (email or "").strip().lower()


def derive_password(key: bytes, school: str, parent_id: int, version: int, person: str = "") -> str:
    """The parent's password at ``version`` for ``person`` (:func:`person_of`): 15 characters of
    :data:`ALPHABET`, the same every time."""
    return _password(key, f"parent:{school}:{parent_id}:{version}:{person}")


def derive_pupil_password(key: bytes, school: str, student_id: int, person: str = "") -> str:
    """The pupil's own password for ``person`` (:func:`person_of` of the pupil's name and own
    address): as :func:`derive_password`, from a message of its own kind (``pupil:``)."""
    return _password(key, f"pupil:{school}:{student_id}:0:{person}")


def _password(key: bytes, message: str) -> str:
    """HMAC-SHA256 of ``message`` under ``key`` as :data:`LENGTH` characters of :data:`ALPHABET`."""
    number = int.from_bytes(hmac.new(key, message.encode(), hashlib.sha256).digest(), "big")
    chars = []
    for _i in range(LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return "".join(chars)


def shown(password: str) -> str:
    """``password`` as a slip prints it: groups of 5 apart, for the eye only (typed without them)."""
    return " ".join(password[i:i + GROUP] for i in range(0, len(password), GROUP))


def password_versions(conn: Connection, school_id: int) -> dict[int, int]:
    """Parent id → the version of their password (parents without a row are at 0)."""
    rows = conn.execute(select(s.parent_access.c.parent_id, s.parent_access.c.version)
                        .where(s.parent_access.c.school_id == school_id))
    return {r.parent_id: r.version for r in rows}


def reset_password(conn: Connection, school_id: int, parent_id: int, now) -> int:
    """Bump a parent's version (their old password stops opening new mail); the new version."""
    current = password_versions(conn, school_id).get(parent_id)
    if current is None:
        conn.execute(insert(s.parent_access).values(school_id=school_id, parent_id=parent_id,
                                                    version=1, updated_at=now))
        return 1
    conn.execute(update(s.parent_access).where(s.parent_access.c.school_id == school_id,
                                               s.parent_access.c.parent_id == parent_id)
                 .values(version=current + 1, updated_at=now))
    return current + 1


class Passwords:
    """Every parent's password of one school, derived on demand."""

    def __init__(self, conn: Connection, workspace: Path, school: str, school_id: int) -> None:
        self.key = read_access_key(workspace)
        self.school = school
        self.versions = password_versions(conn, school_id)
        self.people = {r.id: person_of(r.full_name, r.email) for r in conn.execute(
            select(s.parents.c.id, s.parents.c.full_name, s.parents.c.email).where(s.parents.c.school_id == school_id))}

    def __call__(self, parent_id: int) -> str:
        return derive_password(self.key, self.school, parent_id, self.versions.get(parent_id, 0),
                               self.people.get(parent_id, ""))


class PupilPasswords:
    """Every pupil's own password of one school, derived on demand (:func:`derive_pupil_password`)."""

    def __init__(self, conn: Connection, workspace: Path, school: str, school_id: int | None) -> None:
        self.key = read_access_key(workspace)
        self.school = school
        self.people = {r.id: person_of(r.full_name, r.email) for r in conn.execute(
            select(s.students.c.id, s.students.c.full_name, s.students.c.email)
            .where(s.students.c.school_id == school_id))}

    def __call__(self, student_id: int) -> str:
        return derive_pupil_password(self.key, self.school, student_id, self.people.get(student_id, ""))
