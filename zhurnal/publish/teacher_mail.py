"""Mail to a teacher about their own workbooks: the workbooks of a week (or period) handed out,
and a reminder when the hand-in deadline has passed without an accepted journal.

Both go through the mail ledger like every other message: the Message-ID is made from what the
message holds, so the same workbooks (or the same reminder) are queued once; a teacher's newer
workbooks of the same label supersede the message still waiting (:mod:`.supersede`). Each
message is written to ``outbox/<label>/mail/`` before its ledger row, as :mod:`.staff_mail` does,
and never rewritten once the ledger knows it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.mime.multipart import MIMEMultipart

from sqlalchemy import Connection, select

from zhurnal.core.settings import Settings
from zhurnal.publish import ledger
from zhurnal.publish.mail import XLSX, build_message, check_address, message_id, write_eml
from zhurnal.publish.supersede import set_aside
from zhurnal.school.context import RunContext
from zhurnal.school.logins import default_login, is_login
from zhurnal.store import schema as s
from zhurnal.store.schema import mail_ledger
from zhurnal.text import mail as words
from zhurnal.text.mail import fill

WORKBOOKS = "workbooks"     # ledger kinds
REMINDER = "reminder"


@dataclass(frozen=True)
class Teacher:
    """A teacher as the setup holds them: ``login`` names their folders, ``email`` may be empty."""

    full_name: str
    login: str
    email: str


def teacher_rows(conn: Connection, school_id: int | None) -> dict[str, Teacher]:
    """Full name → the teacher (login as the setup holds it, else the default one)."""
    rows = conn.execute(select(s.teachers.c.full_name, s.teachers.c.login, s.teachers.c.email)
                        .where(s.teachers.c.school_id == school_id)).all()
    found = {}
    for row in rows:
        login = row.login or default_login(row.full_name)
        if is_login(login):
            found[row.full_name] = Teacher(row.full_name, login, _usable((row.email or "").strip()))
    return found


def _usable(address: str) -> str:
    """The address, or "" for one a plain SMTP server cannot take (the teacher is then said to
    have none: the folder is their channel)."""
    try:
        check_address(address)
    except ValueError:
        return ""
    return address


def teachers_by_name(ctx: RunContext) -> dict[str, Teacher]:
    """:func:`teacher_rows` of the run's school."""
    with ctx.engine.connect() as conn:
        return teacher_rows(conn, ctx.school_id)


def hand_in_folder(settings: Settings, login: str) -> str:
    """Where the teacher hands workbooks in: ``[access] share`` + login (a Windows share or a
    mounted path, as the teachers' slips print it), else the workspace's ``inbox/<login>``."""
    share = settings.access.share.rstrip("\\/")
    if share:
        return share + ("\\" if "\\" in share else "/") + login
    return str(settings.inbox / login)


def hand_back_line(settings: Settings, teacher: Teacher) -> str:
    """The one line on how to hand workbooks back (the folder; mail when the school takes it)."""
    by_mail = ""
    if settings.imap.host and settings.imap.address and teacher.email:
        by_mail = fill(words.HAND_BACK_MAIL, address=settings.imap.address, own=teacher.email)
    return fill(words.HAND_BACK, folder=hand_in_folder(settings, teacher.login), by_mail=by_mail)


def _school(ctx: RunContext) -> int:
    if ctx.school_id is None:       # only read-only commands run without a school row
        raise ValueError("mail needs the school's row in the store")
    return ctx.school_id


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _key(label: str, login: str) -> str:
    return f"{label}.{login}"


def _safe(key: str) -> str:
    """A key as :func:`~zhurnal.publish.mail.message_id` writes it into the id."""
    return re.sub(r"[^A-Za-z0-9.-]", "-", key)


def _prefix(kind: str, label: str, login: str) -> str:
    """The start of every Message-ID of ``kind`` for one teacher and label (:func:`message_id`)."""
    return f"<{kind}.{_safe(_key(label, login))}."


def _queue_once(ctx: RunContext, label: str, teacher: Teacher, kind: str, msg_id: str,
                build: Callable[[], MIMEMultipart]) -> bool:
    """Write and queue the message ``build()`` makes unless the ledger knows ``msg_id``; set aside
    the teacher's other waiting ``kind`` messages of ``label``. Whether it was queued now."""
    with ctx.engine.connect() as conn:
        if ledger.status_of(conn, msg_id) is not None:
            return False
    write_eml(build(), ctx.settings.outbox / label / "mail")
    prefix = _prefix(kind, label, teacher.login)
    with ctx.engine.begin() as conn:
        ledger.queue(conn, _school(ctx), msg_id, kind=kind, recipient=teacher.email, week=label)
        for row in ledger.pending(conn, _school(ctx), kind, label):
            if row["message_id"].startswith(prefix) and row["message_id"] != msg_id:
                set_aside(conn, ctx.settings.outbox, label, row["message_id"])
    return True


def mail_workbooks(ctx: RunContext, label: str, title: str, teacher: Teacher,
                   books: list[tuple[str, bytes, str]]) -> str | None:
    """Queue the teacher's workbooks of ``label`` (``(file name, bytes, content fingerprint)``
    each; ``title``: «неделю 07.12–13.12.2026») as one message; its Message-ID, or None when the
    ledger already knew it (the same workbooks) or the teacher has no address."""
    if not teacher.email or not books:
        return None
    settings = ctx.settings
    books = sorted(books)
    msg_id = message_id(WORKBOOKS, _key(label, teacher.login), _digest([f"{n}:{fp}" for n, _, fp in books]),
                        settings.school.code)

    def build() -> MIMEMultipart:
        body = fill(words.WORKBOOKS_BODY, teacher=teacher.full_name, title=title,
                    files=", ".join(f"«{name}»" for name, _, _ in books), how=hand_back_line(settings, teacher))
        return build_message(settings.mail, to_name=teacher.full_name, to_address=teacher.email,
                             subject=fill(words.WORKBOOKS_SUBJECT, title=title), body=body,
                             attachments=[(name, data, XLSX) for name, data, _ in books], msg_id=msg_id,
                             zone=settings.school.zone)

    return msg_id if _queue_once(ctx, label, teacher, WORKBOOKS, msg_id, build) else None


def reminder_id(ctx: RunContext, label: str, teacher: Teacher) -> str:
    """The one reminder a teacher's journal of ``label`` gets (a reissued workbook of the same
    week is the same journal: it gets none again)."""
    return message_id(REMINDER, _key(label, teacher.login), _digest(["journal"]), ctx.settings.school.code)


def mail_reminder(ctx: RunContext, label: str, title: str, teacher: Teacher, deadline: str,
                  missing: list[str]) -> str | None:
    """Queue the reminder for the teacher's journal of ``label``, whose ``missing`` groups
    («5А — Математика») have no accepted journal after ``deadline`` («суббота 12.12.2026 12:00»);
    its Message-ID, or None when it was queued before or the teacher has no address."""
    if not teacher.email:
        return None
    settings = ctx.settings
    msg_id = reminder_id(ctx, label, teacher)

    def build() -> MIMEMultipart:
        body = fill(words.REMINDER_BODY, teacher=teacher.full_name, title=title, deadline=deadline,
                    missing="; ".join(missing), how=hand_back_line(settings, teacher))
        return build_message(settings.mail, to_name=teacher.full_name, to_address=teacher.email,
                             subject=fill(words.REMINDER_SUBJECT, title=title), body=body, attachments=[],
                             msg_id=msg_id, zone=settings.school.zone)

    return msg_id if _queue_once(ctx, label, teacher, REMINDER, msg_id, build) else None



def reminded_logins(conn: Connection, school_id: int, label: str) -> set[str]:
    """The logins of the teachers reminded of ``label``'s journal (queued or sent)."""
    start = f"<{REMINDER}.{_safe(label)}."
    found = set()
    for msg_id in conn.execute(select(mail_ledger.c.message_id).where(
            mail_ledger.c.school_id == school_id, mail_ledger.c.kind == REMINDER, mail_ledger.c.week == label,
            mail_ledger.c.status != "superseded")).scalars():
        if msg_id.startswith(start):
            found.add(msg_id[len(start):].split("@", 1)[0].rsplit(".", 1)[0])
    return found
