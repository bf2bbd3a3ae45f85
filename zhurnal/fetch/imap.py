"""Taking workbooks from the school's mailbox over IMAP (``[imap]`` in ``zhurnal.toml``).

Each message is taken once: its Message-ID and UID go into the store (``fetched_mail``) in the
same step that records where its attachments were written, and only then is the message moved
to the processed folder; a rerun after a crash between the two only moves it. Attachments go
into the sender's own folder ``inbox/<login>/`` under a hidden temporary name first and are
renamed into place, so ingest never sees half a file.

A message is held for the sysadmin (moved to the held folder, a row with the reason, shown by
``status``) when its sender is not a teacher's registered address, or when the school's server
did not authenticate it (:mod:`zhurnal.fetch.auth`: only our own border server's
``Authentication-Results`` count, ``[imap] require_authentication`` and ``trusted_authserv_ids``).
"""

from __future__ import annotations

import json
import logging
import os
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select

from zhurnal.core.filenames import safe_name
from zhurnal.core.secrets_mask import mask_values
from zhurnal.fetch.auth import verdict
from zhurnal.ingest.inbox import ACCEPTED_SUFFIXES
from zhurnal.school.context import RunContext
from zhurnal.school.logins import default_login
from zhurnal.store import schema as s

log = logging.getLogger("zhurnal.fetch")


class ImapUnavailable(Exception):
    """The mailbox cannot be reached or logged into (its message never holds the password)."""


@dataclass
class FetchReport:
    taken: list[dict] = field(default_factory=list)     # {sender, author, files}
    held: list[dict] = field(default_factory=list)      # {sender, subject, reason}
    already: int = 0                                    # taken before, only moved now

    @property
    def ok(self) -> bool:
        return not self.held

    def as_dict(self) -> dict:
        return {"ok": self.ok, "taken": self.taken, "held": self.held, "already": self.already}


def _mailbox(config):
    from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted
    if config.security == "ssl":
        return MailBox(config.host, config.port, timeout=config.timeout_seconds, ssl_context=ssl.create_default_context())
    if config.security == "starttls":
        return MailBoxStartTls(config.host, config.port, timeout=config.timeout_seconds,
                               ssl_context=ssl.create_default_context())
    return MailBoxUnencrypted(config.host, config.port, timeout=config.timeout_seconds)


def _teachers(ctx: RunContext) -> dict[str, dict]:
    """Registered address (lower case) → {full_name, login}."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(select(s.teachers).where(s.teachers.c.school_id == ctx.school_id)).mappings()
        return {r["email"].strip().lower(): {"full_name": r["full_name"],
                                             "login": r["login"] or default_login(r["full_name"])}
                for r in rows if r["email"]}


def _known(ctx: RunContext, message_id: str) -> bool:
    with ctx.engine.connect() as conn:
        return conn.execute(select(s.fetched_mail.c.id).where(
            s.fetched_mail.c.school_id == ctx.school_id, s.fetched_mail.c.message_id == message_id)).first() is not None


def _place(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` as ``folder/name`` atomically (a hidden temporary name, then a rename);
    a name already taken gets `` (2)``, `` (3)`` …"""
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(name).stem, Path(name).suffix
    target, number = folder / name, 1
    while target.exists():
        number += 1
        target = folder / f"{stem} ({number}){suffix}"
    partial = folder / f".{target.name}.partial"          # hidden: ingest skips it
    with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, target)
    return target


def _record(ctx: RunContext, **values) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(insert(s.fetched_mail).values(school_id=ctx.school_id, received_at=ctx.now, **values))


def _ensure_folders(box, config) -> None:
    for name in (config.processed_folder, config.held_folder):
        if not box.folder.exists(name):
            box.folder.create(name)


def fetch_mail(ctx: RunContext) -> FetchReport:
    """Take every message in ``[imap] folder``; :class:`ImapUnavailable` when the server cannot
    be used (the message says why, with the login and password masked)."""
    from imap_tools import MailboxLoginError
    config = ctx.settings.imap
    password = os.environ.get(config.password_env, "")
    report = FetchReport()
    try:
        with _mailbox(config).login(config.user, password, config.folder) as box:
            _ensure_folders(box, config)
            teachers = _teachers(ctx)
            for msg in box.fetch(mark_seen=False, bulk=True):
                _take(ctx, box, msg, teachers, report)
    except (OSError, MailboxLoginError, ssl.SSLError) as exc:
        raise ImapUnavailable(mask_values(f"{config.host}:{config.port}: {exc}", [password, config.user])) from exc
    return report


def _take(ctx: RunContext, box, msg, teachers: dict[str, dict], report: FetchReport) -> None:
    config = ctx.settings.imap
    message_id = (msg.headers.get("message-id") or ("",))[0].strip() or f"<uid-{msg.uid}@{config.host}>"
    if _known(ctx, message_id):                           # taken before; the move did not happen
        box.move(msg.uid, config.processed_folder)
        report.already += 1
        return
    sender = (msg.from_ or "").strip().lower()
    teacher = teachers.get(sender)
    workbooks = [a for a in msg.attachments if Path(a.filename or "").suffix.lower() in ACCEPTED_SUFFIXES]
    reason, detail = None, ""
    if teacher is None:
        reason = "unknown-sender"
    elif config.require_authentication:
        judged = verdict(list(msg.headers.get("authentication-results", ())), sender, config.trusted_authserv_ids)
        reason, detail = (None, "") if judged.ok else (judged.reason, judged.detail)
    if reason is None and not workbooks:
        reason = "no-workbook"
    if reason:
        _record(ctx, message_id=message_id, uid=str(msg.uid), sender=sender, status="held", reason=reason,
                author=teacher and teacher["full_name"], files="[]")
        box.move(msg.uid, config.held_folder)
        report.held.append({"sender": sender, "subject": msg.subject, "reason": reason, "detail": detail})
        log.warning("mail from %s held: %s %s", sender, reason, detail)
        return
    folder = ctx.settings.inbox / teacher["login"]
    written = [_place(folder, safe_name(Path(a.filename).stem) + Path(a.filename).suffix.lower(), a.payload)
               for a in workbooks]
    files = [str(p.relative_to(ctx.settings.workspace)) for p in written]
    _record(ctx, message_id=message_id, uid=str(msg.uid), sender=sender, status="taken",
            author=teacher["full_name"], files=json.dumps(files, ensure_ascii=False))
    box.move(msg.uid, config.processed_folder)
    report.taken.append({"sender": sender, "author": teacher["full_name"], "files": files})


def held_mail(ctx: RunContext) -> list[dict]:
    """Messages held for the sysadmin: {sender, reason, received_at}, newest first."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(select(s.fetched_mail).where(
            s.fetched_mail.c.school_id == ctx.school_id, s.fetched_mail.c.status == "held")
            .order_by(s.fetched_mail.c.id.desc())).mappings()
        return [{"sender": r["sender"], "reason": r["reason"], "received_at": r["received_at"]} for r in rows]
