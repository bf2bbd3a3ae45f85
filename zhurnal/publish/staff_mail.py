"""Mail to the school's staff: feedback to teachers whose workbook was rejected, the deputy's
summary (week) or report (period), each class teacher's summary of their class (week).

Each message is written to ``outbox/<week>/mail/`` first and noted in the mail ledger after, in
a transaction that holds no rendering: a crash between the two leaves a file ``send`` does not
know (listed, never sent) and the next publish makes the same message again.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from zhurnal.core.filenames import feedback_path
from zhurnal.publish import ledger
from zhurnal.publish.mail import XLSX, build_message, feedback_body, message_id, write_eml
from zhurnal.publish.supersede import set_aside, supersede_all_but
from zhurnal.publish.week_data import digest
from zhurnal.school.context import RunContext
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.text import mail as words
from zhurnal.text.mail import fill


def mail_feedback(ctx: RunContext, label: str, out: Path) -> int:
    """A message with the feedback workbook for each rejection that still stands and was not
    mailed yet, noted under ``label`` (the week); how many were written. A rejection a later
    accepted copy corrected gets none, and its message still waiting from an earlier publish is
    set aside: «сдайте книгу снова» would no longer be true. A teacher without an address in
    the setup, or a rejection whose feedback workbook is gone, gets none either."""
    settings, school_id = ctx.settings, ctx.school_id
    written = 0
    with ctx.engine.begin() as conn:     # a few rows per teacher; the workbooks are on disk already
        teachers = {t["full_name"]: t["email"] for t in q.table_rows(conn, s.teachers, school_id)}
        for row, fix in q.rejections(conn, school_id):
            msg_id = message_id("feedback", f"s{row['id']}", row["sha256"], settings.school.code)
            known = ledger.row_of(conn, msg_id)
            if fix is not None:
                if known and known["status"] in ledger.PENDING:
                    set_aside(conn, settings.outbox, known["week"], msg_id)
                continue
            address = teachers.get(row["author"] or "")
            feedback = feedback_path(settings.outbox / "feedback", row["author"], row["original_name"])
            if not address or not feedback.exists() or known:
                continue
            errors = sum(1 for f in json.loads(row["findings"]) if f["severity"] == "error")
            message = build_message(settings.mail, to_name=row["author"], to_address=address,
                                    subject=fill(words.FEEDBACK_SUBJECT, file=row["original_name"]),
                                    body=feedback_body(row["author"], row["original_name"], errors),
                                    attachments=[(feedback.name, feedback.read_bytes(), XLSX)], msg_id=msg_id,
                                    zone=settings.school.zone)
            write_eml(message, out / "mail")
            ledger.queue(conn, school_id, msg_id, kind="feedback", recipient=address, week=label)
            written += 1
    return written


def workbook_fingerprint(data: bytes) -> str:
    """A digest of a workbook's content (``.xlsx`` bytes): every part but its creation time
    (``docProps/core.xml``), so the same summary made at another moment is the same message.
    The file's length is not such a digest: the compressed size changes with the time written
    inside it."""
    found = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in sorted(book.namelist()):
            if name != "docProps/core.xml":
                found.update(name.encode() + b"\0" + book.read(name))
    return found.hexdigest()


def main_lines(title: str, lines: list[str]) -> str:
    """The letter's «Главное» paragraph: ``lines`` (the front page's most important) under
    ``title``; empty when there are none."""
    if not lines:
        return ""
    return fill(words.SUMMARY_MAIN, title=title,
                lines="\n".join(fill(words.SUMMARY_LINE, line=line) for line in lines))


def mail_summary(ctx: RunContext, label: str, paths: list[Path], out: Path, subject: str,
                 main: str = "") -> None:
    """The workbooks at ``paths`` mailed to the deputy (``[mail] deputy_address``; nothing
    without one) as the one current summary message of ``label`` (week or period): the same
    workbooks give the same Message-ID, and an older waiting one is superseded. ``main``: the
    letter's «Главное» paragraph (:func:`main_lines`)."""
    settings = ctx.settings
    if not settings.mail.deputy_address:
        return
    data = [(p.name, p.read_bytes(), XLSX) for p in paths]
    msg_id = message_id("summary", label, digest([p.name for p in paths] + [workbook_fingerprint(d[1]) for d in data]),
                        settings.school.code)
    message = build_message(settings.mail, to_name=words.DEPUTY, to_address=settings.mail.deputy_address,
                            subject=subject, body=fill(words.SUMMARY_BODY, subject=subject.lower(), main=main),
                            attachments=data, msg_id=msg_id, zone=settings.school.zone)
    write_eml(message, out / "mail")
    with ctx.engine.begin() as conn:
        ledger.queue(conn, ctx.school_id, msg_id, kind="summary", recipient=settings.mail.deputy_address, week=label)
        supersede_all_but(conn, settings.outbox, ctx.school_id, "summary", label, {msg_id})


def mail_class_summaries(ctx: RunContext, label: str, week_title: str, paths: dict[str, Path],
                         mains: dict[str, str], out: Path) -> int:
    """Each class's summary (``paths``: class → workbook) mailed to its class teacher as the one
    current ``class_summary`` message of ``label`` for that class: the same workbook gives the
    same Message-ID (a republish of unchanged data mails nothing new), a changed one supersedes
    the waiting one. A class without a class teacher, or whose teacher has no address in the
    setup, gets none. ``mains``: class → the letter's «Главное» paragraph. How many were written."""
    settings, school_id = ctx.settings, ctx.school_id
    assert school_id is not None         # publish runs with a school (a read-write context)
    with ctx.engine.connect() as conn:
        teachers = {t["full_name"]: t["email"] for t in q.table_rows(conn, s.teachers, school_id)}
        heads = {c["code"]: c["class_teacher"] for c in q.table_rows(conn, s.classes, school_id)}
    messages, current = [], set()
    for code, path in paths.items():
        teacher = heads.get(code) or ""
        address = teachers.get(teacher)
        if not address:
            continue
        name = fill(words.CLASS_SUMMARY_FILE, code=code, label=label)
        content = path.read_bytes()
        msg_id = message_id("class_summary", f"{label}.{code.encode('utf-8').hex()}",
                            workbook_fingerprint(content), settings.school.code)
        message = build_message(settings.mail, to_name=teacher, to_address=address,
                                subject=fill(words.CLASS_SUMMARY_SUBJECT, code=code, week=week_title),
                                body=fill(words.CLASS_SUMMARY_BODY, teacher=teacher, code=code, week=week_title,
                                          main=mains.get(code, "")),
                                attachments=[(name, content, XLSX)], msg_id=msg_id, zone=settings.school.zone)
        write_eml(message, out / "mail")
        messages.append({"message_id": msg_id, "kind": "class_summary", "recipient": address, "week": label})
        current.add(msg_id)
    with ctx.engine.begin() as conn:
        ledger.queue_many(conn, school_id, messages)
        supersede_all_but(conn, settings.outbox, school_id, "class_summary", label, current)
    return len(messages)
