"""Writing an output file so that nobody ever sees half of it.

Every file zhurnal hands to people or to another stage (diaries, print bundles, ``.eml``,
summaries, feedback workbooks, templates) is written under a temporary name in the same folder
and then renamed over the target: a rename within one file system is atomic, so a reader (or
``send``, or a teacher opening the share) finds the old file or the new one, never a torn one,
even when the process is killed mid-write.

Everything is owner-only (issue 26): the command line sets a umask of 077 at start, and what is
written here is given mode 0600 explicitly as well, so a library that sets its own mode, or a
caller that is not the command line, still leaves nothing for other users of the server to read.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL = ".partial"     # the temporary suffix: no reader globs for it
PRIVATE_FILE = 0o600     # owner reads and writes; group and others nothing
PRIVATE_DIR = 0o700
PUBLIC_FILE = 0o644      # the one exception: the school's web site pages (``docs site``), public by purpose


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 if it does not exist (a store file, before SQLite
    opens it); an existing file is left as it is (``zhurnal init --fix-modes`` tightens those)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass
    return path


def partial_of(target: Path) -> Path:
    """The temporary name of ``target`` while it is being written (``<name>.<pid>.partial``)."""
    return target.with_name(f"{target.name}.{os.getpid()}{PARTIAL}")


@contextmanager
def writing(target: Path, mode: int = PRIVATE_FILE) -> Iterator[Path]:
    """Yield a temporary path to write ``target`` to (by any library); on success it is renamed
    over ``target`` with ``mode``, on an exception removed. Creates the parent folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_of(target)
    try:
        yield partial
        os.chmod(partial, mode)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    # a partial copy of the same file left by a process killed while writing it (the file is
    # whole now): a teacher must not find «…_ошибки.xlsx.4711.partial» in their folder for ever
    for stale in target.parent.glob(f"{glob.escape(target.name)}.*{PARTIAL}"):
        stale.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes, mode: int = PRIVATE_FILE) -> Path:
    """``target.write_bytes(data)``, atomically, with ``mode`` (owner-only unless said)."""
    with writing(target, mode) as partial:
        partial.write_bytes(data)
    return target
