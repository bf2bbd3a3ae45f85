"""Per-author channels: each teacher's own folder ``inbox/<login>/`` (issue 12).

The top ``inbox/`` is the sysadmin's; a teacher's folder is shared over the network with that
teacher only. A workbook that arrives through one author's folder (or their mail, which
``zhurnal fetch`` puts there) but whose signed metadata names another author is rejected
(``author-mismatch``). With ``[ingest] author_folders_only`` journals, registers and period
sheets are accepted only through their author's folder (``author-folder-required``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from zhurnal.core.findings import Finding, finding
from zhurnal.core.workbook import Submission
from zhurnal.ingest.inbox import scan_inbox
from zhurnal.school.context import RunContext
from zhurnal.school.logins import default_login, is_login
from zhurnal.school.workspace import share_author_folder
from zhurnal.store import schema as s

TEACHER_KINDS = {"journal", "attendance", "period", "year"}   # what only its author may hand in


def teacher_logins(ctx: RunContext) -> dict[str, str]:
    """Login → the teacher's full name, from the accepted setup (a store from before logins:
    the default login, as the next setup will make it)."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(select(s.teachers.c.login, s.teachers.c.full_name)
                            .where(s.teachers.c.school_id == ctx.school_id)).all()
    logins = ((r.login or default_login(r.full_name), r.full_name) for r in rows)
    return {login: name for login, name in logins if is_login(login)}


def make_author_folders(ctx: RunContext) -> list[Path]:
    """``inbox/<login>/`` for every teacher of the setup that has none yet; the folders made."""
    made = []
    for login in sorted(teacher_logins(ctx)):
        folder = ctx.settings.inbox / login
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
            if ctx.settings.ingest.teacher_group:           # the teachers write here on a shared drive
                share_author_folder(folder, ctx.settings.ingest.teacher_group)
            made.append(folder)
    return made


@dataclass
class AuthorScan:
    """What the teachers' folders hold: as :class:`~zhurnal.ingest.inbox.InboxScan`, and the
    folders themselves (which the top ``inbox/`` scan must not report as odd entries)."""

    folders: set[Path] = field(default_factory=set)
    ready: list[Path] = field(default_factory=list)
    growing: list[Path] = field(default_factory=list)
    odd: list[tuple[Path, str]] = field(default_factory=list)
    open: list[tuple[Path, Path]] = field(default_factory=list)
    stale_locks: list[Path] = field(default_factory=list)
    lone_locks: list[Path] = field(default_factory=list)


def scan_author_folders(ctx: RunContext) -> AuthorScan:
    """Files ready in every teacher's folder (making missing folders first), files still being
    written and odd entries; as :func:`~zhurnal.ingest.inbox.scan_inbox` for each folder."""
    make_author_folders(ctx)
    found = AuthorScan()
    for login in sorted(teacher_logins(ctx)):
        folder = ctx.settings.inbox / login
        if folder.is_symlink() or not folder.is_dir():
            continue                      # left to the top scan, which reports it
        found.folders.add(folder)
        scan = scan_inbox(folder, ctx.settings.ingest.settle_seconds)
        found.ready += scan.ready
        found.growing += scan.growing
        found.odd += scan.odd
        found.open += scan.open
        found.stale_locks += scan.stale_locks
        found.lone_locks += scan.lone_locks
    return found


def channel_of(ctx: RunContext, path: Path) -> str | None:
    """The login whose folder ``path`` lies in; None for the top ``inbox/`` (the sysadmin's)."""
    parent = path.parent.resolve()
    return parent.name if parent.parent == ctx.settings.inbox.resolve() else None


def channel_owner(ctx: RunContext, path: Path) -> str | None:
    """The full name of the teacher whose folder ``path`` lies in (who handed it in); None for
    the top ``inbox/`` or a folder no teacher has."""
    login = channel_of(ctx, path)
    return teacher_logins(ctx).get(login) if login else None


def channel_findings(ctx: RunContext, sub: Submission) -> list[Finding]:
    """``author-mismatch`` when the folder's teacher is not the workbook's author;
    ``author-folder-required`` for a teacher's workbook in the top inbox when only own folders count."""
    login = channel_of(ctx, sub.path)
    author = sub.meta.get("author") or ""
    if login is None:
        if ctx.settings.ingest.author_folders_only and sub.meta.get("kind") in TEACHER_KINDS:
            return [finding("author-folder-required", file=sub.name, value=author)]
        return []
    owner = teacher_logins(ctx).get(login)
    if owner != author:
        return [finding("author-mismatch", file=sub.name, value=author or "—", login=login,
                        owner=owner or login)]
    return []
